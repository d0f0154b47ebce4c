/**
 * Peer server for the side-by-side benchmark: the reference y-websocket server,
 * `@y/websocket-server`, exactly as its own `src/server.js` starts it (an HTTP server answering
 * "okay", a `ws` server from the package's own dependency, `setupWSConnection` for every socket),
 * with its defaults: no persistence, documents kept in memory for as long as the process lives.
 * The document name is the URL path, as there.
 *
 * 0.1.1 is the version for Yjs 13 (what our clients use); 0.1.5 moved to a Yjs 14 prerelease.
 *
 * Env: PORT, HOST. Answers ./memoryChannel.ts requests.
 */
import { createServer } from 'node:http'
import { createRequire } from 'node:module'
import { docs, setupWSConnection } from '@y/websocket-server/utils'
import { answerMemoryRequests, listenAddress } from './memoryChannel'

// The reference server imports `ws` from its own dependencies (ws 6), not ours.
const require = createRequire(import.meta.resolve('@y/websocket-server/utils'))
const WebSocket = require('ws') as { Server: typeof import('ws').WebSocketServer }

const wss = new WebSocket.Server({ noServer: true })
const server = createServer((_request, response) => {
  response.writeHead(200, { 'Content-Type': 'text/plain' })
  response.end('okay')
})
wss.on('connection', setupWSConnection)
server.on('upgrade', (request, socket, head) => {
  wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request))
})

const { port, host } = listenAddress()
server.listen(port, host)
const stop = () => {
  for (const ws of wss.clients) ws.terminate()
  server.close(() => process.exit(0))
}
answerMemoryRequests(() => docs.size, stop)
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
