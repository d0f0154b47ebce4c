/**
 * A TCP proxy of the test's own between a server and a backend such as PostgreSQL, to take the
 * backend away and bring it back without touching it: `cut()` drops every open connection and
 * refuses new ones (each is closed as soon as it arrives); `freeze()` keeps every connection open
 * but carries nothing any more, as a network that silently drops packets would; `restore()`
 * closes what was frozen and lets connections through again.
 *
 * @example
 *   const proxy = await startTcpProxy({ host: '127.0.0.1', port: 5432 })
 *   proxy.cut()      // PostgreSQL "is down" for whatever connects to proxy.port
 *   proxy.restore()  // and back
 *   await proxy.close()
 */
import { connect, createServer, type Socket } from 'node:net'

export interface TcpProxy {
  port: number
  cut(): void
  freeze(): void
  restore(): void
  close(): Promise<void>
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const sockets = new Set<Socket>()
  let open = true
  let frozen = false
  const track = (socket: Socket) => {
    sockets.add(socket)
    socket.once('close', () => sockets.delete(socket))
  }
  const server = createServer((client) => {
    if (!open) {
      client.destroy()
      return
    }
    const upstream = connect(target.port, target.host)
    track(client)
    track(upstream)
    client.on('error', () => upstream.destroy())
    upstream.on('error', () => client.destroy())
    client.on('close', () => upstream.destroy())
    upstream.on('close', () => client.destroy())
    client.on('data', (chunk: Buffer) => {
      if (!frozen) upstream.write(chunk)
    })
    upstream.on('data', (chunk: Buffer) => {
      if (!frozen) client.write(chunk)
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const cutAll = () => {
    for (const socket of sockets) socket.destroy()
  }
  return {
    port: (server.address() as { port: number }).port,
    cut: () => {
      open = false
      cutAll()
    },
    freeze: () => {
      frozen = true
    },
    restore: () => {
      // Frozen connections lost bytes: nothing sensible can continue on them.
      if (frozen) cutAll()
      frozen = false
      open = true
    },
    close: () =>
      new Promise<void>((resolve) => {
        open = false
        cutAll()
        server.close(() => resolve())
      }),
  }
}
