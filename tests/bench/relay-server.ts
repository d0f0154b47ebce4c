/**
 * Starts a server for the relay benchmarks as its own node process (`node --import tsx`, no tsx
 * wrapper process in between), so the pid we read /proc for is the server itself and node flags
 * such as --expose-gc reach it. Waits for /healthz rather than for a log line, so the server can
 * run at LOG_LEVEL=warn (tests/helpers/serverProcess.ts waits for the info-level
 * "server listening" line and so cannot start a server at warn).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { closeSync, openSync } from 'node:fs'
import { createServer } from 'node:net'
import { resolve } from 'node:path'
import { makeDataDir, removeDataDir } from '../helpers/serverProcess'

const ROOT = resolve(import.meta.dirname, '..', '..')

export interface BenchServer {
  url: string
  wsUrl: string
  pid: number
  dataDir: string
  process: ChildProcess
  stop(): Promise<void>
}

export interface BenchServerOptions {
  /** The entry module, relative to the repository root. */
  entry?: string
  nodeArgs?: string[]
  env?: Record<string, string>
  /** Opens an IPC channel to the server (for a bench entry that answers over it). */
  ipc?: boolean
  /** Appends the server's stdout and stderr to this file instead of this process's own. */
  logPath?: string
}

function freePort(): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number }
      probe.close(() => resolvePromise(port))
    })
  })
}

export async function startBenchServer(options: BenchServerOptions = {}): Promise<BenchServer> {
  const dataDir = makeDataDir()
  const port = await freePort()
  const logFd = options.logPath ? openSync(options.logPath, 'a') : null
  const output = logFd ?? 'inherit'
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), '--import', 'tsx', resolve(ROOT, options.entry ?? 'server/main.ts')], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      SKIP_CLIENT_BUILD: '1',
      LOG_LEVEL: 'warn',
      ...options.env,
    },
    stdio: ['ignore', output, output, ...(options.ipc ? (['ipc'] as const) : [])],
  })
  if (logFd !== null) closeSync(logFd)
  const exited = new Promise<void>((resolvePromise) => child.once('exit', () => resolvePromise()))
  const url = `http://127.0.0.1:${port}`
  const deadline = Date.now() + 60_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode} before it was healthy`)
    try {
      if ((await fetch(`${url}/healthz`)).status === 200) break
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL')
      throw new Error('server did not become healthy within 60 s')
    }
    await new Promise((r) => setTimeout(r, 50))
  }
  return {
    url,
    wsUrl: `ws://127.0.0.1:${port}/sync`,
    pid: child.pid!,
    dataDir,
    process: child,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM')
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
        await exited
        clearTimeout(timer)
      }
      removeDataDir(dataDir)
    },
  }
}

/** The commit the server code comes from, and whether server/ or shared/ differ from it. */
export function describeServerCode(): string {
  const git = (...args: string[]) => spawnSync('git', args, { cwd: ROOT, encoding: 'utf8' }).stdout.trim()
  const head = git('rev-parse', '--short', 'HEAD') || 'unknown'
  const dirty = git('status', '--porcelain', '--', 'server', 'shared')
  return dirty ? `${head} + uncommitted changes in ${dirty.split('\n').length} server/shared file(s)` : head
}
