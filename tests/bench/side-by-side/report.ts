/**
 * Turns the side-by-side benchmark's results into the tables it prints (markdown pipe tables, so
 * the same text goes into BENCHMARKS.md) and into the verdict on each product target, with the
 * ratios the targets are stated in. A target whose inputs are missing, or whose figures the load
 * generator limited, says so instead of passing.
 */
import {
  BUSY_MACHINE_OTHER_PERCENT,
  KNEE_P99_LIMIT_MS,
  LOAD_SHAPES,
  type ColdResult,
  type KneeResult,
  type LoadResult,
  type MemoryResult,
  type ScenarioResult,
} from './scenarios'

export interface ScenarioRun {
  scenario: string
  server: string
  result?: ScenarioResult
  error?: string
  skipped?: string
}

export type TargetVerdict = 'PASS' | 'FAIL' | 'INCONCLUSIVE' | 'NOT RUN'

export interface TargetRow {
  target: string
  goal: string
  ratio: number | null
  verdict: TargetVerdict
  note: string
}

const ms = (value: number) => (!Number.isFinite(value) ? (Number.isNaN(value) ? '-' : 'lost') : value < 10 ? value.toFixed(1) : value.toFixed(0))
const fixed = (value: number, digits = 0) => (Number.isFinite(value) ? value.toFixed(digits) : '-')
const ratio = (value: number | null, digits = 2) => (value === null || !Number.isFinite(value) ? '-' : `${value.toFixed(digits)}×`)

function table(header: string[], rows: string[][]): string {
  const widths = header.map((cell, i) => Math.max(cell.length, ...rows.map((row) => row[i].length)))
  const line = (cells: string[]) => `| ${cells.map((cell, i) => cell.padEnd(widths[i])).join(' | ')} |`
  return [line(header), `| ${widths.map((width) => '-'.repeat(width)).join(' | ')} |`, ...rows.map(line)].join('\n')
}

function find<T extends ScenarioResult>(runs: ScenarioRun[], scenario: string, server: string): T | undefined {
  return runs.find((run) => run.scenario === scenario && run.server === server)?.result as T | undefined
}

function describeShape(scenario: string): string {
  const shape = LOAD_SHAPES[scenario as keyof typeof LOAD_SHAPES]
  if (!shape) return scenario
  const edits = shape.boards * shape.members * shape.editsPerSecond
  return `${scenario}: ${shape.boards} × ${shape.members} × ${shape.editsPerSecond}/s = ${edits} edits/s`
}

function problemRow(run: ScenarioRun, width: number): string[] {
  const cells = Array<string>(width).fill('')
  cells[0] = run.server
  cells[1] = run.error ? `error: ${run.error}` : `n/a: ${run.skipped}`
  return cells
}

export function loadTable(runs: ScenarioRun[], scenario: string): string {
  const header = [
    'server',
    'edits/s sent',
    'deliveries/s',
    'lost',
    'p50 ms',
    'p95 ms',
    'p99 ms',
    'max ms',
    'CPU ms/1k deliv',
    'server CPU %',
    'peak RSS MB',
    'gen CPU %',
    'gen lag p99/max ms',
    'host %',
    'other %',
    'iowait %',
    'generator',
  ]
  const rows = runs
    .filter((run) => run.scenario === scenario)
    .map((run) => {
      const result = run.result as LoadResult | undefined
      if (!result) return problemRow(run, header.length)
      return [
        result.server,
        fixed(result.editsSentPerSecond),
        fixed(result.deliveriesPerSecond),
        [
          String(result.lost),
          result.duplicates > 0 ? `+${result.duplicates} dup` : '',
          Object.keys(result.closeCodes).length > 0
            ? `closed: ${Object.entries(result.closeCodes)
                .map(([code, n]) => `${code}×${n}`)
                .join(' ')}`
            : '',
        ]
          .filter(Boolean)
          .join(', '),
        ms(result.p50),
        ms(result.p95),
        ms(result.p99),
        ms(result.max),
        fixed(result.serverCpuMsPer1000, 2),
        fixed(result.serverCpuPercent),
        fixed(result.peakRssMb),
        result.generatorCpuPercent.map((cpu) => fixed(cpu)).join('/'),
        result.generatorLagP99Ms.map((lag, i) => `${fixed(lag)}/${fixed(result.generatorLagMaxMs[i])}`).join(' '),
        fixed(result.hostBusyPercent),
        fixed(result.otherPercent),
        fixed(result.iowaitPercent),
        result.otherPercent > BUSY_MACHINE_OTHER_PERCENT ? `${result.generatorVerdict}, machine shared` : result.generatorVerdict,
      ]
    })
  const results = runs.filter((run) => run.scenario === scenario && run.result).map((run) => run.result as LoadResult)
  const threads = results.map((result) => `${result.server} ${fixed(result.serverMainThreadPercent)} %`).join(', ')
  const internals = results
    .filter((result) => result.serverCounters)
    .map((result) => {
      const counters = result.serverCounters!
      return (
        `${result.server} counted: ${fixed(counters.updatesStoredPerSecond)} updates stored/s in ${fixed(counters.batchesPerSecond)} document batches/s, ` +
        `${fixed(counters.msPerBatch, 1)} ms from batch to stored on average (${fixed(counters.batchesOver100Ms)} over 100 ms), ` +
        `${fixed(counters.framesSentPerSecond)} frames sent/s`
      )
    })
  return [`${describeShape(scenario)}`, table(header, rows), `main thread CPU of the server CPU: ${threads}`, ...internals].join('\n\n')
}

