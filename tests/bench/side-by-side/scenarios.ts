/**
 * The side-by-side benchmark's scenarios, each run against one server at a time on a fresh server
 * process: steady load (calm, crowded, one 150-person board, the smoke test's tiny one), the knee
 * search, idle memory and cold load. Each returns a plain result object; ./report.ts prints them.
 */
import { cpus } from 'node:os'
import { resolve } from 'node:path'
import { LatencyHistogram } from './histogram'
import { ChildChannel } from './channel'
import { hostPercent, hostTicks, mainThreadCpuMs, peakRssMb, processCpuMs } from './machine'
import { startPeer, type DocumentAddress, type PeerDefinition, type RunningPeer } from './peers'
import type { GeneratorCommand, WindowReport, WindowSummary } from './generator'
import type { ColdLoadReport, LoaderCommand } from './loader'
import type { MemoryReport } from '../peers/memoryChannel'

export interface BenchSettings {
  /** Measurement window of a steady-load scenario, seconds (BENCH_SECONDS). */
  seconds: number
  warmupSeconds: number
  /** Longest wait, after edits stop, for every edit of the window to arrive. */
  drainSeconds: number
  /** Load-generator processes (whole boards each). */
  generators: number
  kneeRates: number[]
  kneeSeconds: number
  idleBoards: number
  idleRecords: number
  /** How many of the idle boards (spread evenly) are loaded again afterwards to check their records. */
  idleVerify: number
  coldRecords: number
  coldBoards: number
  logPath: string
  /** Servers to run under `node --cpu-prof`, and where their profiles go. */
  profile: string[]
  profileDir: string
}

export interface LoadShape {
  boards: number
  members: number
  editsPerSecond: number
}

export const LOAD_SHAPES = {
  smoke: { boards: 2, members: 3, editsPerSecond: 5 },
  calm: { boards: 20, members: 10, editsPerSecond: 5 },
  crowded: { boards: 10, members: 20, editsPerSecond: 20 },
  room150: { boards: 1, members: 150, editsPerSecond: 1 },
} satisfies Record<string, LoadShape>

/** The knee search runs the crowded rooms (10 boards × 20 members) at rising rates. */
export const KNEE_SHAPE = { boards: 10, members: 20 }
export const KNEE_P99_LIMIT_MS = 1000
/** A knee step counts only if the generators sent at least this share of its rate. */
const KNEE_MIN_SENT_SHARE = 0.9
const SHAPES_PER_MEMBER = 4

/**
 * What the generators say about themselves, and what that means for the latency figures:
 *   ok        its event loop kept up (lag p99 < 10 ms) with CPU to spare: the delays are the server's
 *   strained  lag p99 10-50 ms or CPU 75-90 %: up to that much of each delay may be the generator's
 *   bound     the generator itself ran out of CPU (≥ 90 % of a core) or lagged ≥ 50 ms on a machine
 *             with CPU to spare: it, not the server, limited the result
 *   starved   lagged ≥ 50 ms while using little CPU because the machine was full (server, other
 *             tenants): the delays include waiting for a core, not only the server's work
 */
export type GeneratorVerdict = 'ok' | 'strained' | 'bound' | 'starved'
const GENERATOR_BOUND_CPU_PERCENT = 90
const GENERATOR_BOUND_LAG_MS = 50
const GENERATOR_STRAINED_CPU_PERCENT = 75
const GENERATOR_STRAINED_LAG_MS = 10
/** The machine counts as full above this share of all its cores busy. */
const MACHINE_FULL_SHARE = 0.95
/** Above this CPU (% of one core) used by processes outside the benchmark, the machine was shared. */
export const BUSY_MACHINE_OTHER_PERCENT = 50

