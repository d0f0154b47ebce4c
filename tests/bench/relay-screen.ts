/**
 * How many updates per second the relay's update screen (server/relay/updateScreen.ts) passes,
 * in-process, with the small updates a board client makes (one Y.Map set with a timestamp).
 * Every update any board receives goes through this one screen, one update in flight at a time,
 * so its rate is a ceiling on the whole server's edit rate, whatever the CPU use.
 *
 * Prints: the screen's throughput with a full queue, its latency with one update at a time, and,
 * for comparison, the cost of the same decode done directly on this thread (the work itself).
 *
 * Run: `npx tsx tests/bench/relay-screen.ts` (BENCH_SCREEN_UPDATES, default 5000).
 */
import * as Y from 'yjs'
import { UpdateScreen } from '../../server/relay/updateScreen'
import { DEFAULT_RELAY_LIMITS } from '../../server/relay/limits'
import { describeServerCode } from './relay-server'

const UPDATES = Number(process.env.BENCH_SCREEN_UPDATES ?? 5000)

function clientUpdates(count: number): Uint8Array[] {
  const updates: Uint8Array[] = []
  const docs = Array.from({ length: 20 }, () => new Y.Doc())
  for (const doc of docs) doc.on('update', (update: Uint8Array) => updates.push(update))
  for (let i = 0; i < count; i++) {
    const doc = docs[i % docs.length]
    doc.getMap('bench').set(`c${doc.clientID}`, { sentAt: performance.now(), seq: i })
  }
  return updates
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]
}

async function main(): Promise<void> {
  const updates = clientUpdates(UPDATES)
  const screen = new UpdateScreen({
    timeBudgetMs: DEFAULT_RELAY_LIMITS.updateDecodeBudgetMs,
    heapBudgetMb: DEFAULT_RELAY_LIMITS.updateDecodeHeapMb,
  })
  /** Stand-ins for the connections that own the updates. */
  const owners = Array.from({ length: 20 }, (_, index) => ({ connection: index }))
  // Start the worker and let it warm up.
  await Promise.all(updates.slice(0, 500).map((update, index) => screen.check(update, owners[index % owners.length])))

  const queuedStart = performance.now()
  const cpuStart = process.cpuUsage()
  const verdicts = await Promise.all(updates.map((update, index) => screen.check(update, owners[index % owners.length])))
  const queuedMs = performance.now() - queuedStart
  const cpu = process.cpuUsage(cpuStart)
  if (verdicts.some((verdict) => !verdict.ok)) throw new Error('an ordinary update was refused')

  const oneAtATime: number[] = []
  for (const update of updates.slice(0, 1000)) {
    const started = performance.now()
    await screen.check(update, owners[0])
    oneAtATime.push(performance.now() - started)
  }
  oneAtATime.sort((a, b) => a - b)
  await screen.close()

  const directStart = performance.now()
  for (const update of updates) {
    const scratch = new Y.Doc({ gc: false })
    Y.applyUpdate(scratch, update)
    scratch.destroy()
  }
  const directMs = performance.now() - directStart

  const screenRate = (updates.length / queuedMs) * 1000
  const directRate = (updates.length / directMs) * 1000
  console.log(`server code: ${describeServerCode()}`)
  console.log(`update screen, ${updates.length} client updates of ~${updates[updates.length - 1].length} bytes`)
  console.log(`  queued (all in flight at once):  ${screenRate.toFixed(0)} updates/s  (${((queuedMs * 1000) / updates.length).toFixed(0)} µs each)`)
  console.log(`    process CPU meanwhile:        ${(((cpu.user + cpu.system) / 1000 / queuedMs) * 100).toFixed(0)}% of one core (both threads)`)
  console.log(
    `  one at a time, round trip:      p50 ${(percentile(oneAtATime, 50) * 1000).toFixed(0)} µs, p99 ${(percentile(oneAtATime, 99) * 1000).toFixed(0)} µs`,
  )
  console.log(`  same decode on this thread:     ${directRate.toFixed(0)} updates/s  (${((directMs * 1000) / updates.length).toFixed(1)} µs each)`)
  console.log(`  screen throughput / direct decode: ${(screenRate / directRate).toFixed(3)}`)
}

await main()
