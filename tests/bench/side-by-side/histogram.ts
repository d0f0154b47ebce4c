/**
 * A latency histogram with 2 % wide logarithmic buckets from 10 µs to minutes, mergeable across
 * load-generator processes (they send their buckets, not their millions of samples). Percentiles
 * are read as the upper edge of the bucket they fall in (at most 2 % high); the maximum is exact.
 * Deliveries that never arrived count as infinitely late, so a percentile that reaches into them
 * is Infinity rather than a flattering number.
 */
const SMALLEST_MS = 0.01
const GROWTH = 1.02
const BUCKETS = 1200
const LOG_GROWTH = Math.log(GROWTH)

export interface HistogramData {
  /** [bucket index, count] for the buckets that are not empty. */
  buckets: Array<[number, number]>
  count: number
  sum: number
  max: number
}

export class LatencyHistogram {
  private readonly counts = new Uint32Array(BUCKETS)
  count = 0
  sum = 0
  max = 0

  add(ms: number): void {
    const index = ms <= SMALLEST_MS ? 0 : Math.min(BUCKETS - 1, Math.ceil(Math.log(ms / SMALLEST_MS) / LOG_GROWTH))
    this.counts[index]++
    this.count++
    this.sum += ms
    if (ms > this.max) this.max = ms
  }

  toData(): HistogramData {
    const buckets: Array<[number, number]> = []
    this.counts.forEach((count, index) => {
      if (count > 0) buckets.push([index, count])
    })
    return { buckets, count: this.count, sum: this.sum, max: this.max }
  }

  static merge(parts: HistogramData[]): LatencyHistogram {
    const merged = new LatencyHistogram()
    for (const part of parts) {
      for (const [index, count] of part.buckets) merged.counts[index] += count
      merged.count += part.count
      merged.sum += part.sum
      merged.max = Math.max(merged.max, part.max)
    }
    return merged
  }

  /**
   * The p-th percentile (0..100) over `expected` deliveries, of which `count` arrived; the rest
   * are counted as never arriving.
   */
  percentile(p: number, expected = this.count): number {
    if (expected === 0) return Number.NaN
    const rank = Math.max(1, Math.ceil((p / 100) * expected))
    if (rank > this.count) return Number.POSITIVE_INFINITY
    let seen = 0
    for (let index = 0; index < BUCKETS; index++) {
      seen += this.counts[index]
      if (seen >= rank) return Math.min(this.max, SMALLEST_MS * GROWTH ** index)
    }
    return this.max
  }
}
