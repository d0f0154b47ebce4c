/**
 * What the side-by-side benchmark reads about processes and the machine from /proc: CPU time of a
 * process (all its threads), its peak resident memory, the whole machine's busy time (so other
 * tenants of a shared machine show), and a description of the machine for the report.
 */
import { cpus } from 'node:os'
import { readFileSync } from 'node:fs'

const CLOCK_TICKS_PER_SECOND = 100

/** utime + stime of a process, in milliseconds. */
export function processCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return ((Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND) * 1000
}

/** utime + stime of a process's main thread (its first thread), in milliseconds. */
export function mainThreadCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/task/${pid}/stat`, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return ((Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND) * 1000
}

/** Peak resident set size of a process so far (VmHWM), in MB. */
export function peakRssMb(pid: number): number {
  const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
  return match ? Number(match[1]) / 1024 : Number.NaN
}

export interface HostTicks {
  busy: number
  iowait: number
  total: number
}

/** Busy, iowait and total jiffies of the whole machine (all cores). */
export function hostTicks(): HostTicks {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number)
  const total = fields.reduce((sum, value) => sum + value, 0)
  return { busy: total - fields[3] - fields[4], iowait: fields[4], total }
}

/** Busy CPU and iowait of the whole machine between two readings, in % of one core (200 % = two cores). */
export function hostPercent(before: HostTicks, after: HostTicks): { busy: number; iowait: number } {
  const total = after.total - before.total
  const scale = total > 0 ? (cpus().length * 100) / total : Number.NaN
  return { busy: (after.busy - before.busy) * scale, iowait: (after.iowait - before.iowait) * scale }
}

export interface MachineDescription {
  cores: number
  model: string
  node: string
  loadAverage: string
  date: string
}

export function describeMachine(): MachineDescription {
  const model = /model name\s*:\s*(.+)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? cpus()[0]?.model ?? 'unknown'
  return {
    cores: cpus().length,
    model,
    node: process.version,
    loadAverage: readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' '),
    date: new Date().toISOString(),
  }
}
