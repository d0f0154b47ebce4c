/**
 * How long reveal takes for 30 members with 10 drafts each: the server's own time, and the time
 * until the last of 30 connected members' documents holds all 300 cards. Members are stock
 * y-websocket clients in this process (what a browser's sync layer does, without rendering).
 *
 * Run: `npx tsx tests/bench/reveal-figures.ts` (BENCH_MEMBERS, BENCH_DRAFTS, BENCH_RUNS to change).
 */
import { controlDocName, draftsDocName } from '../../shared/board/docNames'
import { createDraft, openThinkAloneRound } from '../../shared/board/drafts'
import { listCards } from '../../shared/board/boardModel'
import { removeDataDir, startServerProcess } from '../helpers/serverProcess'
import { connectClient, createBoard, waitFor, waitForSync, type TestClient } from '../helpers/boardClient'

const MEMBERS = Number(process.env.BENCH_MEMBERS ?? 30)
const DRAFTS = Number(process.env.BENCH_DRAFTS ?? 10)
const RUNS = Number(process.env.BENCH_RUNS ?? 3)

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]
}

async function oneRun(serverUrl: string, wsUrl: string): Promise<{ serverMs: number; lastMemberMs: number }> {
  const board = await createBoard(serverUrl)
  const clients: TestClient[] = []
  try {
    const control = connectClient(wsUrl, controlDocName(board.id), board.tokens.facilitator)
    clients.push(control)
    await waitForSync(control)
    openThinkAloneRound(control.doc, 'bench', Date.now())
    const members: TestClient[] = []
    for (let m = 0; m < MEMBERS; m++) {
      const response = await fetch(`${serverUrl}/api/boards/${board.id}/people`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${board.tokens.member}` },
      })
      const { personId, personToken } = (await response.json()) as { personId: string; personToken: string }
      const drafts = connectClient(wsUrl, draftsDocName(board.id, personId), personToken)
      const canvas = connectClient(wsUrl, board.id, board.tokens.member)
      clients.push(drafts, canvas)
      members.push(canvas)
      await Promise.all([waitForSync(drafts), waitForSync(canvas)])
      for (let d = 0; d < DRAFTS; d++) {
        createDraft(drafts.doc, {
          id: `draft-${d}`,
          roundId: 'bench',
          kind: 'idea',
          text: `Member ${m}, thought ${d}: something worth sharing with the group`,
          anonymous: d % 3 === 0,
          author: { id: `user-${m}`, name: `Member ${m}`, color: '#1971c2' },
          now: Date.now(),
          parentId: 'page:page',
          x: d * 260,
          y: m * 200,
          w: 240,
          h: 160,
        })
      }
    }
    // Let every draft reach the server before revealing.
    await new Promise((resolve) => setTimeout(resolve, 1500))
    const started = performance.now()
    const response = await fetch(`${serverUrl}/api/boards/${board.id}/reveal`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${board.tokens.facilitator}` },
    })
    const { revealed, ms } = (await response.json()) as { revealed: number; ms: number }
    if (revealed !== MEMBERS * DRAFTS) throw new Error(`revealed ${revealed}, expected ${MEMBERS * DRAFTS}`)
    await waitFor(() => members.every((member) => listCards(member.doc).length === MEMBERS * DRAFTS), 60_000, 'all members see all cards')
    return { serverMs: ms, lastMemberMs: performance.now() - started }
  } finally {
    for (const c of clients) c.destroy()
  }
}

async function main(): Promise<void> {
  const server = await startServerProcess({
    env: { LOG_LEVEL: 'warn', MAX_CONNECTIONS_PER_ADDRESS: '10000', MAX_CONNECTIONS_PER_TOKEN: '10000', MAX_PENDING_CONNECTIONS: '10000' },
  })
  try {
    const runs: Array<{ serverMs: number; lastMemberMs: number }> = []
    for (let run = 0; run < RUNS; run++) runs.push(await oneRun(server.url, server.wsUrl))
    console.log(`\nreveal: ${MEMBERS} members × ${DRAFTS} drafts (${MEMBERS * DRAFTS} cards), ${RUNS} runs`)
    console.log(
      `  server time to reveal (median / max)                 ${median(runs.map((r) => r.serverMs)).toFixed(0)} ms / ${Math.max(...runs.map((r) => r.serverMs)).toFixed(0)} ms`,
    )
    console.log(
      `  until the last member's document has every card      ${median(runs.map((r) => r.lastMemberMs)).toFixed(0)} ms / ${Math.max(...runs.map((r) => r.lastMemberMs)).toFixed(0)} ms`,
    )
  } finally {
    await server.stop()
    removeDataDir(server.dataDir)
  }
}

await main()
