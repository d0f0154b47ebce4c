/**
 * A token bucket: `ratePerSecond` tokens refill continuously up to `burst`. Used to rate-limit
 * what one connection may send (messages and bytes).
 */
export class TokenBucket {
  private tokens: number
  private updatedAt: number

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.tokens = burst
    this.updatedAt = now()
  }

  /** Takes `cost` tokens; false when the bucket does not hold that many. */
  take(cost = 1): boolean {
    const now = this.now()
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.updatedAt) / 1000) * this.ratePerSecond)
    this.updatedAt = now
    if (this.tokens < cost) return false
    this.tokens -= cost
    return true
  }
}
