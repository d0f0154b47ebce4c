/**
 * Wires the server together: storage, tokens, relay, websocket transport and HTTP on one port.
 * `startServer` is what `npm start` runs (via main.ts) and what tests start in-process.
 */
import { mkdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { AddressInfo } from 'node:net'
import pino, { type Logger } from 'pino'
import type { ServerConfig } from './config'
import { TokenAuthority } from './auth/tokens'
import { SqliteStorage } from './storage/sqliteStorage'
import { Relay } from './relay/relay'
import { UpdateScreen } from './relay/updateScreen'
import { TurnWriter } from './relay/turnWriter'
import type { RelayContext } from './relay/context'
import { RelayMetrics } from './metrics/relayMetrics'
import { CLOSE_GRACE_MS, WsTransport } from './transport/wsTransport'
import { BoardsApi } from './http/boardsApi'
import { AnonymousCardsApi } from './http/anonymousCardsApi'
import { VotingApi } from './http/votingApi'
import { RevealService } from './facilitation/revealService'
import { StaticFiles } from './http/staticFiles'
import { createHttpServer } from './http/httpServer'

export const CLIENT_BUILD_DIR = resolve(import.meta.dirname, '..', 'dist', 'client')

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

export async function startServer(config: ServerConfig, log: Logger = createLogger(config.logLevel)): Promise<RunningServer> {
  mkdirSync(config.dataDir, { recursive: true })
  const storage = new SqliteStorage(join(config.dataDir, 'think-together.sqlite'))
  const tokens = TokenAuthority.fromDataDir(config.dataDir, config.tokenSecret)
  const metrics = new RelayMetrics()
  const context: RelayContext = {
    limits: config.limits,
    metrics,
    screen: new UpdateScreen({ timeBudgetMs: config.limits.updateDecodeBudgetMs, heapBudgetMb: config.limits.updateDecodeHeapMb }),
    turnWriter: new TurnWriter(storage),
  }
  const relay = new Relay(storage, tokens, context, log.child({ component: 'relay' }))
  const reveal = new RevealService(relay, storage, log.child({ component: 'reveal' }))
  context.onStored = (docName) => reveal.documentStored(docName)
  let ready = false
  const httpServer = createHttpServer({
    boardsApi: new BoardsApi({
      storage,
      tokens,
      anonymousCards: new AnonymousCardsApi({ storage, tokens, relay, log: log.child({ component: 'api' }) }),
      voting: new VotingApi({ storage, tokens, relay, log: log.child({ component: 'api' }) }),
      reveal,
      log: log.child({ component: 'api' }),
      publicUrl: config.publicUrl,
      maxAssetBytes: config.maxAssetBytes,
    }),
    staticFiles: new StaticFiles(CLIENT_BUILD_DIR),
    log,
    clientConfig: { tldrawLicenseKey: config.tldrawLicenseKey, maxAssetBytes: config.maxAssetBytes },
    isReady: () => ready,
    metrics: async () => ({ contentType: metrics.registry.contentType, body: await metrics.registry.metrics() }),
  })
  const transport = new WsTransport(
    relay,
    log.child({ component: 'transport' }),
    { maxFrameBytes: config.limits.maxFrameBytes },
    (reason) => metrics.refusedUpgrades.inc({ reason }),
  )
  transport.attach(httpServer)

  await new Promise<void>((resolvePromise, reject) => {
    httpServer.once('error', reject)
    httpServer.listen(config.port, config.host, () => {
      httpServer.off('error', reject)
      resolvePromise()
    })
  })
  ready = true
  const port = (httpServer.address() as AddressInfo).port
  const host = config.host.includes(':') ? `[${config.host}]` : config.host
  const url = `http://${host}:${port}`
  log.info({ port, host: config.host, dataDir: config.dataDir }, 'server listening')

  let stopping: Promise<void> | null = null
  const stop = () => {
    stopping ??= (async () => {
      ready = false
      httpServer.close()
      await relay.shutdown()
      // Give close frames time to reach clients (so they see 1001, not a dropped connection).
      await transport.waitForClosed(CLOSE_GRACE_MS)
      transport.close()
      httpServer.closeAllConnections()
      await storage.close()
      log.info('server stopped')
    })()
    return stopping
  }
  return { port, url, relay, tokens, stop }
}