export interface LoadResult {
  kind: 'load'
  server: string
  shape: LoadShape
  windowSeconds: number
  editsSentPerSecond: number
  deliveriesPerSecond: number
  expected: number
  received: number
  lost: number
  duplicates: number
  p50: number
  p95: number
  p99: number
  max: number
  serverCpuPercent: number
  /** The part of serverCpuPercent on the main thread (the rest is worker threads, libuv, GC helpers). */
  serverMainThreadPercent: number
  serverCpuMsPer1000: number
  peakRssMb: number
  generatorCpuPercent: number[]
  generatorLagP99Ms: number[]
  generatorLagMaxMs: number[]
  generatorVerdict: GeneratorVerdict
  hostBusyPercent: number
  /** Busy CPU of processes outside the benchmark (other tenants), % of one core. */
  otherPercent: number
  /** The machine's iowait, % of one core (disk contention shows here: our relay fsyncs every commit). */
  iowaitPercent: number
  /** What the server itself counted in the window, per second or per commit (ours only; see peers.ts). */
  serverCounters?: {
    /** Documents' batches stored per second (one turn's commit holds the batches of every document). */
    batchesPerSecond: number
    /** Mean time from a document's batch being taken to it being stored (its tt_storage_write_seconds). */
    msPerBatch: number
    batchesOver100Ms: number
    updatesStoredPerSecond: number
    framesSentPerSecond: number
  }
  drainSeconds: number
  closeCodes: Record<string, number>
}

export interface KneeStep {
  editsPerSecond: number
  /** The step failed once and this is its second measurement. */
  repeated: boolean
  editsSentPerSecond: number
  perMember: number
  p50: number
  p99: number
  lost: number
  serverCpuMsPer1000: number
  deliveriesPerSecond: number
  generatorVerdict: GeneratorVerdict
}

export interface KneeResult {
  kind: 'knee'
  server: string
  steps: KneeStep[]
  /** Highest total edits/s with p99 ≤ 1 s and nothing lost; null when even the first step failed. */
  kneeEditsPerSecond: number | null
  /** True when the search ended without the server passing 1 s (a lower bound, not a knee). */
  lowerBound: boolean
  stopReason: string
}

export interface MemoryResult {
  kind: 'memory'
  server: string
  boards: number
  recordsPerBoard: number
  baselineHeapMb: number
  loadedHeapMb: number
  idleHeapMb: number
  /** Share of the heap the loaded boards added that is still there once everyone left. */
  retainedPercent: number
  documentsLoaded: number
  documentsIdle: number
  idleRssMb: number
  fillSeconds: number
  waitedSeconds: number
  /** Boards loaded again after the idle measurement, and how many held all their records. */
  verifiedOf: number
  verified: number
  verifyFailures: number
  verifySeconds: number
}

export interface ColdResult {
  kind: 'cold'
  server: string
  records: number
  /** False for a server that never unloads: its "cold" load comes from memory. */
  fromStorage: boolean
  syncMs: number
  applyMs: number
  ratio: number
  stateBytes: number
  runs: Array<{ syncMs: number; applyMs: number; records: number; stateBytes: number }>
}

export type ScenarioResult = LoadResult | KneeResult | MemoryResult | ColdResult

const GENERATOR_MODULE = resolve(import.meta.dirname, 'generator.ts')
const LOADER_MODULE = resolve(import.meta.dirname, 'loader.ts')
const profileDirFor = (definition: PeerDefinition, settings: BenchSettings) => (settings.profile.includes(definition.name) ? settings.profileDir : undefined)
const fixed = (value: number) => (Number.isFinite(value) ? value.toFixed(0) : String(value))
const sleep = (ms: number) => new Promise((resolvePromise) => setTimeout(resolvePromise, ms))
const mb = (bytes: number) => bytes / 1024 / 1024
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]

function generatorVerdict(cpuPercent: number[], lagP99Ms: number[], hostBusy: number): GeneratorVerdict {
  if (cpuPercent.some((cpu) => cpu >= GENERATOR_BOUND_CPU_PERCENT)) return 'bound'
  if (lagP99Ms.some((lag) => lag >= GENERATOR_BOUND_LAG_MS)) return hostBusy >= cpus().length * 100 * MACHINE_FULL_SHARE ? 'starved' : 'bound'
  if (cpuPercent.some((cpu) => cpu >= GENERATOR_STRAINED_CPU_PERCENT) || lagP99Ms.some((lag) => lag >= GENERATOR_STRAINED_LAG_MS)) return 'strained'
  return 'ok'
}

