/**
 * The server clock estimate: NTP-style offsets from round trips, the shortest round trip winning,
 * and periodic re-estimation.
 */
import { afterEach, describe, expect, test, vi } from 'vitest'
import { bestSample, sampleFromRoundTrip, startServerClock } from '../../client/facilitation/serverClock'
import { formatCountdown } from '../../client/facilitation/timerSignal'

afterEach(() => {
  vi.useRealTimers()
})

describe('server clock', () => {
  test('a round trip gives offset = server time − the midpoint of the trip', () => {
    expect(sampleFromRoundTrip(1_000, 8_100, 1_200)).toEqual({ offsetMs: 7_000, roundTripMs: 200 })
  })

  test('the sample with the shortest round trip wins', () => {
    const samples = [
      { offsetMs: 500, roundTripMs: 900 },
      { offsetMs: -7_002, roundTripMs: 4 },
      { offsetMs: -6_900, roundTripMs: 60 },
    ]
    expect(bestSample(samples)).toEqual({ offsetMs: -7_002, roundTripMs: 4 })
    expect(bestSample([])).toBeNull()
  })

  test('a client whose clock is 7 s fast reads the server time within half the best round trip, and again after its clock moves', async () => {
    vi.useFakeTimers()
    let real = 1_000_000
    const delays = [300, 20, 150, 400, 80]
    let call = 0
    let skew = 7_000
    const localNow = () => real + skew
    const clock = startServerClock({
      localNow,
      samplesPerEstimate: 5,
      fetchServerNow: async () => {
        // The request reaches the server after a quarter of the delay, the answer takes the rest.
        const delay = delays[call++ % delays.length]
        real += delay / 4
        const serverNow = real
        real += (delay * 3) / 4
        return serverNow
      },
    })
    await vi.advanceTimersByTimeAsync(0)
    expect(clock.estimate()?.roundTripMs).toBe(20)
    expect(Math.abs(clock.now() - real)).toBeLessThanOrEqual(10)
    // Re-estimated a minute later: the local clock was corrected meanwhile, and the estimate follows.
    skew = -2_000
    await vi.advanceTimersByTimeAsync(60_000)
    expect(call).toBe(10)
    expect(Math.abs(clock.now() - real)).toBeLessThanOrEqual(10)
    clock.dispose()
  })

  test('failed round trips give no estimate; the local clock is used until one succeeds', async () => {
    vi.useFakeTimers()
    let fail = true
    const clock = startServerClock({
      localNow: () => 5_000,
      fetchServerNow: async () => {
        if (fail) throw new Error('offline')
        return 6_000
      },
    })
    await vi.advanceTimersByTimeAsync(0)
    expect(clock.estimate()).toBeNull()
    expect(clock.now()).toBe(5_000)
    fail = false
    await vi.advanceTimersByTimeAsync(5_000)
    expect(clock.now()).toBe(6_000)
    clock.dispose()
  })
})

describe('countdown text', () => {
  test('rounds up to whole seconds', () => {
    expect(formatCountdown(300_000)).toBe('5:00')
    expect(formatCountdown(59_001)).toBe('1:00')
    expect(formatCountdown(59_000)).toBe('0:59')
    expect(formatCountdown(1)).toBe('0:01')
    expect(formatCountdown(0)).toBe('0:00')
    expect(formatCountdown(-50)).toBe('0:00')
  })
})
