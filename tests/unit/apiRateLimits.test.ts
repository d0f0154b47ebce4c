/**
 * The API's rate-limit policy without a server: which budget a route spends, how addresses are
 * counted (IPv6 per /64), refill and Retry-After, and the limiter's memory staying bounded
 * however many addresses call.
 */
import { describe, expect, test } from 'vitest'
import type { IncomingMessage } from 'node:http'
import { ApiRateLimits, rateKeyOf, specialBudgetOf } from '../../server/http/apiRateLimits'
import { KeyedRateLimit } from '../../server/http/rateLimits'

describe('which budget a request spends', () => {
  test.each([
    ['POST', '/api/boards', 'create-board'],
    ['POST', '/api/boards/import', 'create-board'],
    ['POST', '/api/boards/AAAAAAAAAAAAAAAAAAAAAA/assets', 'upload'],
    ['POST', '/api/boards/AAAAAAAAAAAAAAAAAAAAAA/people', 'join'],
    ['GET', '/api/boards/AAAAAAAAAAAAAAAAAAAAAA/assets/abc', null],
    ['POST', '/api/boards/AAAAAAAAAAAAAAAAAAAAAA/assets/prune', null],
    ['GET', '/api/boards', null],
  ])('%s %s -> %s', (method, path, budget) => {
    expect(specialBudgetOf(method, path)).toBe(budget)
  })
})

describe('rate keys', () => {
  test('IPv4 counts per address, IPv6 per /64 however it is spelt', () => {
    expect(rateKeyOf('203.0.113.7')).toBe('203.0.113.7')
    expect(rateKeyOf('2001:db8:1:2::1')).toBe('2001:db8:1:2::/64')
    expect(rateKeyOf('2001:0db8:0001:0002:ffff:ffff:ffff:ffff')).toBe('2001:db8:1:2::/64')
    expect(rateKeyOf('2001:db8::1')).toBe('2001:db8:0:0::/64')
    expect(rateKeyOf('::1')).toBe('0:0:0:0::/64')
    expect(rateKeyOf('2001:db8:1:3::1')).not.toBe(rateKeyOf('2001:db8:1:2::1'))
  })
})

describe('KeyedRateLimit', () => {
  test('refills over its window and says how long to wait', () => {
    let now = 0
    const limit = new KeyedRateLimit({ capacity: 2, windowMs: 60_000, now: () => now })
    expect(limit.take('a')).toBe(0)
    expect(limit.take('a')).toBe(0)
    expect(limit.take('a')).toBeCloseTo(30, 5)
    now += 30_000
    expect(limit.take('a')).toBe(0)
    expect(limit.take('b')).toBe(0)
  })

  test('remembers at most maxKeys addresses, however many call', () => {
    const limit = new KeyedRateLimit({ capacity: 5, windowMs: 60_000, maxKeys: 1000, now: () => 0 })
    for (let i = 0; i < 20_000; i++) limit.take(`10.0.${i >> 8}.${i & 255}`)
    expect(limit.size).toBeLessThanOrEqual(1000)
    expect(limit.size).toBeGreaterThan(0)
  })
})

describe('ApiRateLimits', () => {
  const request = (method: string, address: string) => ({ method, socket: { remoteAddress: address } }) as unknown as IncomingMessage
  test('a special budget is spent on top of the general one, and each budget says which ran out', () => {
    const limits = new ApiRateLimits(
      { requestsPerMinute: 3, boardsPerHour: 1, uploadsPerHour: 5, peoplePerHour: 5 },
      (req) => req.socket.remoteAddress!,
      () => 0,
    )
    expect(limits.admit(request('POST', '1.1.1.1'), '/api/boards').allowed).toBe(true)
    const second = limits.admit(request('POST', '1.1.1.1'), '/api/boards')
    expect(second).toMatchObject({ allowed: false, budget: 'create-board', worthLogging: true })
    expect(limits.admit(request('POST', '1.1.1.1'), '/api/boards')).toMatchObject({ allowed: false, budget: 'create-board', worthLogging: false })
    expect(limits.admit(request('GET', '1.1.1.1'), '/api/time')).toMatchObject({ allowed: false, budget: 'api', worthLogging: true })
    expect(limits.admit(request('GET', '2.2.2.2'), '/api/time').allowed).toBe(true)
  })
})
