/**
 * A redis-server of a test's own, on a random loopback port, that the test may stop and start
 * again on the same port (the machine's shared Redis is never touched).
 *
 * @example
 *   const redis = await startPrivateRedis()
 *   await redis.stop()      // Redis goes away
 *   await redis.start()     // and comes back on the same port
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { createConnection, createServer } from 'node:net'

export interface PrivateRedis {
  readonly url: string
  readonly port: number
  start(): Promise<void>
  stop(): Promise<void>
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number }
      probe.close(() => resolve(port))
    })
  })
}

/** Whether a Redis answers PING on the port. */
function pings(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port })
    let answer = ''
    socket.once('error', () => resolve(false))
    socket.on('data', (chunk) => {
      answer += chunk.toString()
      if (answer.includes('PONG')) {
        socket.destroy()
        resolve(true)
      }
    })
    socket.once('connect', () => socket.write('PING\r\n'))
    socket.setTimeout(500, () => {
      socket.destroy()
      resolve(false)
    })
  })
}

export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort()
  let child: ChildProcess | null = null
  const redis: PrivateRedis = {
    url: `redis://127.0.0.1:${port}`,
    port,
    async start() {
      child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' })
      const started = Date.now()
      while (!(await pings(port))) {
        if (Date.now() - started > 10_000) throw new Error('the private redis-server did not start')
        await new Promise((resolve) => setTimeout(resolve, 20))
      }
    },
    async stop() {
      const running = child
      child = null
      if (!running || running.exitCode !== null) return
      const exited = new Promise((resolve) => running.once('exit', resolve))
      running.kill('SIGKILL')
      await exited
    },
  }
  await redis.start()
  return redis
}