/** A server with its boards joined by generator processes, ready for measurement windows. */
class LoadSession {
  private constructor(
    readonly peer: RunningPeer,
    readonly generators: ChildChannel[],
  ) {}

  static async open(definition: PeerDefinition, shape: { boards: number; members: number }, settings: BenchSettings, label: string): Promise<LoadSession> {
    const peer = await startPeer(definition, settings.logPath, profileDirFor(definition, settings))
    const generators: ChildChannel[] = []
    try {
      const documents = await definition.createDocuments(peer.server, shape.boards, label)
      const count = Math.min(settings.generators, shape.boards)
      for (let i = 0; i < count; i++) generators.push(ChildChannel.fork(GENERATOR_MODULE))
      const joins = generators.map((generator, g) =>
        generator.request<{ members: number; failures: number }>(
          {
            type: 'join',
            boards: documents.filter((_, b) => b % count === g).map((document) => ({ urls: Array(shape.members).fill(document.url) })),
            shapesPerMember: SHAPES_PER_MEMBER,
          } satisfies GeneratorCommand,
          'joined',
        ),
      )
      const joined = await Promise.all(joins)
      const failures = joined.reduce((sum, result) => sum + result.failures, 0)
      if (failures > 0) throw new Error(`${failures} of ${shape.boards * shape.members} members could not join ${definition.name}`)
      return new LoadSession(peer, generators)
    } catch (error) {
      await Promise.all(generators.map((generator) => generator.stop()))
      await peer.stop()
      throw error
    }
  }

  private all<T>(command: GeneratorCommand, answer: string, timeoutMs?: number): Promise<T[]> {
    return Promise.all(this.generators.map((generator) => generator.request<T>(command, answer, timeoutMs)))
  }

  /** Runs a measurement window with edits stamped `window`, then waits for its edits to arrive. */
  async measure(window: number, shape: LoadShape, seconds: number, drainSeconds: number): Promise<LoadResult> {
    const pid = this.peer.server.pid
    const generatorPids = this.generators.map((generator) => generator.pid)
    const countersBefore = await this.peer.definition.readCounters?.(this.peer.server)
    const cpuBefore = processCpuMs(pid)
    const mainBefore = mainThreadCpuMs(pid)
    const hostBefore = hostTicks()
    const othersBefore = [process.pid, ...generatorPids].map(processCpuMs)
    await this.all({ type: 'start', window, editsPerSecond: shape.editsPerSecond }, 'started')
    await sleep(seconds * 1000)
    const summaries = await this.all<WindowSummary>({ type: 'stop' }, 'stopped')
    const serverCpuMs = processCpuMs(pid) - cpuBefore
    const serverMainMs = mainThreadCpuMs(pid) - mainBefore
    const host = hostPercent(hostBefore, hostTicks())
    const busy = host.busy
    const ownCpuMs = [process.pid, ...generatorPids].map(processCpuMs).reduce((sum, ms, i) => sum + ms - othersBefore[i], 0)
    const windowSeconds = Math.max(...summaries.map((summary) => summary.seconds))
    const countersAfter = await this.peer.definition.readCounters?.(this.peer.server)
    const counted = (name: string) => (countersAfter?.[name] ?? Number.NaN) - (countersBefore?.[name] ?? Number.NaN)
    const serverCounters = countersAfter
      ? {
          batchesPerSecond: counted('commits') / windowSeconds,
          msPerBatch: (counted('commitSeconds') * 1000) / counted('commits'),
          batchesOver100Ms: counted('commits') - counted('commitsUnder100Ms'),
          updatesStoredPerSecond: counted('updatesStored') / windowSeconds,
          framesSentPerSecond: counted('framesSent') / windowSeconds,
        }
      : undefined

    const drainStarted = performance.now()
    let reports = await this.all<WindowReport>({ type: 'report', window }, 'report')
    const outstanding = () => reports.reduce((sum, report) => sum + report.expected - report.received, 0)
    while (outstanding() > 0 && performance.now() - drainStarted < drainSeconds * 1000) {
      await sleep(100)
      reports = await this.all<WindowReport>({ type: 'report', window }, 'report')
    }
    const drained = (performance.now() - drainStarted) / 1000

    const histogram = LatencyHistogram.merge(reports.map((report) => report.histogram))
    const expected = reports.reduce((sum, report) => sum + report.expected, 0)
    const received = reports.reduce((sum, report) => sum + report.received, 0)
    const arrived = summaries.reduce((sum, summary) => sum + summary.deliveriesArrived, 0)
    const generatorCpuPercent = summaries.map((summary) => summary.cpuPercent)
    const generatorLagP99Ms = summaries.map((summary) => summary.lagP99Ms)
    const closeCodes: Record<string, number> = {}
    for (const report of reports) for (const [code, n] of Object.entries(report.closeCodes)) closeCodes[code] = (closeCodes[code] ?? 0) + n
    return {
      kind: 'load',
      server: this.peer.definition.name,
      shape,
      windowSeconds,
      editsSentPerSecond: summaries.reduce((sum, summary) => sum + summary.editsSent, 0) / windowSeconds,
      deliveriesPerSecond: arrived / windowSeconds,
      expected,
      received,
      lost: expected - received,
      duplicates: reports.reduce((sum, report) => sum + report.duplicates, 0),
      p50: histogram.percentile(50, expected),
      p95: histogram.percentile(95, expected),
      p99: histogram.percentile(99, expected),
      max: received < expected ? Number.POSITIVE_INFINITY : histogram.max,
      serverCpuPercent: serverCpuMs / 10 / windowSeconds,
      serverMainThreadPercent: serverMainMs / 10 / windowSeconds,
      serverCpuMsPer1000: arrived > 0 ? serverCpuMs / (arrived / 1000) : Number.NaN,
      peakRssMb: peakRssMb(pid),
      generatorCpuPercent,
      generatorLagP99Ms,
      generatorLagMaxMs: summaries.map((summary) => summary.lagMaxMs),
      generatorVerdict: generatorVerdict(generatorCpuPercent, generatorLagP99Ms, busy),
      hostBusyPercent: busy,
      otherPercent: Math.max(0, busy - (serverCpuMs + ownCpuMs) / 10 / windowSeconds),
      iowaitPercent: host.iowait,
      serverCounters,
      drainSeconds: drained,
      closeCodes,
    }
  }

