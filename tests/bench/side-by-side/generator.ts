/**
 * A load-generator process of the side-by-side benchmark (tests/bench/side-by-side.ts starts one
 * or two, never inside a server's process), driven over IPC. It holds whole boards of raw members
 * (./member.ts), so the sender and every receiver of an edit share one clock. Each member edits one
 * of its shapes at a steady rate with a random phase and renews its presence every 15 s, as
 * y-websocket does.
 *
 * Edits carry the id of the window they were sent in (0 = warm-up). For each window the generator
 * counts the deliveries its edits should make (one per other open member of the board) and the
 * ones that arrived (each sender's edits arrive in order, so a member keeps the last seq it saw
 * from each sender and anything not newer is a duplicate), with their delays in a histogram. While
 * a window runs it also measures its own CPU and event-loop lag, and counts every delivery that
 * arrives (whatever its window): that is the delivery rate the servers' CPU is divided by.
 *
 * Commands in (see GeneratorCommand), one answer out for each: join → joined, start → started,
 * stop → stopped (WindowSummary), report → report (WindowReport), leave → left.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { LatencyHistogram, type HistogramData } from './histogram'
import { RawMember } from './member'
import type { Stamp } from './records'

export interface BoardJoin {
  /** One websocket URL per member. */
  urls: string[]
}

export type GeneratorCommand =
  | { type: 'join'; boards: BoardJoin[]; shapesPerMember: number }
  | { type: 'start'; window: number; editsPerSecond: number }
  | { type: 'stop' }
  | { type: 'report'; window: number }
  | { type: 'leave' }

export interface WindowSummary {
  type: 'stopped'
  window: number
  seconds: number
  editsSent: number
  /** Deliveries (of any window's edits) that arrived while the window ran. */
  deliveriesArrived: number
  cpuPercent: number
  lagP99Ms: number
  lagMaxMs: number
}

export interface WindowReport {
  type: 'report'
  window: number
  expected: number
  received: number
  duplicates: number
  histogram: HistogramData
  openMembers: number
  closeCodes: Record<string, number>
}

const AWARENESS_RENEW_MS = 15_000
const TICK_MS = 5
const JOIN_CONCURRENCY = 32
const LAG_RESOLUTION_MS = 10

interface Seat {
  member: RawMember
  board: Seat[]
  index: number
  /** Last seq seen from each other member of the board. */
  lastSeq: Int32Array
  nextEditAt: number
  nextAwarenessAt: number
  seq: number
  shapes: number
}

interface WindowStats {
  expected: number
  received: number
  duplicates: number
  histogram: LatencyHistogram
}

const boards: Seat[][] = []
const closeCodes: Record<string, number> = {}
const windows = new Map<number, WindowStats>()
let currentWindow = -1
let editIntervalMs = 1000
let editing = false
let editsSent = 0
let deliveriesArrived = 0
let windowStartedAt = 0
let windowCpu = process.cpuUsage()
/** Samples include the sampling interval itself; the lag is what comes on top of it. */
const lag = monitorEventLoopDelay({ resolution: LAG_RESOLUTION_MS })

function reply(message: unknown): void {
  process.send!(message)
}

function statsFor(window: number): WindowStats {
  let stats = windows.get(window)
  if (!stats) windows.set(window, (stats = { expected: 0, received: 0, duplicates: 0, histogram: new LatencyHistogram() }))
  return stats
}

function receive(seat: Seat, stamp: Stamp, receivedAt: number): void {
  const [from, seq, window, sentAt] = stamp
  deliveriesArrived++
  const stats = statsFor(window)
  if (seq <= seat.lastSeq[from]) {
    stats.duplicates++
    return
  }
  seat.lastSeq[from] = seq
  stats.received++
  stats.histogram.add(receivedAt - sentAt)
}

