/**
 * Starts the real server (`server/main.ts`) as ONE node process (`node --import tsx`), so that a
 * signal sent to it reaches the server itself. The shared helper (./serverProcess.ts) starts the
 * tsx CLI, which runs the server in a child process: SIGTERM is relayed, but SIGKILL only kills
 * the wrapper and leaves the real server running (and holding the port) — no use for a kill -9
 * test. Also reads the server's Prometheus metrics.
 *
 * @example
 *   const server = await startServerDirect({ dataDir, env: { DOCUMENT_IDLE_MS: '200' } })
 *   await server.stop('SIGKILL')
 *   const again = await startServerDirect({ dataDir, port: server.port })
 */
import { spawn } from 'node:child_process'
import { join, resolve } from 'node:path'
import { makeDataDir, type ServerProcess } from './serverProcess'

const ROOT = resolve(import.meta.dirname, '..', '..')

export async function startServerDirect(
  options: { dataDir?: string; env?: Record<string, string>; port?: number } = {},
): Promise<ServerProcess> {
  const dataDir = options.dataDir ?? makeDataDir()
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'server', 'main.ts')], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: String(options.port ?? 0),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'info',
      SKIP_CLIENT_BUILD: '1',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const logs: Array<Record<string, unknown>> = []
  const exited = new Promise<number | null>((resolvePromise) => child.once('exit', (code) => resolvePromise(code)))
  let stderr = ''
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const port = await new Promise<number>((resolvePromise, reject) => {
    let buffered = ''
    const timer = setTimeout(() => reject(new Error(`server did not start in time: ${stderr}`)), 60_000)
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
          // not a log line
        }
      }
    })
    void exited.then((code) => {
      clearTimeout(timer)
      reject(new Error(`server exited with ${code} before listening: ${stderr}`))
    })
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

/** One scrape of GET /metrics: sample name with its labels (as printed) -> value. */
export type MetricsSample = Map<string, number>

export async function readMetrics(baseUrl: string): Promise<MetricsSample> {
  const response = await fetch(`${baseUrl}/metrics`)
  if (!response.ok) throw new Error(`/metrics answered ${response.status}`)
  const samples: MetricsSample = new Map()
  for (const line of (await response.text()).split('\n')) {
    if (line.length === 0 || line.startsWith('#')) continue
    const space = line.lastIndexOf(' ')
    samples.set(line.slice(0, space), Number(line.slice(space + 1)))
  }
  return samples
}

/** A sample's value, 0 when the server has not printed it (e.g. a counter never incremented). */
export function metric(samples: MetricsSample, name: string): number {
  return samples.get(name) ?? 0
}

/** Polls /metrics until the sample satisfies `expected`; rejects with the last value seen. */
export async function waitForMetric(
  baseUrl: string,
  name: string,
  expected: (value: number) => boolean,
  timeoutMs = 10_000,
): Promise<number> {
  const started = Date.now()
  let value = Number.NaN
  for (;;) {
    value = metric(await readMetrics(baseUrl), name)
    if (expected(value)) return value
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${name}; last value ${value}`)
    await new Promise((resolvePromise) => setTimeout(resolvePromise, 50))
  }
}
