/**
 * The server's configuration, read once from the environment and validated. Every setting and
 * its default is listed in the README's configuration table.
 */
import { resolve } from 'node:path'
import { z } from 'zod'
import { DEFAULT_RELAY_LIMITS, type RelayLimits } from './relay/limits'

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback)

/** The environment variable that sets each relay limit. */
export const LIMIT_ENV_NAMES: Record<keyof RelayLimits, string> = {
  maxFrameBytes: 'MAX_FRAME_BYTES',
  maxAwarenessBytes: 'MAX_AWARENESS_BYTES',
  maxFramesBeforeOpen: 'MAX_FRAMES_BEFORE_OPEN',
  admissionTimeoutMs: 'ADMISSION_TIMEOUT_MS',
  maxConnectionsPerAddress: 'MAX_CONNECTIONS_PER_ADDRESS',
  maxPendingConnections: 'MAX_PENDING_CONNECTIONS',
  messagesPerSecond: 'RATE_LIMIT_MESSAGES_PER_SECOND',
  messageBurst: 'RATE_LIMIT_MESSAGE_BURST',
  bytesPerSecond: 'RATE_LIMIT_BYTES_PER_SECOND',
  byteBurst: 'RATE_LIMIT_BYTE_BURST',
  maxQueuedUpdates: 'MAX_QUEUED_UPDATES',
  updateDecodeBudgetMs: 'UPDATE_DECODE_BUDGET_MS',
  updateDecodeHeapMb: 'UPDATE_DECODE_HEAP_MB',
  maxPendingUpdateBytes: 'MAX_PENDING_UPDATE_BYTES',
  documentIdleMs: 'DOCUMENT_IDLE_MS',
  compactAfterUpdates: 'COMPACT_AFTER_UPDATES',
  maxBufferedBytes: 'MAX_BUFFERED_BYTES',
}

const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATA_DIR: z.string().min(1).default('./data'),
  PUBLIC_URL: z.url().optional(),
  TOKEN_SECRET: z.string().optional(),
  TLDRAW_LICENSE_KEY: z.string().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  MAX_ASSET_BYTES: positiveInt(10 * 1024 * 1024),
  ...Object.fromEntries(
    Object.entries(LIMIT_ENV_NAMES).map(([key, envName]) => [envName, positiveInt(DEFAULT_RELAY_LIMITS[key as keyof RelayLimits])]),
  ),
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
    limits: Object.fromEntries(
      Object.entries(LIMIT_ENV_NAMES).map(([key, envName]) => [key, (e as Record<string, unknown>)[envName] as number]),
    ) as unknown as RelayLimits,
  }
}
