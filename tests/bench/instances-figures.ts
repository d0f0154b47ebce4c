/**
 * Figures for several instances: two real server processes on one PostgreSQL schema and a
 * private Redis, stock y-websocket clients on both. Prints, in one run:
 * - delivery latency of an edit to a member on the same instance and to one on the other
 *   (median, p99), at a steady rate;
 * - updates per second the pair sustains against one instance alone, under the same offered
 *   load, and whether all arrived;
 * - the time for members on two instances to converge after Redis comes back.
 *
 * Run: `npx tsx tests/bench/instances-figures.ts` (BENCH_BOARDS, BENCH_MEMBERS, BENCH_RATE, BENCH_SECONDS).
 */
import { randomBytes } from 'node:crypto'
import { connectClient, createBoard, waitFor, waitForSync, type TestClient } from '../helpers/boardClient'
import { removeDataDir, startServerProcess, type ServerProcess } from '../helpers/serverProcess'
import { startPrivateRedis } from '../helpers/privateRedis'
import { createTestSchema } from '../helpers/pgSchema'

const BOARDS = Number(process.env.BENCH_BOARDS ?? 4)
const MEMBERS = Number(process.env.BENCH_MEMBERS ?? 6)
const RATE = Number(process.env.BENCH_RATE ?? 5)
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10)
const LIMITS = { MAX_CONNECTIONS_PER_TOKEN: '100000', MAX_CONNECTIONS_PER_ADDRESS: '100000', LOG_LEVEL: 'warn' }

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted.length === 0 ? Number.NaN : sorted[Math.min(sorted.length - 1, Math.floor((sorted.length - 1) * p))]
}

interface RunResult {
  same: number[]
  cross: number[]
  sent: number
  expected: number
  received: number
  seconds: number
}

/** BOARDS boards, MEMBERS members each, spread over `servers`; every member edits RATE times a second. */
async function run(servers: ServerProcess[]): Promise<RunResult> {
  const clients: TestClient[] = []
  const result: RunResult = { same: [], cross: [], sent: 0, expected: 0, received: 0, seconds: SECONDS }
  try {
    const boards = await Promise.all(Array.from({ length: BOARDS }, () => createBoard(servers[0].url)))
    const members = boards.map((board) =>
      Array.from({ length: MEMBERS }, (_, i) => ({
        server: i % servers.length,
        client: connectClient(servers[i % servers.length].wsUrl, board.id, board.tokens.member),
      })),
    )
    for (const board of members) for (const member of board) clients.push(member.client)
    await Promise.all(clients.map((client) => waitForSync(client, 30_000)))
    for (const board of members) {
      for (const receiver of board) {
        receiver.client.doc.getMap<{ sentAt: number; from: number }>('records').observe((event) => {
          const now = performance.timeOrigin + performance.now()
          for (const key of event.keysChanged) {
            const value = receiver.client.doc.getMap<{ sentAt: number; from: number }>('records').get(key)
            if (!value || event.transaction.local) continue
            result.received++
            ;(value.from === receiver.server ? result.same : result.cross).push(now - value.sentAt)
          }
        })
      }
    }
    const started = Date.now()
    let tick = 0
    while (Date.now() - started < SECONDS * 1000) {
      for (const board of members) {
        for (const [i, member] of board.entries()) {
          member.client.doc.getMap('records').set(`shape:${i}:${tick}`, {
            sentAt: performance.timeOrigin + performance.now(),
            from: member.server,
            x: tick,
            y: i,
            props: { w: 240, h: 160, text: 'a card being dragged' },
          })
          result.sent++
          result.expected += board.length - 1
        }
      }
      tick++
      await new Promise((resolve) => setTimeout(resolve, 1000 / RATE)) // the offered rate
    }
    await waitFor(() => result.received >= result.expected, 30_000, 'every edit delivered').catch(() => {})
    return result
  } finally {
    for (const client of clients) client.destroy()
  }
}

function describe(name: string, result: RunResult): string {
  const all = [...result.same, ...result.cross]
  return `${name}: ${Math.round(result.sent / result.seconds)} edits/s offered, ${Math.round(result.received / result.seconds)} deliveries/s, loss ${result.expected - result.received}; same instance p50 ${percentile(result.same, 0.5).toFixed(1)} ms p99 ${percentile(result.same, 0.99).toFixed(1)} ms; other instance p50 ${percentile(result.cross, 0.5).toFixed(1)} ms p99 ${percentile(result.cross, 0.99).toFixed(1)} ms; all p99 ${percentile(all, 0.99).toFixed(1)} ms`
}

async function main(): Promise<void> {
  const schema = await createTestSchema()
  const redis = await startPrivateRedis()
  const secret = randomBytes(32).toString('base64url')
  const env = { DATABASE_URL: schema.url, REDIS_URL: redis.url, TOKEN_SECRET: secret, ...LIMITS }
  const servers = [await startServerProcess({ env }), await startServerProcess({ env })]
  try {
    console.log(`boards ${BOARDS} x ${MEMBERS} members x ${RATE} edits/s, ${SECONDS} s per run, PostgreSQL + Redis`)
    console.log(describe('one instance ', await run([servers[0]])))
    console.log(describe('two instances', await run(servers)))

    // Redis away and back: members on both instances converge.
    const board = await createBoard(servers[0].url)
    const onA = connectClient(servers[0].wsUrl, board.id, board.tokens.member)
    const onB = connectClient(servers[1].wsUrl, board.id, board.tokens.member)
    await Promise.all([waitForSync(onA), waitForSync(onB)])
    await redis.stop()
    onA.doc.getMap('records').set('shape:a-alone', { x: 1 })
    onB.doc.getMap('records').set('shape:b-alone', { x: 2 })
    await new Promise((resolve) => setTimeout(resolve, 1000)) // Redis stays away a second
    const back = performance.now()
    await redis.start()
    await waitFor(() => onA.doc.getMap('records').has('shape:b-alone') && onB.doc.getMap('records').has('shape:a-alone'), 30_000, 'convergence')
    console.log(`converged ${Math.round(performance.now() - back)} ms after Redis came back`)
    onA.destroy()
    onB.destroy()
  } finally {
    for (const server of servers) {
      await server.stop()
      removeDataDir(server.dataDir)
    }
    await redis.stop()
    await schema.drop()
  }
}

void main()
