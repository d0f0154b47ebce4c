/**
 * Starts the real server (`server/main.ts`) as a child process on a random loopback port with its
 * own data directory, as `npm start` would, and stops it by signal. Tests use it for everything
 * that must cross a real process boundary: restarts, kill -9, shutdown.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { createServer } from 'node:net'

const ROOT = resolve(import.meta.dirname, '..', '..')

export interface ServerProcess {
  url: string
  wsUrl: string
  port: number
  dataDir: string
  process: ChildProcess
  /** Every line the server logged, parsed. */
  logs: Array<Record<string, unknown>>
  /** Resolves with the exit code once the process has exited. */
  exited: Promise<number | null>
  stop(signal?: NodeJS.Signals): Promise<number | null>
}

export function makeDataDir(): string {
  return mkdtempSync(join(tmpdir(), 'think-together-test-'))
}

export function removeDataDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true })
}

/** A port that was free a moment ago, so the server's port is known even when it logs little. */
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

async function isHealthy(port: number): Promise<boolean> {
  try {
    return (await fetch(`http://127.0.0.1:${port}/healthz`)).status === 200
  } catch {
    return false
  }
}

/** Node itself runs the server (tsx only as a loader), so signals such as SIGKILL reach it. */
function spawnServer(dataDir: string, port: number, options: { env?: Record<string, string>; serveClient?: boolean }): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'server', 'main.ts')], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'info',
      SKIP_CLIENT_BUILD: options.serveClient ? '0' : '1',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
}

export interface RefusedStart {
  exitCode: number | null
  /** Every line the server logged, parsed. */
  logs: Array<Record<string, unknown>>
  stderr: string
}

/**
 * Starts the server where it is expected to refuse to start, and resolves once it has exited.
 * Rejects (after stopping it) when it starts listening instead, or when it neither exits nor
 * listens within `timeoutMs`.
 */
export async function startServerExpectingRefusal(options: { dataDir: string; env?: Record<string, string>; timeoutMs?: number }): Promise<RefusedStart> {
  const child = spawnServer(options.dataDir, await freePort(), options)
  const logs: Array<Record<string, unknown>> = []
  let stdout = ''
  let stderr = ''
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const exitCode = await new Promise<number | null>((resolvePromise, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`the server neither refused to start nor started in time: ${stdout} ${stderr}`))
    }, options.timeoutMs ?? 60_000)
    child.once('exit', (code) => {
      clearTimeout(timer)
      resolvePromise(code)
    })
    child.stdout?.on('data', () => {
      if (stdout.includes('"msg":"server listening"')) {
        clearTimeout(timer)
        child.kill('SIGKILL')
        reject(new Error(`the server started although it should have refused: ${stdout}`))
      }
    })
  })
  for (const line of stdout.split('\n')) {
    try {
      logs.push(JSON.parse(line) as Record<string, unknown>)
    } catch {
      // not a log line
    }
  }
  return { exitCode, logs, stderr }
}

export async function startServerProcess(
  options: { dataDir?: string; env?: Record<string, string>; port?: number; serveClient?: boolean } = {},
): Promise<ServerProcess> {
  const dataDir = options.dataDir ?? makeDataDir()
  const requestedPort = options.port ?? (await freePort())
  const child = spawnServer(dataDir, requestedPort, options)
  const logs: Array<Record<string, unknown>> = []
  const exited = new Promise<number | null>((resolvePromise) => child.once('exit', (code) => resolvePromise(code)))
  let stderr = ''
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const port = await new Promise<number>((resolvePromise, reject) => {
    let buffered = ''
    const timer = setTimeout(() => reject(new Error(`server did not start in time: ${stderr}`)), 120_000)
    child.stdout?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString()
      let newline: number
      while ((newline = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, newline)
        buffered = buffered.slice(newline + 1)
        try {
          const entry = JSON.parse(line) as Record<string, unknown>
          logs.push(entry)
          if (entry.msg === 'server listening') {
            clearTimeout(timer)
            resolvePromise(entry.port as number)
          }
        } catch {
          // build output from vite, not a log line
        }
      }
    })
    void exited.then((code) => {
      clearTimeout(timer)
      reject(new Error(`server exited with ${code} before listening: ${stderr}`))
    })
    // With LOG_LEVEL above info there is no 'server listening' line: ask the server instead.
    const poll = async () => {
      while (child.exitCode === null) {
        if (await isHealthy(requestedPort)) {
          clearTimeout(timer)
          return resolvePromise(requestedPort)
        }
        await new Promise((r) => setTimeout(r, 50))
      }
    }
    void poll()
  })
  const url = `http://127.0.0.1:${port}`
  return {
    url,
    wsUrl: `ws://127.0.0.1:${port}/sync`,
    port,
    dataDir,
    process: child,
    logs,
    exited,
    stop: (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal)
      return exited
    },
  }
}
