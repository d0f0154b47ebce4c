/**
 * Wires the server together: storage (PostgreSQL when DATABASE_URL is set, else SQLite in
 * DATA_DIR under the directory's lock), tokens, relay, websocket transport and HTTP on one port.
 * `startServer` is what `npm start` runs (via main.ts) and what tests start in-process.
 */
import { mkdirSync } from 'node:fs'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import pino, { type Logger } from 'pino'
import type { ServerConfig } from './config'
import { TokenAuthority } from './auth/tokens'
import { SqliteStorage } from './storage/sqliteStorage'
import { PostgresStorage } from './storage/postgresStorage'
import type { Storage } from './storage/storage'
import { checkDatabasePresent, lockDataDirectory } from './storage/dataDirectory'
import { Relay } from './relay/relay'
import { HistoryRecorder } from './history/historyRecorder'
import { HistoryReader } from './history/historyReader'
import { HistoryApi } from './http/historyApi'
import { UpdateScreen } from './relay/updateScreen'
import { TurnWriter } from './relay/turnWriter'
import type { RelayContext } from './relay/context'
import { SYSTEM_CLOCK } from './relay/context'
import { RelayMetrics } from './metrics/relayMetrics'
import { BoardPolicy } from './policy/boardPolicy'
import { PeopleApi } from './http/peopleApi'
import { ApiRateLimits } from './http/apiRateLimits'
import { clientAddress } from './http/clientAddress'
import { RedisFanout } from './scale/redisFanout'
import { CLOSE_GRACE_MS, WsTransport } from './transport/wsTransport'
import { BoardsApi } from './http/boardsApi'
import { LinksApi } from './http/linksApi'
import { BoardTemplates } from './boards/boardTemplates'
import { ExchangeApi } from './exchange/exchangeApi'
import { ImportPool } from './exchange/importPool'

/** How long one import may take to read, and the heap its worker may use. */
const IMPORT_TIME_BUDGET_MS = 60_000
const IMPORT_HEAP_MB = 1024
import { AnonymousCardsApi } from './http/anonymousCardsApi'
import { VotingApi } from './http/votingApi'
import { RevealService } from './facilitation/revealService'
import { StaticFiles, clientBuildDir } from './http/staticFiles'
import { createHttpServer, createMetricsServer, type MetricsSource } from './http/httpServer'

export const CLIENT_BUILD_DIR = clientBuildDir(import.meta.dirname)

export interface RunningServer {
  port: number
  url: string
  relay: Relay
  tokens: TokenAuthority
  /** Stops taking connections, stores everything, closes sockets (retryable), closes storage. */
  stop(): Promise<void>
}

export function createLogger(level: string): Logger {
  // Tokens travel in URLs and headers; keep them out of every log line.
  return pino({ level, base: { service: 'think-together' }, redact: ['token', '*.token', 'req.headers.authorization'] })
}

/** A store as the configuration names it, with the token authority that goes with it. */
interface OpenedStorage {
  storage: Storage
  tokens: TokenAuthority
  backend: 'postgres' | 'sqlite'
  /** Lets go of what the store held (SQLite: the data directory's lock). */
  release(): void
}

/**
 * PostgreSQL when DATABASE_URL is set: several servers may share it, so they must share the
 * token secret too, and nothing is kept in DATA_DIR. Otherwise SQLite in DATA_DIR, one server
 * per directory.
 */