function describeKnee(result: KneeResult): string {
  if (result.kneeEditsPerSecond === null) {
    const first = result.steps[0]
    return `< ${first?.editsPerSecond ?? '?'}${result.lowerBound && first ? ` (generator ${first.generatorVerdict})` : ''}`
  }
  return `${result.lowerBound ? '≥ ' : ''}${result.kneeEditsPerSecond}`
}

export function kneeTable(runs: ScenarioRun[]): string {
  const header = ['server', `knee (edits/s at p99 ≤ ${KNEE_P99_LIMIT_MS} ms)`, 'steps: edits/s → p99 ms (generator)', 'why it stopped']
  const rows = runs
    .filter((run) => run.scenario === 'knee')
    .map((run) => {
      const result = run.result as KneeResult | undefined
      if (!result) return problemRow(run, header.length)
      return [
        result.server,
        describeKnee(result),
        result.steps
          .map(
            (step) =>
              `${step.editsPerSecond} → ${ms(step.p99)}${step.repeated ? ' (2nd try)' : ''}${step.generatorVerdict === 'ok' ? '' : ` (${step.generatorVerdict})`}`,
          )
          .join(', '),
        result.stopReason,
      ]
    })
  return `knee: 10 boards × 20 members, rate raised until p99 passes ${KNEE_P99_LIMIT_MS} ms (a failed step is measured once more)\n\n${table(header, rows)}`
}

export function memoryTable(runs: ScenarioRun[]): string {
  const header = [
    'server',
    'heap before MB',
    'heap loaded MB',
    'heap idle MB',
    'retained',
    'docs loaded → idle',
    'idle RSS MB',
    'fill s',
    'waited s',
    'still loads',
  ]
  const rows = runs
    .filter((run) => run.scenario === 'memory')
    .map((run) => {
      const result = run.result as MemoryResult | undefined
      if (!result) return problemRow(run, header.length)
      return [
        result.server,
        fixed(result.baselineHeapMb, 1),
        fixed(result.loadedHeapMb, 1),
        fixed(result.idleHeapMb, 1),
        `${fixed(result.retainedPercent, 1)} %`,
        `${result.documentsLoaded} → ${result.documentsIdle}`,
        fixed(result.idleRssMb),
        fixed(result.fillSeconds, 1),
        fixed(result.waitedSeconds, 1),
        `${result.verified}/${result.verifiedOf}${result.verifyFailures > 0 ? ` (${result.verifyFailures} failed)` : ''}`,
      ]
    })
  const shape = runs.find((run) => run.scenario === 'memory' && run.result)?.result as MemoryResult | undefined
  const title = shape
    ? `idle memory: ${shape.boards} boards × ${shape.recordsPerBoard} records loaded, then everyone leaves (heap after forced GC)`
    : 'idle memory'
  return `${title}\n\n${table(header, rows)}`
}

