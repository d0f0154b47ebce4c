/**
 * The only module that knows the `ws` package: it accepts websocket upgrades on `/sync/<name>`,
 * enforces the frame size limit at the transport (ws closes with 1009 before parsing), keeps
 * connections alive with pings, and feeds frames and close events to the relay core.
 */
import type { IncomingMessage, Server } from 'node:http'
import type { Duplex } from 'node:stream'
import { WebSocketServer, type RawData, type WebSocket } from 'ws'
import type { Logger } from 'pino'
import type { Relay } from '../relay/relay'
import { TRUST_NO_PROXY, clientAddress, type TrustProxy } from '../http/clientAddress'
import type { RelaySocket } from '../relay/socket'
import { CloseCode } from '../../shared/protocol/messages'
import { SYNC_SUBPROTOCOL, tokenFromProtocols } from '../../shared/protocol/tokenProtocol'

const SYNC_PATH_PREFIX = '/sync/'
const PING_INTERVAL_MS = 30_000
/** After sending a close frame, how long a peer has to answer before its socket is destroyed. */
export const CLOSE_GRACE_MS = 2_000

/** The close code `ws` sends for each protocol error it detects itself. */
const TRANSPORT_ERROR_CLOSE_CODES: Record<string, number> = {
  WS_ERR_UNSUPPORTED_MESSAGE_LENGTH: CloseCode.messageTooBig,
  WS_ERR_INVALID_UTF8: CloseCode.invalidPayload,
}

const UPGRADE_REFUSALS = {
  'too-many-from-address': '429 Too Many Requests',
  'too-many-with-token': '429 Too Many Requests',
  'too-many-connections': '503 Service Unavailable',
  'too-many-pending': '503 Service Unavailable',
  'shutting-down': '503 Service Unavailable',
} as const

export interface WsTransportOptions {
  maxFrameBytes: number
}

function toBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data))
  if (data instanceof ArrayBuffer) return new Uint8Array(data)
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
}

/**
 * Frames sent to one socket within an event-loop turn leave in one write: the socket is corked at
 * its first frame of the turn and uncorked once the turn's work is done (setImmediate), so a
 * relay turn that sends a peer several frames costs one system call, not one per frame.
 */
const corked = new Set<Duplex>()
let uncorkScheduled = false

function uncorkAll(): void {
  uncorkScheduled = false
  for (const raw of corked) raw.uncork()
  corked.clear()
}

function sendCorked(socket: WebSocket, frame: Uint8Array): void {
  const raw = (socket as unknown as { _socket?: Duplex })._socket
  if (raw && !corked.has(raw)) {
    raw.cork()
    corked.add(raw)
    if (!uncorkScheduled) {
      uncorkScheduled = true
      setImmediate(uncorkAll)
    }
  }
  socket.send(frame, SEND_OPTIONS)
}

const SEND_OPTIONS = { binary: true }

function adapt(socket: WebSocket): RelaySocket {
  return {
    send: (frame) => {
      if (socket.readyState === socket.OPEN) sendCorked(socket, frame)
    },
    close: (code, reason) => {
      // Close reasons are limited to 123 bytes by the websocket protocol.
      socket.close(code, Buffer.from(reason).subarray(0, 123).toString())
      // A peer that does not read (a slow consumer) never answers the close frame: bound the wait.
      setTimeout(() => {
        if (socket.readyState !== socket.CLOSED) socket.terminate()
      }, CLOSE_GRACE_MS).unref()
    },
    get bufferedAmount() {
      return socket.bufferedAmount
    },
  }
}

/** The connection's token: from the subprotocols the app offers, else the stock client's `?token=`. */
function requestToken(request: IncomingMessage, url: URL): string | null {
  return tokenFromProtocols(request.headers['sec-websocket-protocol']) ?? url.searchParams.get('token')
}

/**
 * The document name from the request's raw path (not a normalized URL, so `/sync/../x` names
 * `../x` and is refused as a bad name); undefined when it does not decode.
 */
function parseSyncPath(rawUrl: string): string | undefined {
  const path = rawUrl.split('?')[0]
  try {
    return decodeURIComponent(path.slice(SYNC_PATH_PREFIX.length))
  } catch {
    return undefined
  }
}

export class WsTransport {
  private readonly server: WebSocketServer
  private readonly alive = new WeakSet<WebSocket>()
  private readonly pingTimer: NodeJS.Timeout

  constructor(
    private readonly relay: Relay,
    private readonly log: Logger,
    options: WsTransportOptions,
    private readonly onUpgradeRefused: (reason: keyof typeof UPGRADE_REFUSALS) => void = () => {},
    private readonly trustProxy: TrustProxy = TRUST_NO_PROXY,
  ) {
    this.server = new WebSocketServer({
      noServer: true,
      maxPayload: options.maxFrameBytes,
      perMessageDeflate: false,
      // The app offers its token as a subprotocol beside ours (shared/protocol/tokenProtocol.ts).
      handleProtocols: (protocols) => (protocols.has(SYNC_SUBPROTOCOL) ? SYNC_SUBPROTOCOL : false),
    })
    this.pingTimer = setInterval(() => this.pingAll(), PING_INTERVAL_MS)
    this.pingTimer.unref()
  }

  /** Routes upgrade requests on `/sync/` to the relay; anything else is refused. */
  attach(httpServer: Server): void {
    httpServer.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
      const url = new URL(request.url ?? '/', 'http://localhost')
      if (!(request.url ?? '').startsWith(SYNC_PATH_PREFIX)) {
        socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n')
        return
      }
      const remoteAddress = clientAddress(request, this.trustProxy)
      const refusal = this.relay.checkUpgrade(remoteAddress, requestToken(request, url))
      if (refusal) {
        this.onUpgradeRefused(refusal)
        this.log.warn({ remoteAddress, reason: refusal }, 'websocket upgrade refused')
        socket.end(`HTTP/1.1 ${UPGRADE_REFUSALS[refusal]}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`)
        return
      }
      this.server.handleUpgrade(request, socket, head, (ws) => this.onConnection(ws, request, url, remoteAddress))
    })
  }

  private onConnection(ws: WebSocket, request: IncomingMessage, url: URL, remoteAddress: string): void {
    this.alive.add(ws)
    ws.on('pong', () => this.alive.add(ws))
    const connection = this.relay.accept(adapt(ws), {
      docName: parseSyncPath(request.url ?? '') ?? '',
      token: requestToken(request, url),
      remoteAddress,
    })
    ws.on('message', (data, isBinary) => {
      if (!isBinary) connection.receiveText()
      else connection.receive(toBytes(data))
    })
    ws.on('close', () => connection.transportClosed())
    ws.on('error', (error: Error & { code?: string }) => {
      connection.closedByTransport(TRANSPORT_ERROR_CLOSE_CODES[error.code ?? ''] ?? CloseCode.protocolError, error.message)
    })
  }

  private pingAll(): void {
    for (const ws of this.server.clients) {
      if (!this.alive.has(ws)) {
        ws.terminate()
        continue
      }
      this.alive.delete(ws)
      ws.ping()
    }
  }

  /** Resolves once every socket has closed, or after `timeoutMs` (close frames may be stuck). */
  async waitForClosed(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs
    while (this.server.clients.size > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
  }

  close(): void {
    clearInterval(this.pingTimer)
    for (const ws of this.server.clients) ws.terminate()
    this.server.close()
    this.log.debug('websocket transport closed')
  }
}