async function openStorage(config: ServerConfig, log: Logger): Promise<OpenedStorage> {
  if (config.databaseUrl) {
    if (!config.tokenSecret) {
      throw new Error(
        'DATABASE_URL is set but TOKEN_SECRET is not: servers sharing a PostgreSQL database must sign board links with one shared secret; set TOKEN_SECRET (at least 32 characters) to the same value on every server',
      )
    }
    // Given a secret, TokenAuthority checks it and never touches the data directory.
    const tokens = TokenAuthority.fromDataDir(config.dataDir, config.tokenSecret)
    const storage = await PostgresStorage.open(config.databaseUrl, {
      onConnectionError: (error) => log.warn({ err: error }, 'an idle PostgreSQL connection broke; the pool opens a new one when needed'),
    })
    return { storage, tokens, backend: 'postgres', release: () => undefined }
  }
  mkdirSync(config.dataDir, { recursive: true })
  // Before anything touches the directory: one server per DATA_DIR, for the life of the process.
  const lock = lockDataDirectory(config.dataDir)
  let storage: SqliteStorage | null = null
  try {
    const database = checkDatabasePresent(config.dataDir, lock, { startFresh: config.startFresh })
    if (database.startsOver) {
      log.warn({ dataDir: config.dataDir }, 'START_FRESH=1: the database was missing or empty in a data directory used before; starting an empty service')
    }
    storage = new SqliteStorage(database.file)
    const tokens = TokenAuthority.fromDataDir(config.dataDir, config.tokenSecret)
    return { storage, tokens, backend: 'sqlite', release: () => lock.release() }
  } catch (error) {
    await storage?.close()
    lock.release()
    throw error
  }
}

