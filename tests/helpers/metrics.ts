/**
 * Reading the server's Prometheus metrics (GET /metrics) in tests.
 */
/** One scrape of GET /metrics: sample name with its labels (as printed) -> value. */
export type MetricsSample = Map<string, number>

export async function readMetrics(baseUrl: string): Promise<MetricsSample> {
  const response = await fetch(`${baseUrl}/metrics`)
  if (!response.ok) throw new Error(`/metrics answered ${response.status}`)
  const samples: MetricsSample = new Map()
  for (const line of (await response.text()).split('\n')) {
    if (line.length === 0 || line.startsWith('#')) continue
    const space = line.lastIndexOf(' ')
    samples.set(line.slice(0, space), Number(line.slice(space + 1)))
  }
  return samples
}

/** A sample's value, 0 when the server has not printed it (e.g. a counter never incremented). */
export function metric(samples: MetricsSample, name: string): number {
  return samples.get(name) ?? 0
}

/** Polls /metrics until the sample satisfies `expected`; rejects with the last value seen. */
export async function waitForMetric(baseUrl: string, name: string, expected: (value: number) => boolean, timeoutMs = 10_000): Promise<number> {
  const started = Date.now()
  let value = Number.NaN
  for (;;) {
    value = metric(await readMetrics(baseUrl), name)
    if (expected(value)) return value
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${name}; last value ${value}`)
    await new Promise((resolvePromise) => setTimeout(resolvePromise, 50))
  }
}