export function coldTable(runs: ScenarioRun[]): string {
  const header = ['server', 'time to synced ms', 'client apply ms', 'ratio', 'state KB', 'from', 'runs (sync ms)']
  const rows = runs
    .filter((run) => run.scenario === 'cold')
    .map((run) => {
      const result = run.result as ColdResult | undefined
      if (!result) return problemRow(run, header.length)
      return [
        result.server,
        fixed(result.syncMs, 1),
        fixed(result.applyMs, 1),
        ratio(result.ratio),
        fixed(result.stateBytes / 1024),
        result.fromStorage ? 'storage' : 'memory (never unloads)',
        result.runs.map((r) => fixed(r.syncMs, 1)).join(', '),
      ]
    })
  const shape = runs.find((run) => run.scenario === 'cold' && run.result)?.result as ColdResult | undefined
  return `cold load: a stock WebsocketProvider joins a ${shape?.records ?? 10000}-record board the server does not hold in memory (median of ${shape?.runs.length ?? 3} boards)\n\n${table(header, rows)}`
}

/** How far from its goal a ratio must be for a latency verdict to stand on a shared machine. */
const INCONCLUSIVE_MARGIN = 2
const compare = (value: number, goal: number, atMost: boolean): TargetVerdict => ((atMost ? value <= goal : value >= goal) ? 'PASS' : 'FAIL')

