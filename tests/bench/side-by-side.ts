/**
 * `npm run bench`: the same load against this relay and three other Yjs servers, side by side, in
 * one run: this relay as shipped (SQLite, limits raised), the reference `@y/websocket-server`,
 * Hocuspocus with its SQLite extension, and a plain `ws` forwarder that does no Yjs work (the
 * floor). Each server runs as its own process (tests/bench/peers/), freshly started for each
 * scenario; the load comes from separate generator processes (./side-by-side/generator.ts) of raw
 * y-websocket members. Prints tables (markdown) and the product targets with PASS/FAIL, and writes
 * every figure to a JSON file. How to read it: BENCHMARKS.md.
 *
 * Settings (environment):
 *   BENCH_SCENARIOS   calm,crowded,knee,memory,cold,room150   (also: smoke)
 *   BENCH_SERVERS     relay,y-websocket-server,hocuspocus-sqlite,forwarder
 *   BENCH_SECONDS     measurement window of each steady-load scenario (10)
 *   BENCH_WARMUP_SECONDS (3)   BENCH_DRAIN_SECONDS longest wait for a window's last deliveries (10)
 *   BENCH_GENERATORS  load-generator processes (2)
 *   BENCH_KNEE_RATES  edits/s per member for the knee steps (2,5,10,20,30,40,60,80,100)
 *   BENCH_KNEE_SECONDS window per knee step (5)
 *   BENCH_IDLE_BOARDS / BENCH_IDLE_RECORDS (500 / 1000), BENCH_IDLE_VERIFY boards loaded again to check (50)
 *   BENCH_COLD_RECORDS (10000)
 *   BENCH_OUT         JSON file (bench-results/latest.json; a .md with the tables and a server log beside it)
 *   BENCH_PROFILE     servers to run under node --cpu-prof (profiles in bench-results/profiles; read them
 *                     with `npx tsx tests/bench/cpu-profile-top.ts <file>`)
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { describeMachine } from './side-by-side/machine'
import { PEER_NAMES, PEERS, type PeerName } from './side-by-side/peers'
import { coldTable, kneeTable, loadTable, memoryTable, targets, targetTable, type ScenarioRun } from './side-by-side/report'
import { LOAD_SHAPES, runCold, runKnee, runLoad, runMemory, type BenchSettings, type ScenarioResult } from './side-by-side/scenarios'

const ROOT = resolve(import.meta.dirname, '..', '..')
const SCENARIOS = ['calm', 'crowded', 'knee', 'memory', 'cold', 'room150', 'smoke'] as const
type ScenarioName = (typeof SCENARIOS)[number]
const DEFAULT_SCENARIOS: ScenarioName[] = ['calm', 'crowded', 'knee', 'memory', 'cold', 'room150']
/** The whole run is stopped after this long, whatever it is doing. */
const HARD_LIMIT_MS = 40 * 60_000

const list = (value: string | undefined) =>
  value
    ? value
        .split(',')
        .map((part) => part.trim())
        .filter(Boolean)
    : undefined
