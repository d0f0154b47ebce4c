/**
 * The HTTP side of the server: health, client configuration, the boards API and the built client,
 * on one port with the websocket relay (attached by the caller).
 */
import { createServer, type Server } from 'node:http'
import type { Logger } from 'pino'
import type { BoardsApi } from './boardsApi'
import type { StaticFiles } from './staticFiles'
import { sendError, sendJson } from './respond'

export interface HttpServerOptions {
  boardsApi: BoardsApi
  staticFiles: StaticFiles
  log: Logger
  /** Handed to the page: the operator's tldraw licence key (or null) and the upload limit. */
  clientConfig: { tldrawLicenseKey: string | null; maxAssetBytes: number }
  isReady: () => boolean
  /** Prometheus text for GET /metrics. */
  metrics: () => Promise<{ contentType: string; body: string }>
}

export function createHttpServer(options: HttpServerOptions): Server {
  return createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost')
    const route = async () => {
      if (url.pathname === '/healthz') {
        if (options.isReady()) sendJson(res, 200, { status: 'ok' })
        else sendJson(res, 503, { status: 'starting' })
        return
      }
      if (url.pathname === '/metrics') {
        const { contentType, body } = await options.metrics()
        res.writeHead(200, { 'Content-Type': contentType, 'Cache-Control': 'no-store' })
        res.end(body)
        return
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
      options.log.error({ err: error, path: url.pathname }, 'request failed')
      if (!res.headersSent) sendError(res, 500, 'Something went wrong on the server.')
      else res.destroy()
    })
  })
}