async function join(command: Extract<GeneratorCommand, { type: 'join' }>): Promise<void> {
  const jobs: Array<() => Promise<void>> = []
  let failures = 0
  for (const board of command.boards) {
    const seats: Seat[] = []
    boards.push(seats)
    board.urls.forEach((url, index) => {
      jobs.push(async () => {
        const seat: Seat = {
          member: null as unknown as RawMember,
          board: seats,
          index,
          lastSeq: new Int32Array(board.urls.length).fill(-1),
          nextEditAt: 0,
          nextAwarenessAt: 0,
          seq: 0,
          shapes: command.shapesPerMember,
        }
        seat.member = new RawMember({
          url,
          index,
          onStamp: (stamp, at) => receive(seat, stamp, at),
          onClose: (code) => (closeCodes[code] = (closeCodes[code] ?? 0) + 1),
        })
        try {
          await seat.member.synced
        } catch {
          failures++
          return
        }
        seat.member.sendAwareness({ user: { name: `member ${index}`, color: '#1971c2' } })
        seat.nextAwarenessAt = performance.now() + AWARENESS_RENEW_MS
        seats.push(seat)
      })
    })
  }
  await Promise.all(
    Array.from({ length: JOIN_CONCURRENCY }, async () => {
      for (let job = jobs.shift(); job; job = jobs.shift()) await job()
    }),
  )
  reply({ type: 'joined', members: boards.reduce((sum, seats) => sum + seats.length, 0), failures })
}

function tick(): void {
  const now = performance.now()
  for (const seats of boards) {
    for (const seat of seats) {
      if (!seat.member.isOpen) continue
      if (editing && now >= seat.nextEditAt) {
        let others = 0
        for (const other of seats) if (other !== seat && other.member.isOpen) others++
        statsFor(currentWindow).expected += others
        seat.member.edit(seat.seq % seat.shapes, [seat.index, seat.seq, currentWindow, performance.now()])
        seat.seq++
        editsSent++
        // A steady schedule even after a late tick, never a backlog sent in a burst.
        seat.nextEditAt = Math.max(seat.nextEditAt + editIntervalMs, now)
      }
      if (now >= seat.nextAwarenessAt) {
        seat.member.sendAwareness({ user: { name: `member ${seat.index}`, color: '#1971c2' }, at: Date.now() })
        seat.nextAwarenessAt += AWARENESS_RENEW_MS
      }
    }
  }
}

const ticker = setInterval(tick, TICK_MS)

function start(window: number, editsPerSecond: number): void {
  const now = performance.now()
  if (!editing || 1000 / editsPerSecond !== editIntervalMs) {
    editIntervalMs = 1000 / editsPerSecond
    for (const seats of boards) for (const seat of seats) seat.nextEditAt = now + Math.random() * editIntervalMs
  }
  editing = true
  currentWindow = window
  statsFor(window)
  editsSent = 0
  deliveriesArrived = 0
  windowStartedAt = now
  windowCpu = process.cpuUsage()
  lag.reset()
  lag.enable()
}

function stop(): WindowSummary {
  editing = false
  const seconds = (performance.now() - windowStartedAt) / 1000
  const cpu = process.cpuUsage(windowCpu)
  lag.disable()
  return {
    type: 'stopped',
    window: currentWindow,
    seconds,
    editsSent,
    deliveriesArrived,
    cpuPercent: ((cpu.user + cpu.system) / 1e6 / seconds) * 100,
    lagP99Ms: Math.max(0, lag.percentile(99) / 1e6 - LAG_RESOLUTION_MS),
    lagMaxMs: Math.max(0, lag.max / 1e6 - LAG_RESOLUTION_MS),
  }
}

function report(window: number): WindowReport {
  const stats = statsFor(window)
  return {
    type: 'report',
    window,
    expected: stats.expected,
    received: stats.received,
    duplicates: stats.duplicates,
    histogram: stats.histogram.toData(),
    openMembers: boards.reduce((sum, seats) => sum + seats.filter((seat) => seat.member.isOpen).length, 0),
    closeCodes: { ...closeCodes },
  }
}

async function leave(): Promise<void> {
  editing = false
  await Promise.all(boards.flatMap((seats) => seats.map((seat) => seat.member.close())))
  boards.length = 0
  reply({ type: 'left' })
}

process.on('message', (command: GeneratorCommand) => {
  switch (command.type) {
    case 'join':
      void join(command)
      return
    case 'start':
      start(command.window, command.editsPerSecond)
      reply({ type: 'started' })
      return
    case 'stop':
      reply(stop())
      return
    case 'report':
      reply(report(command.window))
      return
    case 'leave':
      void leave()
      return
    default: {
      const unreachable: never = command
      throw new Error(`unknown command ${JSON.stringify(unreachable)}`)
    }
  }
})

process.on('disconnect', () => {
  clearInterval(ticker)
  process.exit(0)
})
