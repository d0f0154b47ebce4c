/**
 * The server's configuration, read once from the environment and validated. Every setting and
 * its default is listed in the README's configuration table.
 */
import { resolve } from 'node:path'
import { z } from 'zod'
import { DEFAULT_RELAY_LIMITS, type RelayLimits } from './relay/limits'
import { parseTrustProxy, type TrustProxy } from './http/clientAddress'

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback)

/** The environment variable that sets each relay limit. */
export const LIMIT_ENV_NAMES: Record<keyof RelayLimits, string> = {
  maxFrameBytes: 'MAX_FRAME_BYTES',
  maxAwarenessBytes: 'MAX_AWARENESS_BYTES',
  maxFramesBeforeOpen: 'MAX_FRAMES_BEFORE_OPEN',
  admissionTimeoutMs: 'ADMISSION_TIMEOUT_MS',
  maxConnections: 'MAX_CONNECTIONS',
  maxConnectionsPerAddress: 'MAX_CONNECTIONS_PER_ADDRESS',
  maxConnectionsPerToken: 'MAX_CONNECTIONS_PER_TOKEN',
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
  slowConsumerTimeoutMs: 'SLOW_CONSUMER_TIMEOUT_MS',
}

const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a PostgreSQL connection string (postgres://… or postgresql://…)')
    .optional(),
  PUBLIC_URL: z.url().optional(),
  TOKEN_SECRET: z.string().optional(),
  TLDRAW_LICENSE_KEY: z.string().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  MAX_ASSET_BYTES: positiveInt(10 * 1024 * 1024),
  MAX_BOARD_ASSET_BYTES: positiveInt(256 * 1024 * 1024),
  ASSET_PRUNE_GRACE_SECONDS: z.coerce.number().int().min(0).default(3600),
  PEOPLE_PER_ADDRESS_PER_HOUR: positiveInt(300),
  API_REQUESTS_PER_ADDRESS_PER_MINUTE: positiveInt(6000),
  BOARDS_PER_ADDRESS_PER_HOUR: positiveInt(60),
  UPLOADS_PER_ADDRESS_PER_HOUR: positiveInt(600),
  BOARD_CREATION_TOKEN: z.string().min(16, 'use at least 16 characters').optional(),
  TRUST_PROXY: z.string().optional(),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'a redis:// or rediss:// URL')
    .optional(),
  START_FRESH: z.enum(['0', '1']).default('0'),
  METRICS_TOKEN: z.string().min(16, 'use at least 16 characters').optional(),
  METRICS_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  HISTORY_STEP_SECONDS: z.coerce.number().min(0.05).max(60).default(30),
  HISTORY_RETENTION_DAYS: z.coerce.number().positive().optional(),
  ...Object.fromEntries(Object.entries(LIMIT_ENV_NAMES).map(([key, envName]) => [envName, positiveInt(DEFAULT_RELAY_LIMITS[key as keyof RelayLimits])])),
})

export interface ServerConfig {
  port: number
  host: string
  dataDir: string
  /**
   * PostgreSQL to store everything in instead of SQLite in DATA_DIR; several servers may share
   * it. Requires TOKEN_SECRET, which they must share too.
   */
  databaseUrl: string | undefined
  /** Base of the board links handed out; by default taken from the request's Host header. */
  publicUrl: string | undefined
  tokenSecret: string | undefined
  tldrawLicenseKey: string | null
  logLevel: string
  maxAssetBytes: number
  /** What all of one board's uploaded files may add up to. */
  maxBoardAssetBytes: number
  /** How old an unused upload must be before pruning removes it (a shape may be about to use it). */
  assetPruneGraceSeconds: number
  /** Personal tokens one client address may mint in an hour (POST /api/boards/:id/people). */
  peoplePerAddressPerHour: number
  /** API requests of any kind one client address may make in a minute (a burst of as many). */
  apiRequestsPerAddressPerMinute: number
  /** Boards one client address may create in an hour. */
  boardsPerAddressPerHour: number
  /** Files one client address may upload in an hour. */
  uploadsPerAddressPerHour: number
  /** The secret creating a board needs (Authorization: Bearer), or null when anyone may. */
  boardCreationToken: string | null
  /** Which proxies may say who the client is (X-Forwarded-For / Forwarded). */
  trustProxy: TrustProxy
  /** Redis that carries changes between instances; none for a single instance. */
  redisUrl: string | undefined
  /**
   * Start even though the database is missing or empty in a data directory that was used before
   * (an empty service). Nothing is deleted either way.
   */
  startFresh: boolean
  /** The bearer token GET /metrics requires, or null when it is open. */
  metricsToken: string | null
  /** A port of its own for GET /metrics (then not served on `port`), or null. */
  metricsPort: number | null
  /** History's resolution: a step ends at most this long after its first change (at most a minute). */
  historyStepMs: number
  /** How long history is kept, in days; null keeps it as long as the board. */
  historyRetentionDays: number | null
  limits: RelayLimits
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const parsed = EnvSchema.safeParse(Object.fromEntries(Object.entries(env).filter(([, value]) => value !== '')))
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')
    throw new Error(`Invalid configuration: ${problems}`)
  }
  const e = parsed.data
  if (e.METRICS_PORT !== undefined && e.METRICS_PORT === e.PORT) {
    throw new Error('Invalid configuration: METRICS_PORT: must differ from PORT (unset it to serve /metrics on PORT)')
  }
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: resolve(e.DATA_DIR),
    databaseUrl: e.DATABASE_URL,
    publicUrl: e.PUBLIC_URL?.replace(/\/+$/, ''),
    tokenSecret: e.TOKEN_SECRET,
    tldrawLicenseKey: e.TLDRAW_LICENSE_KEY ?? null,
    logLevel: e.LOG_LEVEL,
    maxAssetBytes: e.MAX_ASSET_BYTES,
    maxBoardAssetBytes: e.MAX_BOARD_ASSET_BYTES,
    assetPruneGraceSeconds: e.ASSET_PRUNE_GRACE_SECONDS,
    peoplePerAddressPerHour: e.PEOPLE_PER_ADDRESS_PER_HOUR,
    apiRequestsPerAddressPerMinute: e.API_REQUESTS_PER_ADDRESS_PER_MINUTE,
    boardsPerAddressPerHour: e.BOARDS_PER_ADDRESS_PER_HOUR,
    uploadsPerAddressPerHour: e.UPLOADS_PER_ADDRESS_PER_HOUR,
    boardCreationToken: e.BOARD_CREATION_TOKEN ?? null,
    trustProxy: parseTrustProxy(e.TRUST_PROXY),
    redisUrl: e.REDIS_URL,
    startFresh: e.START_FRESH === '1',
    metricsToken: e.METRICS_TOKEN ?? null,
    metricsPort: e.METRICS_PORT ?? null,
    historyStepMs: Math.round(e.HISTORY_STEP_SECONDS * 1000),
    historyRetentionDays: e.HISTORY_RETENTION_DAYS ?? null,
    limits: Object.fromEntries(
      Object.entries(LIMIT_ENV_NAMES).map(([key, envName]) => [key, (e as Record<string, unknown>)[envName] as number]),
    ) as unknown as RelayLimits,
  }
}