  async warmUp(window: number, editsPerSecond: number, seconds: number): Promise<void> {
    await this.all({ type: 'start', window, editsPerSecond }, 'started')
    await sleep(seconds * 1000)
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.generators.map((generator) => generator.request({ type: 'leave' }, 'left', 30_000)))
    await Promise.all(this.generators.map((generator) => generator.stop()))
    await this.peer.stop()
  }
}

export async function runLoad(definition: PeerDefinition, name: string, shape: LoadShape, settings: BenchSettings): Promise<LoadResult> {
  const session = await LoadSession.open(definition, shape, settings, name)
  try {
    await session.warmUp(0, shape.editsPerSecond, settings.warmupSeconds)
    return await session.measure(1, shape, settings.seconds, settings.drainSeconds)
  } finally {
    await session.close()
  }
}

export async function runKnee(definition: PeerDefinition, settings: BenchSettings, log: (line: string) => void): Promise<KneeResult> {
  const session = await LoadSession.open(definition, KNEE_SHAPE, settings, 'knee')
  const steps: KneeStep[] = []
  let kneeEditsPerSecond: number | null = null
  const lastRate = settings.kneeRates[settings.kneeRates.length - 1]
  let stopReason = `reached the last step (${lastRate * KNEE_SHAPE.boards * KNEE_SHAPE.members} edits/s) with p99 ≤ ${KNEE_P99_LIMIT_MS} ms`
  let lowerBound = true
  try {
    let window = 2
    for (const [i, perMember] of settings.kneeRates.entries()) {
      const shape = { ...KNEE_SHAPE, editsPerSecond: perMember }
      const measureStep = async () => {
        // The first step also warms the server and the generators up, as the other scenarios do.
        await session.warmUp(window++, perMember, i === 0 ? settings.warmupSeconds : Math.min(2, settings.warmupSeconds))
        return session.measure(window++, shape, settings.kneeSeconds, Math.min(5, settings.drainSeconds))
      }
      let result = await measureStep()
      const repeated = result.p99 > KNEE_P99_LIMIT_MS || result.lost > 0
      if (repeated) {
        // On a shared machine one window can be spoiled by other work: a knee must show twice.
        log(
          `  knee ${definition.name}: ${KNEE_SHAPE.boards * KNEE_SHAPE.members * perMember} edits/s failed once (p99 ${fixed(result.p99)} ms, lost ${result.lost}); measuring it again`,
        )
        result = await measureStep()
      }
      const step: KneeStep = {
        editsPerSecond: KNEE_SHAPE.boards * KNEE_SHAPE.members * perMember,
        repeated,
        editsSentPerSecond: result.editsSentPerSecond,
        perMember,
        p50: result.p50,
        p99: result.p99,
        lost: result.lost,
        serverCpuMsPer1000: result.serverCpuMsPer1000,
        deliveriesPerSecond: result.deliveriesPerSecond,
        generatorVerdict: result.generatorVerdict,
      }
      steps.push(step)
      log(
        `  knee ${definition.name}: ${step.editsPerSecond} edits/s → p99 ${Number.isFinite(step.p99) ? `${step.p99.toFixed(0)} ms` : 'lost'}, lost ${step.lost}, ` +
          `${step.deliveriesPerSecond.toFixed(0)} deliveries/s, generator ${step.generatorVerdict}`,
      )
      if (step.p99 > KNEE_P99_LIMIT_MS || step.lost > 0) {
        stopReason = `p99 passed ${KNEE_P99_LIMIT_MS} ms at ${step.editsPerSecond} edits/s${step.lost > 0 ? ` (${step.lost} deliveries missing after the drain)` : ''}`
        // A generator that ran out of CPU, or a machine with no core left for it, may have made the delays.
        lowerBound = step.generatorVerdict === 'bound' || step.generatorVerdict === 'starved'
        if (lowerBound) stopReason += `, but the generator was ${step.generatorVerdict} there`
        break
      }
      // A generator that could not send this rate cannot find the knee beyond the last step it could.
      if (result.editsSentPerSecond < KNEE_MIN_SENT_SHARE * step.editsPerSecond) {
        stopReason = `the generator sent only ${result.editsSentPerSecond.toFixed(0)} of ${step.editsPerSecond} edits/s (${step.generatorVerdict}) before the server passed ${KNEE_P99_LIMIT_MS} ms`
        break
      }
      kneeEditsPerSecond = step.editsPerSecond
    }
  } finally {
    await session.close()
  }
  return { kind: 'knee', server: definition.name, steps, kneeEditsPerSecond, lowerBound, stopReason }
}

