/**
 * Measures the core board's figures on this machine, in one run:
 *   1. how long a change made in one browser takes to appear in another (loopback), median and p95;
 *   2. `npm start` time to a healthy server from a built tree;
 *   3. the gzip size of the JavaScript the board page loads.
 *
 * Run with `npm run bench:core`. Needs Chromium (see README). Prints a small table.
 */
import { spawn } from 'node:child_process'
import { gzipSync } from 'node:zlib'
import { resolve } from 'node:path'
import { ensureClientBuild, launchBrowser } from '../helpers/browser'
import { makeDataDir, removeDataDir, startServerProcess } from '../helpers/serverProcess'
import { createBoard } from '../helpers/boardClient'

const ROOT = resolve(import.meta.dirname, '..', '..')
const CHANGES = Number(process.env.BENCH_CHANGES ?? 100)
const STARTS = Number(process.env.BENCH_STARTS ?? 5)

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]
}

async function measureStartToHealthy(): Promise<number[]> {
  const times: number[] = []
  for (let i = 0; i < STARTS; i++) {
    const dataDir = makeDataDir()
    const port = 18_000 + Math.floor(Math.random() * 2000)
    const started = performance.now()
    const child = spawn('npm', ['start', '--silent'], {
      cwd: ROOT,
      env: { ...process.env, PORT: String(port), DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
      stdio: 'ignore',
      detached: true,
    })
    for (;;) {
      try {
        const response = await fetch(`http://127.0.0.1:${port}/healthz`)
        if (response.status === 200) break
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 10))
    }
    times.push(performance.now() - started)
    process.kill(-child.pid!, 'SIGTERM')
    await new Promise((r) => child.once('exit', r))
    removeDataDir(dataDir)
  }
  return times
}

async function main(): Promise<void> {
  ensureClientBuild()
  const server = await startServerProcess({ serveClient: true, env: { LOG_LEVEL: 'warn' } })
  const browser = await launchBrowser()
  try {
    const board = await createBoard(server.url)
    const jsBytes = new Map<string, number>()
    const open = async (name: string, record: boolean) => {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
      await context.addInitScript((n) => {
        localStorage.setItem(
          'think-together:identity',
          JSON.stringify({ state: { userId: `bench-${n}`, name: n, color: '#1971c2', preferences: {} }, version: 1 }),
        )
      }, name)
      const page = await context.newPage()
      if (record) {
        page.on('response', async (response) => {
          if (!response.url().endsWith('.js')) return
          const body = await response.body().catch(() => null)
          if (body) jsBytes.set(response.url(), gzipSync(body).length)
        })
      }
      await page.goto(board.links.member)
      await page.waitForFunction(() => window.__thinkTogether?.provider.synced === true, null, { timeout: 30_000 })
      return page
    }
    const sender = await open('Sender', true)
    const receiver = await open('Receiver', false)
    await receiver.evaluate(() => {
      const w = window as unknown as { __arrivals: Record<string, number> }
      w.__arrivals = {}
      window.__thinkTogether!.editor.store.listen(
        (entry) => {
          for (const record of Object.values(entry.changes.added)) {
            if (record.typeName === 'shape') w.__arrivals[record.id] = Date.now()
          }
        },
        { source: 'remote' },
      )
    })
    const latencies: number[] = []
    for (let i = 0; i < CHANGES; i++) {
      const { id, sentAt } = await sender.evaluate((n) => {
        const editor = window.__thinkTogether!.editor
        const id = `shape:bench${n}` as never
        const sentAt = Date.now()
        editor.createShape({ id, type: 'note', x: (n % 10) * 220, y: Math.floor(n / 10) * 220 })
        return { id, sentAt }
      }, i)
      const arrivedAt = await receiver
        .waitForFunction((shapeId) => (window as unknown as { __arrivals: Record<string, number> }).__arrivals[shapeId], id, {
          polling: 5,
          timeout: 10_000,
        })
        .then((handle) => handle.jsonValue() as Promise<number>)
      latencies.push(arrivedAt - sentAt)
      await sender.waitForTimeout(20)
    }
    const startTimes = await measureStartToHealthy()
    const totalGzip = [...jsBytes.values()].reduce((a, b) => a + b, 0)
    const rows = [
      ['change seen in the other browser, median', `${percentile(latencies, 50).toFixed(0)} ms`],
      ['change seen in the other browser, p95', `${percentile(latencies, 95).toFixed(0)} ms`],
      ['change seen in the other browser, max', `${Math.max(...latencies).toFixed(0)} ms`],
      [`npm start to healthy (built tree), median of ${STARTS}`, `${percentile(startTimes, 50).toFixed(0)} ms`],
      ['npm start to healthy, slowest', `${Math.max(...startTimes).toFixed(0)} ms`],
      [`JS loaded by the board page, gzip (${jsBytes.size} files)`, `${(totalGzip / 1024).toFixed(0)} KiB`],
    ]
    console.log(`\ncore figures (${CHANGES} changes)`)
    for (const [name, value] of rows) console.log(`  ${name.padEnd(58)} ${value}`)
  } finally {
    await browser.close()
    await server.stop()
    removeDataDir(server.dataDir)
  }
}

await main()
