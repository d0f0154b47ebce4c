/**
 * One load-generator process for relay-load.ts, driven over IPC. It holds whole boards of raw
 * clients (./relay-client.ts), so the sender and every receiver of an edit share one clock. Every
 * client edits at a steady rate with a random phase and renews its presence every 15 s, as
 * y-websocket does. Per measurement window it reports the delivery delays its observers saw, its
 * own event-loop lag and CPU, so the orchestrator can tell a slow relay from a saturated generator.
 *
 * Messages in:  connect {boards, observersPerBoard, wsUrl, editsPerSecond} | startWindow | endWindow | stop
 * Messages out: connected {clients, failures} | window {...} (see WindowReport)
 */
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { RawBoardClient } from './relay-client'

export interface BoardAssignment {
  boardId: string
  token: string
  clients: number
}

export type GeneratorCommand =
  | { type: 'connect'; boards: BoardAssignment[]; observersPerBoard: number; wsUrl: string; editsPerSecond: number }
  | { type: 'startWindow' }
  | { type: 'endWindow' }
  | { type: 'stop' }

export interface WindowReport {
  type: 'window'
  delaysMs: number[]
  editsSent: number
  /** Deliveries the observers should have seen for the edits sent in the window. */
  expectedDeliveries: number
  framesReceived: number
  openClients: number
  lagP99Ms: number
  lagMaxMs: number
  cpuPercent: number
  closeCodes: Record<string, number>
}

const AWARENESS_RENEW_MS = 15_000
const TICK_MS = 10
const CONNECT_CONCURRENCY = 50

interface ScheduledClient {
  client: RawBoardClient
  nextEditAt: number
  nextAwarenessAt: number
  /** Observers of this client's board other than itself: how many deliveries each edit should yield. */
  watchers: number
}

const scheduled: ScheduledClient[] = []
const closeCodes: Record<string, number> = {}
let delays: number[] = []
let editsSent = 0
let expectedDeliveries = 0
let framesAtWindowStart = 0
let editIntervalMs = 1000
let windowCpu = process.cpuUsage()
let windowStartedAt = performance.now()
const LAG_RESOLUTION_MS = 10
/** Samples include the sampling interval itself; the lag is what comes on top of it. */
const lag = monitorEventLoopDelay({ resolution: LAG_RESOLUTION_MS })
lag.enable()

function reply(message: unknown): void {
  process.send!(message)
}

function totalFramesReceived(): number {
  let total = 0
  for (const { client } of scheduled) total += client.framesReceived
  return total
}

async function connectBoards(command: Extract<GeneratorCommand, { type: 'connect' }>): Promise<void> {
  editIntervalMs = 1000 / command.editsPerSecond
  const pending: Array<() => Promise<void>> = []
  let failures = 0
  for (const board of command.boards) {
    const observers = Math.min(command.observersPerBoard, board.clients)
    for (let i = 0; i < board.clients; i++) {
      const isObserver = i < observers
      const observe = isObserver ? (delayMs: number) => delays.push(delayMs) : undefined
      pending.push(async () => {
        const client = new RawBoardClient({
          wsUrl: command.wsUrl,
          boardId: board.boardId,
          token: board.token,
          observe,
          onClose: (code) => (closeCodes[code] = (closeCodes[code] ?? 0) + 1),
        })
        try {
          await client.synced
        } catch {
          failures++
          return
        }
        const now = performance.now()
        client.sendAwareness({ user: { name: `bench ${client.doc.clientID}`, color: '#1971c2' } })
        scheduled.push({
          client,
          nextEditAt: now + Math.random() * editIntervalMs,
          nextAwarenessAt: now + AWARENESS_RENEW_MS,
          watchers: observers - (isObserver ? 1 : 0),
        })
      })
    }
  }
  const workers = Array.from({ length: CONNECT_CONCURRENCY }, async () => {
    for (let job = pending.shift(); job; job = pending.shift()) await job()
  })
  await Promise.all(workers)
  reply({ type: 'connected', clients: scheduled.length, failures })
}

function tick(): void {
  const now = performance.now()
  for (const entry of scheduled) {
    if (!entry.client.isOpen) continue
    if (now >= entry.nextEditAt) {
      entry.client.edit()
      editsSent++
      expectedDeliveries += entry.watchers
      // Keep the schedule steady even after a late tick; never send a backlog in a burst.
      entry.nextEditAt = Math.max(entry.nextEditAt + editIntervalMs, now)
    }
    if (now >= entry.nextAwarenessAt) {
      entry.client.sendAwareness({ user: { name: `bench ${entry.client.doc.clientID}`, color: '#1971c2' }, at: Date.now() })
      entry.nextAwarenessAt += AWARENESS_RENEW_MS
    }
  }
}

const ticker = setInterval(tick, TICK_MS)

process.on('message', (command: GeneratorCommand) => {
  switch (command.type) {
    case 'connect':
      void connectBoards(command)
      return
    case 'startWindow':
      delays = []
      editsSent = 0
      expectedDeliveries = 0
      framesAtWindowStart = totalFramesReceived()
      windowCpu = process.cpuUsage()
      windowStartedAt = performance.now()
      lag.reset()
      return
    case 'endWindow': {
      const cpu = process.cpuUsage(windowCpu)
      const elapsedMs = performance.now() - windowStartedAt
      const report: WindowReport = {
        type: 'window',
        delaysMs: delays,
        editsSent,
        expectedDeliveries,
        framesReceived: totalFramesReceived() - framesAtWindowStart,
        openClients: scheduled.filter((entry) => entry.client.isOpen).length,
        lagP99Ms: Math.max(0, lag.percentile(99) / 1e6 - LAG_RESOLUTION_MS),
        lagMaxMs: Math.max(0, lag.max / 1e6 - LAG_RESOLUTION_MS),
        cpuPercent: ((cpu.user + cpu.system) / 1000 / elapsedMs) * 100,
        closeCodes: { ...closeCodes },
      }
      delays = []
      reply(report)
      return
    }
    case 'stop':
      clearInterval(ticker)
      for (const { client } of scheduled) client.close()
      setTimeout(() => process.exit(0), 500).unref()
      return
    default: {
      const unreachable: never = command
      throw new Error(`unknown command ${JSON.stringify(unreachable)}`)
    }
  }
})

process.on('disconnect', () => process.exit(0))