const numberSetting = (name: string, fallback: number) => {
  const value = Number(process.env[name] ?? fallback)
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number`)
  return value
}

function choose<T extends string>(name: string, value: string[] | undefined, allowed: readonly T[], fallback: T[]): T[] {
  if (!value) return fallback
  const unknown = value.filter((part) => !allowed.includes(part as T))
  if (unknown.length > 0) throw new Error(`${name}: unknown ${unknown.join(', ')} (choose from ${allowed.join(', ')})`)
  return value as T[]
}

const scenarios = choose('BENCH_SCENARIOS', list(process.env.BENCH_SCENARIOS), SCENARIOS, DEFAULT_SCENARIOS)
const servers = choose<PeerName>('BENCH_SERVERS', list(process.env.BENCH_SERVERS), PEER_NAMES, PEER_NAMES)
const outPath = resolve(ROOT, process.env.BENCH_OUT ?? 'bench-results/latest.json')
mkdirSync(dirname(outPath), { recursive: true })
const settings: BenchSettings = {
  seconds: numberSetting('BENCH_SECONDS', 10),
  warmupSeconds: numberSetting('BENCH_WARMUP_SECONDS', 3),
  drainSeconds: numberSetting('BENCH_DRAIN_SECONDS', 10),
  generators: numberSetting('BENCH_GENERATORS', 2),
  kneeRates: (list(process.env.BENCH_KNEE_RATES) ?? ['2', '5', '10', '20', '30', '40', '60', '80', '100']).map(Number),
  kneeSeconds: numberSetting('BENCH_KNEE_SECONDS', 5),
  idleBoards: numberSetting('BENCH_IDLE_BOARDS', 500),
  idleRecords: numberSetting('BENCH_IDLE_RECORDS', 1000),
  idleVerify: numberSetting('BENCH_IDLE_VERIFY', 50),
  coldRecords: numberSetting('BENCH_COLD_RECORDS', 10_000),
  coldBoards: 3,
  logPath: `${outPath.replace(/\.json$/, '')}.servers.log`,
  profile: choose<PeerName>('BENCH_PROFILE', list(process.env.BENCH_PROFILE), PEER_NAMES, []),
  profileDir: resolve(dirname(outPath), 'profiles'),
}
writeFileSync(settings.logPath, '')

const log = (line: string) => console.log(line)

async function runOne(scenario: ScenarioName, server: PeerName): Promise<ScenarioRun> {
  const definition = PEERS[server]
  const needsDocuments = scenario === 'memory' || scenario === 'cold'
  if (needsDocuments && !definition.keepsDocuments) return { scenario, server, skipped: 'keeps no documents' }
  const started = performance.now()
  try {
    let result: ScenarioResult
    if (scenario === 'knee') result = await runKnee(definition, settings, log)
    else if (scenario === 'memory') result = await runMemory(definition, settings)
    else if (scenario === 'cold') result = await runCold(definition, settings)
    else result = await runLoad(definition, scenario, LOAD_SHAPES[scenario], settings)
    log(`  ${scenario} on ${server}: done in ${((performance.now() - started) / 1000).toFixed(0)} s`)
    return { scenario, server, result }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    log(`  ${scenario} on ${server}: failed after ${((performance.now() - started) / 1000).toFixed(0)} s: ${message}`)
    return { scenario, server, error: message }
  }
}

function tablesFor(runs: ScenarioRun[]): string[] {
  const tables: string[] = []
  for (const scenario of scenarios) {
    if (scenario === 'knee') tables.push(kneeTable(runs))
    else if (scenario === 'memory') tables.push(memoryTable(runs))
    else if (scenario === 'cold') tables.push(coldTable(runs))
    else tables.push(loadTable(runs, scenario))
  }
  return tables
}

async function main(): Promise<void> {
  const started = Date.now()
  const machine = describeMachine()
  const peers = servers.map((server) => `${server}: ${PEERS[server].describe()}`)
  const command = `BENCH_SCENARIOS=${scenarios.join(',')} BENCH_SERVERS=${servers.join(',')} BENCH_SECONDS=${settings.seconds} npm run bench`
  log(`side-by-side benchmark, ${machine.date}: ${machine.cores} cores (${machine.model}), Node ${machine.node}, load average ${machine.loadAverage}`)
  for (const peer of peers) log(`  ${peer}`)
  log(
    `  ${settings.generators} generator process(es); window ${settings.seconds} s after ${settings.warmupSeconds} s warm-up; server output in ${settings.logPath}\n`,
  )

  const runs: ScenarioRun[] = []
  for (const scenario of scenarios) {
    for (const server of servers) runs.push(await runOne(scenario, server))
  }
  const targetRows = targets(runs)
  const text = [...tablesFor(runs), targetTable(targetRows)].join('\n\n')
  log(`\n${text}\n\ntotal ${((Date.now() - started) / 1000).toFixed(0)} s`)
  const report = { machine, command, peers, settings, scenarios, servers, runs, targets: targetRows, seconds: (Date.now() - started) / 1000 }
  writeFileSync(
    outPath,
    JSON.stringify(report, (_key, value) => (typeof value === 'number' && !Number.isFinite(value) ? String(value) : value), 2),
  )
  writeFileSync(`${outPath.replace(/\.json$/, '')}.md`, `${text}\n`)
  log(`results: ${outPath}`)
}

const watchdog = setTimeout(() => {
  console.error(`side-by-side: hard time limit (${HARD_LIMIT_MS / 60_000} min) reached; exiting`)
  process.exit(2)
}, HARD_LIMIT_MS)
watchdog.unref()

await main()
