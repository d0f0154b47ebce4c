/**
 * The side-by-side benchmark (`npm run bench`, tests/bench/side-by-side.ts) in miniature, so it
 * cannot rot: its tiny `smoke` scenario (2 boards × 3 members × 5 edits/s for 2 s) against this
 * relay and the forwarder, each its own process, with the load from a separate generator process.
 * Every edit must reach every other member of its board, and each server's row must carry every
 * figure the full run reports.
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { LoadResult } from '../bench/side-by-side/scenarios'
import type { ScenarioRun } from '../bench/side-by-side/report'

const ROOT = resolve(import.meta.dirname, '..', '..')
const outDir = mkdtempSync(join(tmpdir(), 'think-together-bench-smoke-'))
afterAll(() => rmSync(outDir, { recursive: true, force: true }))

function runBench(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolvePromise) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'tests', 'bench', 'side-by-side.ts')], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    child.once('exit', (code) => resolvePromise({ code, stdout, stderr }))
  })
}

describe('side-by-side benchmark, smoke run', () => {
  it('delivers every edit to every other member on the relay and the forwarder, and reports every figure', async () => {
    const out = join(outDir, 'smoke.json')
    const { code, stdout, stderr } = await runBench({
      BENCH_SCENARIOS: 'smoke',
      BENCH_SERVERS: 'relay,forwarder',
      BENCH_SECONDS: '2',
      BENCH_WARMUP_SECONDS: '1',
      BENCH_GENERATORS: '1',
      BENCH_OUT: out,
    })
    expect(code, `${stdout}\n${stderr}`).toBe(0)
    const report = JSON.parse(readFileSync(out, 'utf8')) as { runs: ScenarioRun[] }
    for (const server of ['relay', 'forwarder']) {
      const run = report.runs.find((candidate) => candidate.server === server && candidate.scenario === 'smoke')
      expect(run?.error, `${server}: ${run?.error}`).toBeUndefined()
      const result = run!.result as LoadResult
      // 2 boards × 3 members × 5 edits/s for 2 s, each edit to 2 others: about 120 deliveries.
      expect(result.expected).toBeGreaterThan(60)
      expect(result.lost).toBe(0)
      expect(result.received).toBe(result.expected)
      const figures = [
        result.deliveriesPerSecond,
        result.p50,
        result.p95,
        result.p99,
        result.max,
        result.serverCpuPercent,
        result.serverCpuMsPer1000,
        result.peakRssMb,
        result.hostBusyPercent,
        ...result.generatorCpuPercent,
        ...result.generatorLagP99Ms,
        ...result.generatorLagMaxMs,
      ]
      for (const figure of figures) expect(typeof figure === 'number' && Number.isFinite(figure), `${server}: ${JSON.stringify(result)}`).toBe(true)
      expect(['ok', 'strained', 'bound']).toContain(result.generatorVerdict)
      // server | edits/s sent | deliveries/s | lost | …
      expect(stdout).toMatch(new RegExp(`^\\| ${server} +\\| \\d+ +\\| \\d+ +\\| 0 +\\|`, 'm'))
    }
  }, 60_000)
})