/** The product's targets for this relay, each as a ratio against the peers that define it. */
export function targets(runs: ScenarioRun[]): TargetRow[] {
  const rows: TargetRow[] = []
  /**
   * A ratio of one figure of a steady-load scenario. A latency fails when the relay lost
   * deliveries. When a generator limit or other tenants may have moved one side's latency the
   * wrong way for the verdict, a ratio within a factor of two of the goal is INCONCLUSIVE (runs on
   * a shared machine move latencies by about that much); beyond it the verdict stands, with the
   * note. CPU per delivery does not depend on who waited for whom, so those do not void it.
   */
  const loadRatio = (target: string, goal: number, goalText: string, scenario: string, other: string, figure: 'p99' | 'p50' | 'serverCpuMsPer1000') => {
    const ours = find<LoadResult>(runs, scenario, 'relay')
    const theirs = find<LoadResult>(runs, scenario, other)
    if (!ours || !theirs) return rows.push({ target, goal: goalText, ratio: null, verdict: 'NOT RUN', note: `needs ${scenario} on relay and ${other}` })
    const value = ours[figure] / theirs[figure]
    const show = (v: number) => (figure === 'serverCpuMsPer1000' ? `${fixed(v, 2)} ms` : Number.isFinite(v) ? `${ms(v)} ms` : 'lost')
    const notes = [`relay ${show(ours[figure])} vs ${other} ${show(theirs[figure])}`]
    let verdict = compare(value, goal, true)
    if (figure !== 'serverCpuMsPer1000') {
      const limited = [ours, theirs].filter((result) => result.generatorVerdict === 'bound' || result.generatorVerdict === 'starved')
      if (limited.length > 0) notes.push(`generator ${limited.map((result) => `${result.generatorVerdict} on ${result.server}`).join(', ')}`)
      const shared = [ours, theirs].filter((result) => result.otherPercent > BUSY_MACHINE_OTHER_PERCENT)
      if (shared.length > 0) notes.push(`other tenants used ${shared.map((result) => `${fixed(result.otherPercent)} % during ${result.server}`).join(', ')}`)
      if (ours.lost > 0) notes.push(`relay lost ${ours.lost}`)
      const doubtful = verdict === 'PASS' ? limited.includes(theirs) || shared.length > 0 : limited.includes(ours) || shared.length > 0
      const nearGoal = value >= goal / INCONCLUSIVE_MARGIN && value <= goal * INCONCLUSIVE_MARGIN
      if (ours.lost > 0) verdict = 'FAIL'
      else if (doubtful && nearGoal) verdict = 'INCONCLUSIVE'
    }
    rows.push({ target, goal: goalText, ratio: value, verdict, note: notes.join('; ') })
  }
  loadRatio('crowded p99 vs Hocuspocus+SQLite', 1 / 3, '≤ 1/3', 'crowded', 'hocuspocus-sqlite', 'p99')
  loadRatio('crowded p99 vs forwarder', 1.5, '≤ 1.5×', 'crowded', 'forwarder', 'p99')

  const kneeOurs = find<KneeResult>(runs, 'knee', 'relay')
  const kneeTheirs = find<KneeResult>(runs, 'knee', 'hocuspocus-sqlite')
  if (!kneeOurs || !kneeTheirs) {
    rows.push({ target: 'knee vs Hocuspocus+SQLite', goal: '≥ 1.5×', ratio: null, verdict: 'NOT RUN', note: 'needs knee on relay and hocuspocus-sqlite' })
  } else {
    const ours = kneeOurs.kneeEditsPerSecond ?? 0
    const theirs = kneeTheirs.kneeEditsPerSecond ?? 0
    const value = theirs > 0 ? ours / theirs : null
    let verdict: TargetVerdict
    if (value === null) verdict = 'INCONCLUSIVE'
    else if (!kneeOurs.lowerBound && !kneeTheirs.lowerBound) verdict = compare(value, 1.5, false)
    else if (kneeOurs.lowerBound && !kneeTheirs.lowerBound) verdict = value >= 1.5 ? 'PASS' : 'INCONCLUSIVE'
    else if (!kneeOurs.lowerBound && kneeTheirs.lowerBound) verdict = value < 1.5 ? 'FAIL' : 'INCONCLUSIVE'
    else verdict = 'INCONCLUSIVE'
    rows.push({
      target: 'knee vs Hocuspocus+SQLite',
      goal: '≥ 1.5×',
      ratio: value,
      verdict,
      note: `relay ${describeKnee(kneeOurs)} vs hocuspocus-sqlite ${describeKnee(kneeTheirs)} edits/s`,
    })
  }

  loadRatio('CPU per 1,000 deliveries vs forwarder (crowded)', 1.3, '≤ 1.3×', 'crowded', 'forwarder', 'serverCpuMsPer1000')
  loadRatio('calm median vs Hocuspocus+SQLite', 1, '≤ 1×', 'calm', 'hocuspocus-sqlite', 'p50')

  const memory = find<MemoryResult>(runs, 'memory', 'relay')
  rows.push(
    memory
      ? {
          target: 'idle retained heap vs loaded',
          goal: '≤ 5 %',
          ratio: memory.retainedPercent / 100,
          verdict: memory.verifyFailures > 0 ? 'FAIL' : compare(memory.retainedPercent, 5, true),
          note: `${fixed(memory.idleHeapMb - memory.baselineHeapMb, 1)} MB of ${fixed(memory.loadedHeapMb - memory.baselineHeapMb, 1)} MB kept; ${memory.verified}/${memory.verifiedOf} boards checked load afterwards`,
        }
      : { target: 'idle retained heap vs loaded', goal: '≤ 5 %', ratio: null, verdict: 'NOT RUN', note: 'needs memory on relay' },
  )
  const cold = find<ColdResult>(runs, 'cold', 'relay')
  rows.push(
    cold
      ? {
          target: 'cold load vs client apply time',
          goal: '≤ 1.3×',
          ratio: cold.ratio,
          verdict: cold.fromStorage ? compare(cold.ratio, 1.3, true) : 'INCONCLUSIVE',
          note: `${fixed(cold.syncMs, 1)} ms to synced vs ${fixed(cold.applyMs, 1)} ms Y.applyUpdate`,
        }
      : { target: 'cold load vs client apply time', goal: '≤ 1.3×', ratio: null, verdict: 'NOT RUN', note: 'needs cold on relay' },
  )
  return rows
}

export function targetTable(rows: TargetRow[]): string {
  return `targets (this relay against the peers that define them)\n\n${table(
    ['target', 'goal', 'measured', 'verdict', 'figures'],
    rows.map((row) => [
      row.target,
      row.goal,
      row.goal.includes('%') && row.ratio !== null ? `${(row.ratio * 100).toFixed(1)} %` : ratio(row.ratio),
      row.verdict,
      row.note,
    ]),
  )}`
}
