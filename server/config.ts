/**
 * The server's configuration, read once from the environment and validated. Every setting and
 * its default is listed in the README's configuration table.
 */
import { resolve } from 'node:path'
import { z } from 'zod'
import { DEFAULT_RELAY_LIMITS, type RelayLimits } from './relay/limits'

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback)

const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATA_DIR: z.string().min(1).default('./data'),
  PUBLIC_URL: z.url().optional(),
  TOKEN_SECRET: z.string().optional(),
  TLDRAW_LICENSE_KEY: z.string().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  MAX_ASSET_BYTES: positiveInt(10 * 1024 * 1024),
  MAX_FRAME_BYTES: positiveInt(DEFAULT_RELAY_LIMITS.maxFrameBytes),
  MAX_FRAMES_BEFORE_OPEN: positiveInt(DEFAULT_RELAY_LIMITS.maxFramesBeforeOpen),
  DOCUMENT_IDLE_MS: positiveInt(DEFAULT_RELAY_LIMITS.documentIdleMs),
  COMPACT_AFTER_UPDATES: positiveInt(DEFAULT_RELAY_LIMITS.compactAfterUpdates),
  MAX_BUFFERED_BYTES: positiveInt(DEFAULT_RELAY_LIMITS.maxBufferedBytes),
})

export interface ServerConfig {
  port: number
  host: string
  dataDir: string
  /** Base of the board links handed out; by default taken from the request's Host header. */
  publicUrl: string | undefined
  tokenSecret: string | undefined
  tldrawLicenseKey: string | null
  logLevel: string
  maxAssetBytes: number
  limits: RelayLimits
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const parsed = EnvSchema.safeParse(Object.fromEntries(Object.entries(env).filter(([, value]) => value !== '')))
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')
    throw new Error(`Invalid configuration: ${problems}`)
  }
  const e = parsed.data
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: resolve(e.DATA_DIR),
    publicUrl: e.PUBLIC_URL?.replace(/\/+$/, ''),
    tokenSecret: e.TOKEN_SECRET,
    tldrawLicenseKey: e.TLDRAW_LICENSE_KEY ?? null,
    logLevel: e.LOG_LEVEL,
    maxAssetBytes: e.MAX_ASSET_BYTES,
    limits: {
      maxFrameBytes: e.MAX_FRAME_BYTES,
      maxFramesBeforeOpen: e.MAX_FRAMES_BEFORE_OPEN,
      documentIdleMs: e.DOCUMENT_IDLE_MS,
      compactAfterUpdates: e.COMPACT_AFTER_UPDATES,
      maxBufferedBytes: e.MAX_BUFFERED_BYTES,
    },
  }
}