/** Memory after forced GC; the smallest heap of three readings (the least transient garbage). */
async function settledMemory(peer: RunningPeer): Promise<MemoryReport> {
  const reports: MemoryReport[] = []
  for (let i = 0; i < 3; i++) {
    await sleep(500)
    reports.push(await peer.memory())
  }
  return reports.reduce((best, report) => (report.heapUsed < best.heapUsed ? report : best))
}

/** Waits for the server to unload every document, as its own rule says it will. */
async function waitForUnload(peer: RunningPeer): Promise<number> {
  const started = performance.now()
  const rule = peer.definition.idleUnload
  if (rule.after === 'never') {
    await sleep(2000)
    return (performance.now() - started) / 1000
  }
  const deadline = started + (rule.after === 'idle-timer' ? rule.ms : 0) + 30_000
  if (rule.after === 'idle-timer') await sleep(rule.ms)
  while ((await peer.memory()).documents > 0 && performance.now() < deadline) await sleep(1000)
  return (performance.now() - started) / 1000
}

async function withLoader<T>(run: (loader: ChildChannel) => Promise<T>): Promise<T> {
  const loader = ChildChannel.fork(LOADER_MODULE)
  try {
    return await run(loader)
  } finally {
    await loader.stop()
  }
}

export async function runMemory(definition: PeerDefinition, settings: BenchSettings): Promise<MemoryResult> {
  const peer = await startPeer(definition, settings.logPath, profileDirFor(definition, settings))
  try {
    const documents = await definition.createDocuments(peer.server, settings.idleBoards, 'idle')
    const urls = documents.map((document) => document.url)
    return await withLoader(async (loader) => {
      const baseline = await settledMemory(peer)
      const filled = await loader.request<{ ms: number; failures: number }>(
        { type: 'fill', urls, records: settings.idleRecords } satisfies LoaderCommand,
        'filled',
        600_000,
      )
      if (filled.failures > 0) throw new Error(`${filled.failures} boards could not be filled on ${definition.name}`)
      const loaded = await settledMemory(peer)
      await loader.request({ type: 'leave' } satisfies LoaderCommand, 'left')
      const waitedSeconds = await waitForUnload(peer)
      const idle = await settledMemory(peer)
      const step = Math.max(1, Math.floor(urls.length / settings.idleVerify))
      const sample = urls.filter((_, i) => i % step === 0).slice(0, settings.idleVerify)
      const verified = await loader.request<{ verified: number; failed: number; failures: string[]; ms: number }>(
        { type: 'verify', urls: sample, records: settings.idleRecords } satisfies LoaderCommand,
        'verified',
        600_000,
      )
      return {
        kind: 'memory',
        server: definition.name,
        boards: settings.idleBoards,
        recordsPerBoard: settings.idleRecords,
        baselineHeapMb: mb(baseline.heapUsed),
        loadedHeapMb: mb(loaded.heapUsed),
        idleHeapMb: mb(idle.heapUsed),
        retainedPercent: ((idle.heapUsed - baseline.heapUsed) / (loaded.heapUsed - baseline.heapUsed)) * 100,
        documentsLoaded: loaded.documents,
        documentsIdle: idle.documents,
        idleRssMb: mb(idle.rss),
        fillSeconds: filled.ms / 1000,
        waitedSeconds,
        verifiedOf: sample.length,
        verified: verified.verified,
        verifyFailures: verified.failed,
        verifySeconds: verified.ms / 1000,
      } satisfies MemoryResult
    })
  } finally {
    await peer.stop()
  }
}

