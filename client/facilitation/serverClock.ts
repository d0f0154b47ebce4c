/**
 * The server's clock, as this browser estimates it. The shared timer's end is a time on the
 * server's clock, so every screen counts down alike whatever its own clock says. The offset is
 * estimated NTP-style: a few round trips to GET /api/time, each giving
 * offset = serverNow − (sentAt + receivedAt) / 2, and the sample with the shortest round trip
 * wins (its error is at most half its round trip). It is re-estimated periodically, since local
 * clocks drift and get corrected.
 *
 * @example
 * ```ts
 * const clock = startServerClock({ fetchServerNow: fetchServerTime }) // client/api/boardsApi.ts
 * const remaining = timerRemaining(readTimer(controlDoc), clock.now())
 * clock.dispose()
 * ```
 */

export interface ClockSample {
  /** Server time minus local time, in ms. */
  readonly offsetMs: number
  /** How long the round trip took, in ms: the sample's error is at most half of it. */
  readonly roundTripMs: number
}

export function sampleFromRoundTrip(sentAt: number, serverNow: number, receivedAt: number): ClockSample {
  return { offsetMs: serverNow - (sentAt + receivedAt) / 2, roundTripMs: Math.max(0, receivedAt - sentAt) }
}

/** The sample with the shortest round trip, or null without samples. */
export function bestSample(samples: readonly ClockSample[]): ClockSample | null {
  let best: ClockSample | null = null
  for (const sample of samples) if (!best || sample.roundTripMs < best.roundTripMs) best = sample
  return best
}

export interface ServerClockOptions {
  fetchServerNow: (signal: AbortSignal) => Promise<number>
  /** The local clock. @default Date.now */
  localNow?: () => number
  /** Round trips per estimate. @default 5 */
  samplesPerEstimate?: number
  /** How often the offset is estimated again. @default 60_000 */
  reestimateEveryMs?: number
  /** Called with each new estimate. */
  onEstimate?: (sample: ClockSample) => void
}

export interface ServerClock {
  /** The server's time now, as best known (the local clock until the first estimate). */
  now(): number
  /** The current estimate, or null before the first one. */
  estimate(): ClockSample | null
  dispose(): void
}

export function startServerClock(options: ServerClockOptions): ServerClock {
  const localNow = options.localNow ?? (() => Date.now())
  const samplesPerEstimate = options.samplesPerEstimate ?? 5
  const abort = new AbortController()
  let current: ClockSample | null = null
  let timer: ReturnType<typeof setTimeout> | undefined

  const estimateOnce = async () => {
    const samples: ClockSample[] = []
    for (let i = 0; i < samplesPerEstimate && !abort.signal.aborted; i++) {
      const sentAt = localNow()
      try {
        const serverNow = await options.fetchServerNow(abort.signal)
        samples.push(sampleFromRoundTrip(sentAt, serverNow, localNow()))
      } catch {
        // A failed round trip gives no sample; the others (or the next estimate) do.
      }
    }
    const best = bestSample(samples)
    if (best && !abort.signal.aborted) {
      current = best
      options.onEstimate?.(best)
    }
  }

  const loop = async () => {
    await estimateOnce()
    if (abort.signal.aborted) return
    // Without any estimate yet (offline), try again soon rather than in a minute.
    timer = setTimeout(loop, current ? (options.reestimateEveryMs ?? 60_000) : 5_000)
  }
  void loop()

  return {
    now: () => localNow() + (current?.offsetMs ?? 0),
    estimate: () => current,
    dispose: () => {
      abort.abort()
      clearTimeout(timer)
    },
  }
}
