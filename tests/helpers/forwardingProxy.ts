/**
 * A small reverse proxy for tests, as nginx in front of the server would be: it forwards HTTP
 * requests and websocket upgrades to the server on 127.0.0.1, adding the client's address to
 * `X-Forwarded-For`. Every request reaches the server from the proxy's address.
 *
 * @example
 *   const proxy = await startForwardingProxy(server.port)
 *   fetch(`${proxy.url}/healthz`)     // the server sees X-Forwarded-For: 127.0.0.1
 *   await proxy.close()
 */
import { createServer, request as httpRequest, type IncomingMessage } from 'node:http'
import { connect } from 'node:net'
import type { AddressInfo } from 'node:net'

export interface ForwardingProxy {
  url: string
  wsUrl: string
  port: number
  close(): Promise<void>
}

function forwardedHeaders(req: IncomingMessage): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = {}
  for (const [name, value] of Object.entries(req.headers)) if (value !== undefined) headers[name] = value
  const client = (req.socket.remoteAddress ?? '').replace(/^::ffff:/, '')
  const previous = req.headers['x-forwarded-for']
  headers['x-forwarded-for'] = previous ? `${previous}, ${client}` : client
  return headers
}

export async function startForwardingProxy(targetPort: number): Promise<ForwardingProxy> {
  const sockets = new Set<import('node:net').Socket>()
  const server = createServer((req, res) => {
    const upstream = httpRequest({ host: '127.0.0.1', port: targetPort, method: req.method, path: req.url, headers: forwardedHeaders(req) }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers)
      answer.pipe(res)
    })
    upstream.on('error', () => res.destroy())
    req.pipe(upstream)
  })
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  server.on('upgrade', (req, client, head) => {
    const upstream = connect(targetPort, '127.0.0.1', () => {
      const lines = [`${req.method} ${req.url} HTTP/1.1`]
      for (const [name, value] of Object.entries(forwardedHeaders(req))) {
        for (const one of Array.isArray(value) ? value : [value]) lines.push(`${name}: ${one}`)
      }
      upstream.write(`${lines.join('\r\n')}\r\n\r\n`)
      if (head.length > 0) upstream.write(head)
      upstream.pipe(client)
      client.pipe(upstream)
    })
    sockets.add(upstream)
    upstream.on('close', () => sockets.delete(upstream))
    const end = () => {
      upstream.destroy()
      client.destroy()
    }
    upstream.on('error', end)
    client.on('error', end)
    client.on('close', () => upstream.destroy())
    upstream.on('close', () => client.destroy())
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}/sync`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}
