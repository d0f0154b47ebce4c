/**
 * The functions a V8 CPU profile (`node --cpu-prof`, e.g. from `BENCH_PROFILE=relay npm run bench`)
 * spent the most self time in, with their share of all samples, grouped by function and place.
 *
 * Run: `npx tsx tests/bench/cpu-profile-top.ts <file.cpuprofile> [count=25]`
 */
import { readFileSync } from 'node:fs'

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
}

interface CpuProfile {
  nodes: ProfileNode[]
  samples: number[]
  timeDeltas: number[]
}

const [file, countArg] = process.argv.slice(2)
if (!file) throw new Error('usage: cpu-profile-top.ts <file.cpuprofile> [count]')
const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile
const nodes = new Map(profile.nodes.map((node) => [node.id, node]))
const selfMicros = new Map<string, number>()
let total = 0
profile.samples.forEach((id, i) => {
  const frame = nodes.get(id)!.callFrame
  const place = frame.url
    ? `${frame.url.replace(/^file:\/\/.*?\/node_modules\//, '').replace(/^file:\/\/.*?\/(server|shared|tests)\//, '$1/')}:${frame.lineNumber + 1}`
    : ''
  const key = `${frame.functionName || '(anonymous)'} ${place}`.trim()
  const micros = profile.timeDeltas[i] ?? 0
  selfMicros.set(key, (selfMicros.get(key) ?? 0) + micros)
  total += micros
})
const idle = selfMicros.get('(idle)') ?? 0
console.log(`${file}: ${(total / 1e6).toFixed(1)} s sampled, ${((total - idle) / 1e6).toFixed(1)} s busy`)
console.log('self ms   % busy  function')
for (const [key, micros] of [...selfMicros]
  .filter(([key]) => key !== '(idle)')
  .sort((a, b) => b[1] - a[1])
  .slice(0, Number(countArg ?? 25))) {
  console.log(`${(micros / 1000).toFixed(0).padStart(7)}  ${((micros / (total - idle)) * 100).toFixed(1).padStart(6)}  ${key}`)
}