export async function runCold(definition: PeerDefinition, settings: BenchSettings): Promise<ColdResult> {
  const peer = await startPeer(definition, settings.logPath, profileDirFor(definition, settings))
  try {
    const documents: DocumentAddress[] = await definition.createDocuments(peer.server, settings.coldBoards, 'cold')
    return await withLoader(async (loader) => {
      const filled = await loader.request<{ failures: number }>(
        { type: 'fill', urls: documents.map((document) => document.url), records: settings.coldRecords } satisfies LoaderCommand,
        'filled',
        300_000,
      )
      if (filled.failures > 0) throw new Error(`${filled.failures} boards could not be filled on ${definition.name}`)
      await loader.request({ type: 'leave' } satisfies LoaderCommand, 'left')
      await waitForUnload(peer)
      const fromStorage = (await peer.memory()).documents === 0
      const runs: ColdResult['runs'] = []
      for (const document of documents) {
        const run = await loader.request<ColdLoadReport>(
          {
            type: 'coldLoad',
            serverUrl: document.serverUrl,
            room: document.room,
            params: document.params,
            records: settings.coldRecords,
          } satisfies LoaderCommand,
          'coldLoaded',
        )
        if (run.records !== settings.coldRecords) throw new Error(`${definition.name} loaded ${run.records} of ${settings.coldRecords} records`)
        runs.push({ syncMs: run.syncMs, applyMs: run.applyMs, records: run.records, stateBytes: run.stateBytes })
      }
      const syncMs = median(runs.map((run) => run.syncMs))
      const applyMs = median(runs.map((run) => run.applyMs))
      return {
        kind: 'cold',
        server: definition.name,
        records: settings.coldRecords,
        fromStorage,
        syncMs,
        applyMs,
        ratio: syncMs / applyMs,
        stateBytes: runs[0].stateBytes,
        runs,
      } satisfies ColdResult
    })
  } finally {
    await peer.stop()
  }
}
