/**
 * What a lock costs members, through the real server process with stock y-websocket clients:
 * - how often a member's connection closes or reconnects while the board is locked and they keep
 *   editing (it should never: the connection stays open and read-only);
 * - the time from unlock until every member's held changes have reached the facilitator, over
 *   BENCH_ROUNDS lock / edit / unlock rounds (median, p95, max). Every member wrote before the
 *   first lock, so their held changes depend on earlier ones.
 *
 * Run: `npx tsx tests/bench/lock-figures.ts` (BENCH_MEMBERS, BENCH_ROUNDS, BENCH_LOCKED_MS).
 */
import { controlDocName } from '../../shared/board/docNames'
import { isBoardLocked, setBoardLocked } from '../../shared/board/facilitation'
import { removeDataDir, startServerProcess } from '../helpers/serverProcess'
import { connectClient, createBoard, waitFor, waitForSync, type TestClient } from '../helpers/boardClient'

const MEMBERS = Number(process.env.BENCH_MEMBERS ?? 10)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 20)
const LOCKED_MS = Number(process.env.BENCH_LOCKED_MS ?? 10_000)

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length - 1) * p))]
}

async function main(): Promise<void> {
  const server = await startServerProcess()
  const clients: TestClient[] = []
  try {
    const board = await createBoard(server.url)
    const control = connectClient(server.wsUrl, controlDocName(board.id), board.tokens.facilitator)
    const reader = connectClient(server.wsUrl, controlDocName(board.id), board.tokens.observer)
    const facilitator = connectClient(server.wsUrl, board.id, board.tokens.facilitator)
    const members = Array.from({ length: MEMBERS }, () => connectClient(server.wsUrl, board.id, board.tokens.member))
    clients.push(control, reader, facilitator, ...members)
    await Promise.all(clients.map((client) => waitForSync(client)))
    const shapes = (client: TestClient) => client.doc.getMap<{ x: number }>('shapes')
    for (const [i, member] of members.entries()) shapes(member).set(`shape:member-${i}`, { x: -1 })
    await waitFor(() => members.every((_, i) => shapes(facilitator).get(`shape:member-${i}`)?.x === -1), 10_000, 'first changes')
    const connects = members.map(() => 0)
    for (const [i, member] of members.entries()) {
      member.provider.on('status', ({ status }: { status: string }) => {
        if (status === 'connected') connects[i]++
      })
    }

    // 1. A long lock with everyone dragging their card: count closes and reconnects.
    setBoardLocked(control.doc, true)
    await waitFor(() => isBoardLocked(reader.doc), 5000, 'lock')
    const started = Date.now()
    let step = 0
    while (Date.now() - started < LOCKED_MS) {
      for (const [i, member] of members.entries()) shapes(member).set(`shape:member-${i}`, { x: step })
      step++
      await new Promise((resolve) => setTimeout(resolve, 200)) // members drag at 5 edits a second
    }
    const lockedMinutes = (Date.now() - started) / 60_000
    const closes = members.reduce((sum, member) => sum + member.closeCodes.length, 0)
    const reconnects = connects.reduce((sum, n) => sum + n, 0)
    setBoardLocked(control.doc, false)
    await waitFor(() => members.every((_, i) => shapes(facilitator).get(`shape:member-${i}`)?.x === step - 1), 10_000, 'changes after the long lock')

    // 2. Rounds of lock, edit, unlock: time until every held change has arrived.
    const delays: number[] = []
    for (let round = 0; round < ROUNDS; round++) {
      setBoardLocked(control.doc, true)
      await waitFor(() => isBoardLocked(reader.doc), 5000, 'lock')
      const value = 1000 + round
      for (const [i, member] of members.entries()) shapes(member).set(`shape:member-${i}`, { x: value })
      await waitFor(() => members.every((member) => member.denials.length > 0), 5000, 'refusals')
      const unlockedAt = performance.now()
      setBoardLocked(control.doc, false)
      await waitFor(() => members.every((_, i) => shapes(facilitator).get(`shape:member-${i}`)?.x === value), 10_000, 'held changes')
      delays.push(performance.now() - unlockedAt)
    }
    const figures = {
      members: MEMBERS,
      lockedSeconds: Math.round(lockedMinutes * 60),
      closesWhileLocked: closes,
      reconnectsPerMemberPerMinute: reconnects / MEMBERS / lockedMinutes,
      unlockToArrivalMs: {
        rounds: ROUNDS,
        median: Math.round(percentile(delays, 0.5) * 10) / 10,
        p95: Math.round(percentile(delays, 0.95) * 10) / 10,
        max: Math.round(Math.max(...delays) * 10) / 10,
      },
    }
    console.log(JSON.stringify(figures, null, 2))
  } finally {
    for (const client of clients) client.destroy()
    await server.stop()
    removeDataDir(server.dataDir)
  }
}

void main()
