/**
 * Memory per idle connection: retained heap (after forced GC) and RSS of the server with no
 * connections, with one connection per board (documents loaded), with N idle connections, and
 * after everyone leaves and the documents unload; in several rounds, to tell one-time warm-up from a leak.
 *
 * The server runs as its own process (./relay-memory-server.ts under `node --expose-gc`), so the
 * clients' memory is not counted; it forces GC and reports process.memoryUsage() over IPC.
 * Clients are raw y-websocket clients (./relay-client.ts): each syncs, announces its presence
 * once, and then stays idle. Per-connection cost = (N connections - one per board) / (N - boards),
 * so the documents' own memory is not charged to connections.
 *
 * Run: `npx tsx tests/bench/relay-memory.ts`. Settings (environment):
 *   BENCH_IDLE_CONNECTIONS (1000)  BENCH_IDLE_BOARDS (50)  BENCH_DOCUMENT_IDLE_MS (2000)  BENCH_IDLE_ROUNDS (3)
 */
import { describeServerCode, startBenchServer, type BenchServer } from './relay-server'
import { RawBoardClient } from './relay-client'
import { createBoard } from '../helpers/boardClient'
import type { MemoryReport } from './relay-memory-server'

const CONNECTIONS = Number(process.env.BENCH_IDLE_CONNECTIONS ?? 1000)
const BOARDS = Number(process.env.BENCH_IDLE_BOARDS ?? 50)
const DOCUMENT_IDLE_MS = Number(process.env.BENCH_DOCUMENT_IDLE_MS ?? 2000)
const ROUNDS = Number(process.env.BENCH_IDLE_ROUNDS ?? 3)
const CONNECT_CONCURRENCY = 50

