/**
 * The browser's one API client (client/api/apiRequest.ts) against a stubbed fetch: the token goes
 * in the Authorization header and never in the URL, bodies go as JSON, answers are parsed with the
 * route's schema, refusals become typed errors carrying the server's sentence, and "come back
 * later" (429/503 with Retry-After) is waited out when the caller asks for it. And the request
 * schemas the server validates with (shared/api/) say what the contract says.
 */
import { afterEach, describe, expect, test, vi } from 'vitest'
import { z } from 'zod'
import { ApiError, MAX_RETRY_WAIT_MS, apiRequest, parseRetryAfter } from '../../client/api/apiRequest'
import { ClaimAnonymousCardBody, anonymousCardsRoutes } from '../../shared/api/anonymousCards'
import { CreateBoardBody } from '../../shared/api/boards'
import { UpdateMeBody } from '../../shared/api/people'
import { BallotBody, ClosedRound } from '../../shared/api/voting'

interface SentRequest {
  url: string
  method: string
  headers: Record<string, string>
  body: unknown
}

function stubFetch(...answers: Array<{ status: number; body?: unknown; headers?: Record<string, string> }>): SentRequest[] {
  const sent: SentRequest[] = []
  vi.stubGlobal('fetch', async (url: string, init: RequestInit = {}) => {
    sent.push({
      url,
      method: init.method ?? 'GET',
      headers: (init.headers ?? {}) as Record<string, string>,
      body: typeof init.body === 'string' ? JSON.parse(init.body) : init.body,
    })
    const answer = answers[Math.min(sent.length, answers.length) - 1]
    return new Response(answer.body === undefined ? null : JSON.stringify(answer.body), { status: answer.status, headers: answer.headers })
  })
  return sent
}

afterEach(() => {
  vi.unstubAllGlobals()
  vi.useRealTimers()
})

const Answer = z.object({ ok: z.literal(true) })

describe('apiRequest', () => {
  test('sends the token as a bearer header (never in the URL) and the body as JSON, and parses the answer', async () => {
    const sent = stubFetch({ status: 200, body: { ok: true } })
    await expect(apiRequest('/api/boards/b/people/me', Answer, { method: 'PUT', token: 'secret-token', json: { name: 'Ada' } })).resolves.toEqual({
      ok: true,
    })
    expect(sent).toEqual([
      {
        url: '/api/boards/b/people/me',
        method: 'PUT',
        headers: { Authorization: 'Bearer secret-token', 'Content-Type': 'application/json' },
        body: { name: 'Ada' },
      },
    ])
    expect(sent[0].url).not.toContain('secret-token')
  })

  test('a refusal is a typed error with the server’s own sentence', async () => {
    stubFetch({ status: 409, body: { error: 'This vote is closed.' } })
    const failure = await apiRequest('/x', Answer).catch((error: unknown) => error)
    expect(failure).toBeInstanceOf(ApiError)
    expect(failure).toMatchObject({ kind: 'conflict', status: 409, message: 'This vote is closed.' })
  })

  test('an answer that does not fit the schema, and a server that cannot be reached, are errors of their own kind', async () => {
    stubFetch({ status: 200, body: { ok: 'yes' } })
    await expect(apiRequest('/x', Answer)).rejects.toMatchObject({ kind: 'unexpectedAnswer' })
    vi.stubGlobal('fetch', async () => {
      throw new TypeError('Failed to fetch')
    })
    await expect(apiRequest('/x', Answer)).rejects.toMatchObject({ kind: 'network', status: null })
  })

  test('429 with Retry-After is waited out and tried again, saying how long it waits', async () => {
    vi.useFakeTimers()
    const sent = stubFetch({ status: 429, body: { error: 'Many people are joining.' }, headers: { 'Retry-After': '2' } }, { status: 201, body: { ok: true } })
    const waits: number[] = []
    const answer = apiRequest('/api/boards/b/people', Answer, { method: 'POST', retry: { attempts: 3, onWait: (ms) => waits.push(ms) } })
    await vi.advanceTimersByTimeAsync(1_999)
    expect(sent).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(1)
    await expect(answer).resolves.toEqual({ ok: true })
    expect(sent).toHaveLength(2)
    expect(waits).toEqual([2_000])
  })

  test('without a retry policy, or once the attempts are used up, a 429 is thrown with how long to wait', async () => {
    stubFetch({ status: 429, body: { error: 'Slow down.' }, headers: { 'Retry-After': '5' } })
    await expect(apiRequest('/x', Answer)).rejects.toMatchObject({ kind: 'rateLimited', retryAfterMs: 5_000 })
    vi.useFakeTimers()
    const sent = stubFetch({ status: 429, headers: { 'Retry-After': '1' } })
    const answer = apiRequest('/x', Answer, { retry: { attempts: 2 } }).catch((error: unknown) => error)
    await vi.advanceTimersByTimeAsync(1_000)
    expect(await answer).toMatchObject({ kind: 'rateLimited' })
    expect(sent).toHaveLength(2)
  })

  test('Retry-After in seconds or as a date, never negative, never longer than the cap', () => {
    const now = Date.parse('2026-01-01T00:00:00Z')
    expect(parseRetryAfter('3', now)).toBe(3_000)
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:10 GMT', now)).toBe(10_000)
    expect(parseRetryAfter('Wed, 31 Dec 2025 23:59:00 GMT', now)).toBe(0)
    expect(parseRetryAfter('86400', now)).toBe(MAX_RETRY_WAIT_MS)
    expect(parseRetryAfter(null, now)).toBeNull()
    expect(parseRetryAfter('soon', now)).toBeNull()
  })
})

