/**
 * The HTTP side of the server: liveness and readiness, client configuration, the boards API and
 * the built client, on one port with the websocket relay (attached by the caller). A request that
 * fails on storage is answered 503 with what happened; any other failure 500. Every response says
 * `X-Content-Type-Options: nosniff`.
 *
 * Metrics are served at GET /metrics on this port, or only on a port of their own
 * (`createMetricsServer`, METRICS_PORT); with METRICS_TOKEN they need `Authorization: Bearer`.
 * Every /api request passes the API's rate limits (apiRateLimits.ts) before any route sees it.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { Logger } from 'pino'
import { DamagedDocumentError, StorageError, type StorageHealth } from '../storage/storage'
import { bearerSecret, sameSecret } from '../auth/secrets'
import type { ClientConfig } from '../../shared/api/boards'
import type { ApiRateLimits } from './apiRateLimits'
import type { BoardsApi } from './boardsApi'
import type { StaticFiles } from './staticFiles'
import { sendError, sendJson, sendTooManyRequests } from './respond'

export interface HttpServerOptions {
  boardsApi: BoardsApi
  staticFiles: StaticFiles
  log: Logger
  /** Handed to the page: the licence key, the upload limits, whether creating a board needs a secret. */
  clientConfig: ClientConfig
  /** The per-address budgets every /api request spends from. */
  rateLimits: ApiRateLimits
  /** False while the server starts and once it is stopping. */
  isReady: () => boolean
  /** Whether storage can be written and read now (Storage.checkHealth). */
  checkStorage: () => Promise<StorageHealth>
  /** Prometheus text for GET /metrics. */
  metrics: MetricsSource
  /** Who may read /metrics, and whether it is served here at all (not when it has its own port). */
  metricsAccess: MetricsAccess
}

export type MetricsSource = () => Promise<{ contentType: string; body: string }>

export interface MetricsAccess {
  /** The bearer token /metrics requires (METRICS_TOKEN), or null for none. */
  token: string | null
  /** False when metrics have a port of their own (METRICS_PORT): then /metrics is a 404 here. */
  onMainPort: boolean
}

/** Answers GET /metrics: 401 without the right bearer token when one is required. */
async function serveMetrics(req: IncomingMessage, res: ServerResponse, metrics: MetricsSource, token: string | null): Promise<void> {
  if (token !== null) {
    const given = bearerSecret(req)
    if (given === null || !sameSecret(given, token)) {
      res.setHeader('WWW-Authenticate', 'Bearer realm="metrics"')
      sendError(res, 401, 'Metrics need Authorization: Bearer <METRICS_TOKEN>.')
      return
    }
  }
  const { contentType, body } = await metrics()
  res.writeHead(200, { 'Content-Type': contentType, 'Cache-Control': 'no-store' })
  res.end(body)
}

/** A server of its own for GET /metrics (METRICS_PORT); every other path is a 404. */
export function createMetricsServer(options: { metrics: MetricsSource; token: string | null; log: Logger }): Server {
  return createServer((req, res) => {
    res.setHeader('X-Content-Type-Options', 'nosniff')
    const url = new URL(req.url ?? '/', 'http://localhost')
    if (url.pathname !== '/metrics') {
      sendError(res, 404, 'Not found.')
      return
    }
    serveMetrics(req, res, options.metrics, options.token).catch((error: unknown) => {
      options.log.error({ err: error, path: url.pathname }, 'request failed')
      if (res.headersSent) res.destroy()
      else sendError(res, 500, 'Something went wrong on the server.')
    })
  })
}

/** The 503 answer for a failure of storage, or null when the failure is something else. */
function storageFailureMessage(error: unknown): string | null {
  if (error instanceof DamagedDocumentError) return "This board's stored data is damaged; ask the operator to restore it from a backup."
  if (error instanceof StorageError) {
    return 'The board could not be loaded or saved right now; try again in a moment.'
  }
  return null
}

export function createHttpServer(options: HttpServerOptions): Server {
  return createServer((req, res) => {
    res.setHeader('X-Content-Type-Options', 'nosniff')
    const url = new URL(req.url ?? '/', 'http://localhost')
    const route = async () => {
      if (url.pathname === '/healthz') {
        // Liveness: answering at all is the answer.
        sendJson(res, 200, { status: 'ok' })
        return
      }
      if (url.pathname === '/readyz') {
        const health: StorageHealth = options.isReady() ? await options.checkStorage() : { ok: false, reason: 'the server is starting or stopping' }
        if (health.ok) sendJson(res, 200, { status: 'ready' })
        else sendJson(res, 503, { status: 'unavailable', reason: health.reason })
        return
      }
      if (url.pathname === '/metrics' && options.metricsAccess.onMainPort) {
        await serveMetrics(req, res, options.metrics, options.metricsAccess.token)
        return
      }
      if (url.pathname.startsWith('/api/')) {
        const decision = options.rateLimits.admit(req, url.pathname)
        if (!decision.allowed) {
          if (decision.worthLogging) {
            options.log.warn(
              { path: url.pathname, remoteAddress: decision.address, budget: decision.budget },
              'requests refused: rate limit (logged once a minute per address)',
            )
          }
          sendTooManyRequests(res, decision.retryAfterSeconds, decision.message)
          return
        }
      }
      if (url.pathname === '/api/time') {
        // The shared timer counts on the server's clock; clients estimate their offset from this.
        sendJson(res, 200, { now: Date.now() })
        return
      }
      if (url.pathname === '/api/config') {
        sendJson(res, 200, options.clientConfig)
        return
      }
      if (await options.boardsApi.handle(req, res, url)) return
      if (url.pathname.startsWith('/api/')) {
        sendError(res, 404, 'Not found.')
        return
      }
      if (options.staticFiles.handle(req, res, url)) return
      sendError(res, 404, 'Not found.')
    }
    route().catch((error: unknown) => {
      const storageFailure = storageFailureMessage(error)
      options.log.error({ err: error, path: url.pathname }, storageFailure ? 'request failed on storage' : 'request failed')
      if (res.headersSent) res.destroy()
      else if (storageFailure) sendError(res, 503, storageFailure)
      else sendError(res, 500, 'Something went wrong on the server.')
    })
  })
}
