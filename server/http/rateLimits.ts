/**
 * Per-key token buckets for HTTP routes: each key refills at `capacity` per `windowMs` up to
 * `capacity`. Memory is bounded: idle keys are forgotten once full again, and past `maxKeys` the
 * least recently seen keys are dropped (a dropped key starts again with a full bucket, which is
 * what it would have had after a quiet window anyway).
 *
 * @example
 *   const limit = new KeyedRateLimit({ capacity: 300, windowMs: 3_600_000 })
 *   const wait = limit.take(address)   // 0 when allowed, else seconds to wait
 */
export interface KeyedRateLimitOptions {
  /** Requests a key may make in a burst, and refills per window. */
  capacity: number
  windowMs: number
  /** The most keys remembered at once. */
  maxKeys?: number
  now?: () => number
}

export const DEFAULT_MAX_KEYS = 50_000

export class KeyedRateLimit {
  private readonly buckets = new Map<string, { tokens: number; at: number }>()
  private readonly perMs: number
  private readonly capacity: number
  private readonly maxKeys: number
  private readonly now: () => number

  constructor(options: KeyedRateLimitOptions) {
    this.capacity = options.capacity
    this.perMs = options.capacity / options.windowMs
    this.maxKeys = options.maxKeys ?? DEFAULT_MAX_KEYS
    this.now = options.now ?? (() => Date.now())
  }

  /** How many keys are remembered now (for tests of the bound). */
  get size(): number {
    return this.buckets.size
  }

  /** Takes one from `key`'s bucket: 0 when allowed, else the seconds until one is back. */
  take(key: string): number {
    const now = this.now()
    const bucket = this.buckets.get(key) ?? { tokens: this.capacity, at: now }
    bucket.tokens = Math.min(this.capacity, bucket.tokens + (now - bucket.at) * this.perMs)
    bucket.at = now
    // Re-inserted so the map's order is least recently seen first.
    this.buckets.delete(key)
    this.buckets.set(key, bucket)
    if (this.buckets.size > this.maxKeys) this.shrink(now)
    if (bucket.tokens < 1) return (1 - bucket.tokens) / this.perMs / 1000
    bucket.tokens -= 1
    return 0
  }

  private shrink(now: number): void {
    for (const [key, bucket] of this.buckets) {
      if (bucket.tokens + (now - bucket.at) * this.perMs >= this.capacity) this.buckets.delete(key)
    }
    for (const key of this.buckets.keys()) {
      if (this.buckets.size <= this.maxKeys * 0.9) break
      this.buckets.delete(key)
    }
  }
}