describe('request schemas, as the contract says', () => {
  test('renaming: a name of 1–80 characters, a #rrggbb colour, a practice of up to 200', () => {
    expect(UpdateMeBody.parse({ name: '  Ada  ', color: '#FF802B', practice: '' })).toEqual({ name: 'Ada', color: '#FF802B', practice: '' })
    expect(UpdateMeBody.safeParse({ name: ' ', color: '#FF802B', practice: '' }).success).toBe(false)
    expect(UpdateMeBody.safeParse({ name: 'a'.repeat(81), color: '#FF802B', practice: '' }).success).toBe(false)
    expect(UpdateMeBody.safeParse({ name: 'Ada', color: 'red', practice: '' }).success).toBe(false)
    expect(UpdateMeBody.safeParse({ name: 'Ada', color: '#ff802b', practice: 'p'.repeat(201) }).success).toBe(false)
  })

  test('a ballot carries dots only and a claim only its key: the personal token says who', () => {
    expect(BallotBody.parse({ dots: { 'card:1': 2 }, voter: { id: 'x', name: 'Eve', color: '#000000' } })).toEqual({ dots: { 'card:1': 2 } })
    expect(ClaimAnonymousCardBody.parse({ claimKey: 'k'.repeat(32), author: { id: 'x' } })).toEqual({ claimKey: 'k'.repeat(32) })
    expect(BallotBody.safeParse({ dots: { 'card:1': -1 } }).success).toBe(false)
  })

  test('existing routes keep their shapes: a board needs a title and a problem; a closed round answers results and a voter count', () => {
    expect(CreateBoardBody.parse({ title: ' Handovers\u0007 ', problem: 'Information is lost' })).toEqual({
      title: 'Handovers',
      problem: 'Information is lost',
    })
    expect(CreateBoardBody.safeParse({ title: '', problem: 'x' }).success).toBe(false)
    expect(ClosedRound.parse({ results: [{ cardId: 'card:1', dots: 3 }], voterCount: 2 })).toEqual({ results: [{ cardId: 'card:1', dots: 3 }], voterCount: 2 })
  })

  test('a card id goes into the path as the server matches it, and nothing else does', () => {
    const cardId = 'card:0123456789abcdef01234567'
    expect(anonymousCardsRoutes.claim('AbCdEfGhIjKlMnOpQrStUv', cardId)).toBe(`/api/boards/AbCdEfGhIjKlMnOpQrStUv/anonymous-cards/${cardId}/claim`)
    expect(() => anonymousCardsRoutes.text('AbCdEfGhIjKlMnOpQrStUv', '../rounds')).toThrow()
  })
})