export async function startServer(config: ServerConfig, log: Logger = createLogger(config.logLevel)): Promise<RunningServer> {
  // Checked before anything opens: a broken template stops the start, naming the file and line.
  const templates = BoardTemplates.load()
  const { storage, tokens, backend, release } = await openStorage(config, log)
  const metrics = new RelayMetrics()
  const context: RelayContext = {
    limits: config.limits,
    metrics,
    screen: new UpdateScreen({ timeBudgetMs: config.limits.updateDecodeBudgetMs, heapBudgetMb: config.limits.updateDecodeHeapMb }),
    turnWriter: new TurnWriter(storage),
    clock: SYSTEM_CLOCK,
  }
  // Several instances sharing one database hear each other's changes through Redis.
  const fanout = config.redisUrl ? await RedisFanout.connect(config.redisUrl, log.child({ component: 'fanout' })) : null
  if (fanout) context.fanout = fanout
  const historyRetentionMs = config.historyRetentionDays === null ? null : config.historyRetentionDays * 24 * 60 * 60 * 1000
  const history = new HistoryRecorder({
    storage,
    log: log.child({ component: 'history' }),
    clock: SYSTEM_CLOCK,
    stepMs: config.historyStepMs,
    retentionMs: historyRetentionMs,
  })
  context.history = history
  // The board's rules live in the policy; the relay is handed it as its hooks.
  const policy = new BoardPolicy({ tokens, storage, log: log.child({ component: 'policy' }) })
  const relay = new Relay(storage, context, log.child({ component: 'relay' }), policy)
  policy.attach(relay)
  if (fanout) {
    policy.people.onChanged.push((boardId, personId) => fanout.publishEvent({ kind: 'person-changed', boardId, personId }))
    policy.onLinkRotated.push((boardId, role, version) => fanout.publishEvent({ kind: 'link-rotated', boardId, role, version }))
    policy.onBoardDeleted.push((boardId) => fanout.publishEvent({ kind: 'board-deleted', boardId }))
    fanout.onEvent((event) => {
      if (event.kind === 'person-changed') void policy.people.reload(event.boardId, event.personId).catch(() => {})
      else if (event.kind === 'link-rotated') policy.linkRotated(event.boardId, event.role, event.version)
      else if (event.kind === 'board-deleted') {
        void policy
          .boardDeleted(event.boardId)
          .catch((error: unknown) => log.error({ err: error, boardId: event.boardId }, 'could not delete what this instance held of a deleted board'))
      }
    })
  }
  const reveal = new RevealService(relay, storage, log.child({ component: 'reveal' }))
  // A board file of several megabytes takes seconds to read: in a worker, never on the event loop.
  const imports = new ImportPool({ timeBudgetMs: IMPORT_TIME_BUDGET_MS, heapBudgetMb: IMPORT_HEAP_MB })
  policy.onStoredListeners.push((docName) => reveal.documentStored(docName))
  const apiLog = log.child({ component: 'api' })
  let ready = false
  const metricsSource: MetricsSource = async () => ({ contentType: metrics.registry.contentType, body: await metrics.registry.metrics() })
  const httpServer = createHttpServer({
    boardsApi: new BoardsApi({
      storage,
      tokens,
      policy,
      people: new PeopleApi({
        tokens,
        policy,
        log: apiLog,
      }),
      links: new LinksApi({ storage, policy, log: apiLog, baseUrl: (req) => config.publicUrl ?? `http://${req.headers.host ?? 'localhost'}` }),
      anonymousCards: new AnonymousCardsApi({ storage, policy, relay, log: apiLog }),
      voting: new VotingApi({ storage, policy, relay, log: apiLog }),
      history: new HistoryApi({
        policy,
        reader: new HistoryReader({ storage, stepMs: config.historyStepMs, retentionMs: historyRetentionMs }),
        retentionDays: config.historyRetentionDays,
      }),
      reveal,
      relay,
      exchange: new ExchangeApi({ storage, policy, relay, log: apiLog, imports }),
      templates,
      log: apiLog,
      publicUrl: config.publicUrl,
      maxAssetBytes: config.maxAssetBytes,
      maxBoardAssetBytes: config.maxBoardAssetBytes,
      assetPruneGraceMs: config.assetPruneGraceSeconds * 1000,
      boardCreationToken: config.boardCreationToken,
    }),
    staticFiles: new StaticFiles(CLIENT_BUILD_DIR),
    log,
    clientConfig: {
      tldrawLicenseKey: config.tldrawLicenseKey,
      maxAssetBytes: config.maxAssetBytes,
      maxBoardAssetBytes: config.maxBoardAssetBytes,
      boardCreationNeedsToken: config.boardCreationToken !== null,
    },
    rateLimits: new ApiRateLimits(
      {
        requestsPerMinute: config.apiRequestsPerAddressPerMinute,
        boardsPerHour: config.boardsPerAddressPerHour,
        uploadsPerHour: config.uploadsPerAddressPerHour,
        peoplePerHour: config.peoplePerAddressPerHour,
      },
      (req) => clientAddress(req, config.trustProxy),
    ),
    isReady: () => ready,
    checkStorage: async () => {
      const health = await storage.checkHealth()
      if (health.ok && fanout && !fanout.isConnected) return { ok: false, reason: 'redis cannot be reached: other instances do not hear this one' }
      return health
    },
    metrics: metricsSource,
    metricsAccess: { token: config.metricsToken, onMainPort: config.metricsPort === null },
  })
  const metricsServer: Server | null =
    config.metricsPort === null ? null : createMetricsServer({ metrics: metricsSource, token: config.metricsToken, log: apiLog })
  const transport = new WsTransport(
    relay,
    log.child({ component: 'transport' }),
    { maxFrameBytes: config.limits.maxFrameBytes },
    (reason) => metrics.refusedUpgrades.inc({ reason }),
    config.trustProxy,
  )
  transport.attach(httpServer)

  const listen = (server: Server, port: number) =>
    new Promise<void>((resolvePromise, reject) => {
      server.once('error', reject)
      server.listen(port, config.host, () => {
        server.off('error', reject)
        resolvePromise()
      })
    })
  try {
    await listen(httpServer, config.port)
    if (metricsServer) await listen(metricsServer, config.metricsPort!)
  } catch (error) {
    httpServer.close()
    metricsServer?.close()
    transport.close()
    await context.screen.close()
    await imports.close()
    await storage.close()
    release()
    throw error
  }
  ready = true
  const port = (httpServer.address() as AddressInfo).port
  const host = config.host.includes(':') ? `[${config.host}]` : config.host
  const url = `http://${host}:${port}`
  log.info(
    { port, host: config.host, storage: backend, ...(backend === 'sqlite' ? { dataDir: config.dataDir } : {}), metricsPort: config.metricsPort ?? undefined },
    'server listening',
  )

  let stopping: Promise<void> | null = null
  const stop = () => {
    stopping ??= (async () => {
      ready = false
      httpServer.close()
      metricsServer?.close()
      await relay.shutdown()
      // Give close frames time to reach clients (so they see 1001, not a dropped connection).
      await transport.waitForClosed(CLOSE_GRACE_MS)
      transport.close()
      httpServer.closeAllConnections()
      await imports.close()
      await fanout?.close()
      await storage.close()
      release()
      log.info('server stopped')
    })()
    return stopping
  }
  return { port, url, relay, tokens, stop }
}