const sleep = (ms: number) => new Promise((resolvePromise) => setTimeout(resolvePromise, ms))
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`

function measure(server: BenchServer): Promise<MemoryReport> {
  return new Promise((resolvePromise) => {
    const onMessage = (message: MemoryReport) => {
      if (message.type !== 'memory') return
      server.process.off('message', onMessage)
      resolvePromise(message)
    }
    server.process.on('message', onMessage)
    server.process.send({ type: 'measure' })
  })
}

/** Measures three times, a second apart, and keeps the smallest heap (the least transient garbage). */
async function settledMeasure(server: BenchServer): Promise<MemoryReport> {
  const reports: MemoryReport[] = []
  for (let i = 0; i < 3; i++) {
    await sleep(1000)
    reports.push(await measure(server))
  }
  return reports.reduce((best, report) => (report.heapUsed < best.heapUsed ? report : best))
}

async function connectAll(server: BenchServer, boards: Array<{ id: string; token: string }>, count: number, offset: number): Promise<RawBoardClient[]> {
  const clients: RawBoardClient[] = []
  let next = 0
  await Promise.all(
    Array.from({ length: CONNECT_CONCURRENCY }, async () => {
      while (next < count) {
        const board = boards[(offset + next++) % boards.length]
        const client = new RawBoardClient({ wsUrl: server.wsUrl, boardId: board.id, token: board.token })
        await client.synced
        client.sendAwareness({ user: { name: `idle ${client.doc.clientID}`, color: '#2f9e44' } })
        clients.push(client)
      }
    }),
  )
  return clients
}

async function main(): Promise<void> {
  const server = await startBenchServer({
    entry: 'tests/bench/relay-memory-server.ts',
    nodeArgs: ['--expose-gc'],
    ipc: true,
    env: {
      LOG_LEVEL: 'warn',
      DOCUMENT_IDLE_MS: String(DOCUMENT_IDLE_MS),
      MAX_CONNECTIONS_PER_ADDRESS: '1000000',
      MAX_CONNECTIONS_PER_TOKEN: '1000000',
      MAX_CONNECTIONS: '1000000',
      MAX_PENDING_CONNECTIONS: '100000',
    },
  })
  const clients: RawBoardClient[] = []
  try {
    const boards: Array<{ id: string; token: string }> = []
    for (let i = 0; i < BOARDS; i++) {
      const board = await createBoard(server.url, `idle board ${i}`, 'Benchmark board.')
      boards.push({ id: board.id, token: board.tokens.member })
    }
    const empty = await settledMeasure(server)

    // Two rounds: what the first leaves behind may be one-time warm-up (compiled code, pools);
    // what the second adds on top of it would be a leak.
    const rounds: Array<{ onePerBoard: MemoryReport; full: MemoryReport; after: MemoryReport }> = []
    for (let round = 0; round < ROUNDS; round++) {
      clients.push(...(await connectAll(server, boards, BOARDS, 0)))
      const onePerBoard = await settledMeasure(server)
      clients.push(...(await connectAll(server, boards, CONNECTIONS - BOARDS, 0)))
      await sleep(2000)
      const full = await settledMeasure(server)
      for (const client of clients) client.close()
      clients.length = 0
      const deadline = Date.now() + DOCUMENT_IDLE_MS + 30_000
      let after = await measure(server)
      while ((after.connections > 0 || after.documents > 0) && Date.now() < deadline) {
        await sleep(500)
        after = await measure(server)
      }
      rounds.push({ onePerBoard, full, after: await settledMeasure(server) })
    }

    const rows: Array<[string, MemoryReport]> = [['no connections, boards created, none loaded', empty]]
    rounds.forEach(({ onePerBoard, full, after }, index) => {
      rows.push(
        [`round ${index + 1}: one connection per board (${BOARDS} documents)`, onePerBoard],
        [`round ${index + 1}: ${full.connections} idle connections on ${BOARDS} boards`, full],
        [`round ${index + 1}: all disconnected, documents unloaded`, after],
      )
    })
    console.log(`relay memory, server with --expose-gc, measured after forced GC (DOCUMENT_IDLE_MS=${DOCUMENT_IDLE_MS})`)
    console.log(`server code: ${describeServerCode()}\n`)
    console.log(
      `${'state'.padEnd(56)} ${'conns'.padStart(6)} ${'docs'.padStart(5)} ${'heapUsed'.padStart(10)} ${'external'.padStart(10)} ${'rss'.padStart(10)}`,
    )
    for (const [name, report] of rows) {
      console.log(
        `${name.padEnd(56)} ${String(report.connections).padStart(6)} ${String(report.documents).padStart(5)} ` +
          `${mb(report.heapUsed).padStart(10)} ${mb(report.external).padStart(10)} ${mb(report.rss).padStart(10)}`,
      )
    }
    const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`
    console.log('')
    console.log(`per idle connection (${CONNECTIONS - BOARDS} added to boards already loaded), heap is retained heap after forced GC:`)
    rounds.forEach(({ onePerBoard, full }, index) => {
      const added = full.connections - onePerBoard.connections
      console.log(
        `  round ${index + 1}: heap ${kib((full.heapUsed - onePerBoard.heapUsed) / added)}, ` +
          `external ${kib((full.external - onePerBoard.external) / added)}, RSS ${kib((full.rss - onePerBoard.rss) / added)} (RSS is noisy: freed pages are not returned at once)`,
      )
    })
    const first = rounds[0]
    console.log(`per loaded document with its first connection (round 1): heap ${kib((first.onePerBoard.heapUsed - empty.heapUsed) / BOARDS)}`)
    console.log(
      `after everyone left: heap ${rounds.map((round) => mb(round.after.heapUsed)).join(' -> ')} after each round, ` +
        `${mb(empty.heapUsed)} before anyone came; round 1 kept ${(((first.after.heapUsed - empty.heapUsed) / (first.full.heapUsed - empty.heapUsed)) * 100).toFixed(1)} % of its added heap`,
    )
    if (rounds.length > 1) {
      const last = rounds[rounds.length - 1]
      console.log(
        `  rounds 2..${rounds.length} added ${kib(last.after.heapUsed - first.after.heapUsed)} on top of round 1 ` +
          `(${((last.after.heapUsed - first.after.heapUsed) / (rounds.length - 1) / CONNECTIONS).toFixed(0)} bytes per connection per round)`,
      )
    }
  } finally {
    for (const client of clients) client.close()
    await server.stop()
  }
}

const watchdog = setTimeout(() => {
  console.error('relay-memory: hard time limit (5 min) reached; exiting')
  process.exit(2)
}, 5 * 60_000)
watchdog.unref()

await main()
