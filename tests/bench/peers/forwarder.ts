/**
 * Peer server for the side-by-side benchmark: the floor. A plain `ws` forwarder that does no Yjs
 * work and keeps no state: each room (the URL path) is a set of sockets, and every sync update
 * and awareness message a socket sends is forwarded, byte for byte, to the others in its room.
 * A client's sync step 1 is answered with a constant empty sync step 2, so the stock y-websocket
 * client counts itself synced; sync step 2 from clients is dropped (nobody asked for it).
 *
 * Its socket writes are batched per event-loop turn: frames for a socket are queued, and once per
 * turn (setImmediate) each socket with a queue is corked, sent every queued frame (each its own
 * websocket message, as the protocol needs), and uncorked, so the kernel gets one write per socket
 * per turn instead of one per frame. This is the fastest honest relay of the same messages: what
 * a real server adds on top of it is the cost of doing Yjs, storage and rules.
 *
 * Env: PORT, HOST. Answers ./memoryChannel.ts requests.
 */
import { createServer } from 'node:http'
import type { Socket } from 'node:net'
import { WebSocketServer, type WebSocket } from 'ws'
import { answerMemoryRequests, docNameFromUrl, listenAddress } from './memoryChannel'

const URL_PREFIX = '/sync/'
const MESSAGE_SYNC = 0
const MESSAGE_AWARENESS = 1
const SYNC_STEP1 = 0
const SYNC_UPDATE = 2
/** Sync step 2 carrying an empty update (no structs, empty delete set). */
const EMPTY_SYNC_STEP2 = Buffer.from([MESSAGE_SYNC, 1, 2, 0, 0])

interface Peer {
  ws: WebSocket
  room: Set<Peer>
  queue: Buffer[]
}

const rooms = new Map<string, Set<Peer>>()
const dirty = new Set<Peer>()
let flushScheduled = false

function flush(): void {
  flushScheduled = false
  for (const peer of dirty) {
    // ws keeps its net.Socket private; corking it makes every send below one writev.
    const socket = (peer.ws as unknown as { _socket: Socket })._socket
    socket.cork()
    for (const frame of peer.queue) peer.ws.send(frame, { binary: true })
    socket.uncork()
    peer.queue = []
  }
  dirty.clear()
}

function enqueue(peer: Peer, frame: Buffer): void {
  if (peer.ws.readyState !== peer.ws.OPEN) return
  peer.queue.push(frame)
  dirty.add(peer)
  if (flushScheduled) return
  flushScheduled = true
  setImmediate(flush)
}

function forward(from: Peer, frame: Buffer): void {
  for (const peer of from.room) if (peer !== from) enqueue(peer, frame)
}

const httpServer = createServer((_request, response) => {
  response.writeHead(200, { 'Content-Type': 'text/plain' })
  response.end('ok')
})
const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false })
httpServer.on('upgrade', (request, socket, head) => {
  wss.handleUpgrade(request, socket, head, (ws) => {
    const name = docNameFromUrl(request.url, URL_PREFIX)
    let room = rooms.get(name)
    if (!room) rooms.set(name, (room = new Set()))
    const peer: Peer = { ws, room, queue: [] }
    room.add(peer)
    ws.on('message', (data: Buffer, isBinary) => {
      if (!isBinary || data.length < 2) return
      if (data[0] === MESSAGE_AWARENESS) return forward(peer, data)
      if (data[0] !== MESSAGE_SYNC) return
      if (data[1] === SYNC_STEP1) enqueue(peer, EMPTY_SYNC_STEP2)
      else if (data[1] === SYNC_UPDATE) forward(peer, data)
    })
    ws.on('close', () => {
      room.delete(peer)
      dirty.delete(peer)
      if (room.size === 0) rooms.delete(name)
    })
  })
})

const { port, host } = listenAddress()
httpServer.listen(port, host)
const stop = () => {
  for (const ws of wss.clients) ws.terminate()
  httpServer.close(() => process.exit(0))
}
answerMemoryRequests(() => rooms.size, stop)
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
