/**
 * Peer server for the side-by-side benchmark: Hocuspocus (its own `Server`: HTTP, crossws
 * transport, hooks) with its SQLite extension on a temporary database file, default settings
 * (store debounced 2 s after the last change, at most every 10 s, and when the last connection
 * leaves; documents unloaded then).
 *
 * Hocuspocus speaks its own framing: every message starts with the document name (it multiplexes
 * documents over one socket) and a connection starts with an auth message. The stock y-websocket
 * client sends neither, so this entry adapts at Hocuspocus's transport seam (`handleConnection`,
 * which its Server calls for every socket): incoming frames get the name from the URL put in
 * front (one small copy per frame), and a token-less auth message is sent on the client's behalf;
 * outgoing frames lose the name (a subarray, no copy). Hocuspocus's own sync-status
 * acknowledgements (message type 8, one per received update) are not part of the y-websocket
 * protocol and are dropped here instead of being written to the socket, which spares Hocuspocus a
 * socket write per update: the adaptation can only flatter it.
 *
 * Env: PORT, HOST, DATA_DIR (the SQLite file goes there). Answers ./memoryChannel.ts requests.
 */
import { join } from 'node:path'
import { Server } from '@hocuspocus/server'
import { SQLite } from '@hocuspocus/extension-sqlite'
import * as encoding from 'lib0/encoding'
import * as decoding from 'lib0/decoding'
import { answerMemoryRequests, docNameFromUrl, listenAddress } from './memoryChannel'

const URL_PREFIX = '/sync/'
/** Message types the stock y-websocket client understands: sync, awareness, auth, query awareness. */
const Y_WEBSOCKET_MESSAGE_TYPES = new Set([0, 1, 2, 3])
const HOCUSPOCUS_AUTH = 2
const HOCUSPOCUS_AUTH_TOKEN = 0

interface SocketLike {
  readonly readyState: number
  send(data: Uint8Array): void
  close(code?: number, reason?: string): void
}

interface IncomingRequest {
  url?: string
}

interface HocuspocusClientConnection {
  handleMessage(data: Uint8Array): void
  handleClose(event?: { code?: number; reason?: string }): void
}

const { port, host } = listenAddress()
const server = new Server({
  port,
  address: host,
  quiet: true,
  stopOnSignals: false,
  extensions: [new SQLite({ database: join(process.env.DATA_DIR ?? '.', 'hocuspocus.sqlite') })],
})

const hocuspocus = server.hocuspocus as unknown as {
  handleConnection(socket: SocketLike, request: IncomingRequest, context?: unknown): HocuspocusClientConnection
  getDocumentsCount(): number
}
const handleConnection = hocuspocus.handleConnection.bind(hocuspocus)

hocuspocus.handleConnection = (socket, request, context) => {
  const docName = docNameFromUrl(request.url, URL_PREFIX)
  const address = encoding.createEncoder()
  encoding.writeVarString(address, docName)
  const prefix = encoding.toUint8Array(address)
  const toClient: SocketLike = {
    get readyState() {
      return socket.readyState
    },
    send(data) {
      const decoder = decoding.createDecoder(data)
      decoding.readVarString(decoder)
      const body = data.subarray(decoder.pos)
      if (Y_WEBSOCKET_MESSAGE_TYPES.has(body[0])) socket.send(body)
    },
    close: (code, reason) => socket.close(code, reason),
  }
  const connection = handleConnection(toClient, request, context)
  const auth = encoding.createEncoder()
  encoding.writeUint8Array(auth, prefix)
  encoding.writeVarUint(auth, HOCUSPOCUS_AUTH)
  encoding.writeVarUint(auth, HOCUSPOCUS_AUTH_TOKEN)
  encoding.writeVarString(auth, '')
  connection.handleMessage(encoding.toUint8Array(auth))
  return {
    handleMessage(data) {
      const framed = new Uint8Array(prefix.length + data.length)
      framed.set(prefix, 0)
      framed.set(data, prefix.length)
      connection.handleMessage(framed)
    },
    handleClose: (event) => connection.handleClose(event),
  }
}

await server.listen()
answerMemoryRequests(
  () => hocuspocus.getDocumentsCount(),
  () => void server.destroy().then(() => process.exit(0)),
)
const shutdown = () => void server.destroy().then(() => process.exit(0))
process.on('SIGTERM', shutdown)
process.on('SIGINT', shutdown)
