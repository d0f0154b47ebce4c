/**
 * The one way this browser calls the server's HTTP API. Every answer is JSON and is parsed here,
 * once, with the route's schema from shared/api/; callers get typed values or an `ApiError` whose
 * `kind` the UI branches on and whose `message` is for people (the server's own sentence when it
 * gave one). A token goes in the Authorization header, never in the URL. When the server says
 * "not now" (429 or 503 with Retry-After), a request given `retry` waits as long as it asked and
 * tries again, telling the caller how long it waits so the page can say so calmly.
 *
 * @example
 *   const person = await apiRequest(peopleRoutes.me(boardId), UpdatedMe, {
 *     method: 'PUT', token: personToken, json: { name, color, practice },
 *   })
 */
import type { z } from 'zod'
import { ErrorBody } from '../../shared/api/common'

export type ApiErrorKind =
  | 'invalidInput'
  | 'unauthorized'
  | 'forbidden'
  | 'notFound'
  | 'conflict'
  | 'locked'
  | 'tooLarge'
  | 'unsupportedType'
  | 'rateLimited'
  | 'unavailable'
  | 'server'
  | 'unexpectedAnswer'
  | 'network'

/** A failed API call. `status` is null when no answer arrived. */
export class ApiError extends Error {
  constructor(
    readonly kind: ApiErrorKind,
    message: string,
    readonly status: number | null = null,
    /** How long the server asked us to wait before trying again (429, 503), if it said. */
    readonly retryAfterMs: number | null = null,
  ) {
    super(message)
    this.name = 'ApiError'
  }
}

export function kindForStatus(status: number): ApiErrorKind {
  switch (status) {
    case 400:
      return 'invalidInput'
    case 401:
      return 'unauthorized'
    case 403:
      return 'forbidden'
    case 404:
      return 'notFound'
    case 409:
      return 'conflict'
    case 413:
      return 'tooLarge'
    case 423:
      return 'locked'
    case 415:
      return 'unsupportedType'
    case 429:
      return 'rateLimited'
    case 503:
      return 'unavailable'
    default:
      return 'server'
  }
}

/** Longest wait a Retry-After may impose on one attempt; a server asking for more is capped. */
export const MAX_RETRY_WAIT_MS = 60_000

/**
 * Reads a Retry-After header: delay-seconds or an HTTP date. Null when absent or unreadable;
 * never negative, never more than MAX_RETRY_WAIT_MS.
 */
export function parseRetryAfter(value: string | null, now = Date.now()): number | null {
  if (value === null || value.trim() === '') return null
  const trimmed = value.trim()
  const ms = /^\d+$/.test(trimmed) ? Number(trimmed) * 1000 : Date.parse(trimmed) - now
  if (!Number.isFinite(ms)) return null
  return Math.min(MAX_RETRY_WAIT_MS, Math.max(0, ms))
}

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  readonly attempts: number
  /** Called before each wait, with how long it will be. */
  onWait?(waitMs: number, attempt: number): void
}

export interface ApiRequestOptions {
  readonly method?: 'GET' | 'POST' | 'PUT' | 'DELETE'
  /** A board link or personal token, sent as `Authorization: Bearer`. */
  readonly token?: string
  /** A JSON body. */
  readonly json?: unknown
  /** A file as the body, with its own type (asset uploads only). */
  readonly file?: Blob
  readonly signal?: AbortSignal
  /** Follow the server's Retry-After on 429 and 503 (without it, those throw at once). */
  readonly retry?: RetryPolicy
  /** Skip the browser's HTTP cache (the server clock). */
  readonly noStore?: boolean
}

function wait(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason)
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    const onAbort = () => {
      clearTimeout(timer)
      reject(signal?.reason)
    }
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}

/** The error a non-2xx answer stands for, with the server's own sentence when it gave one. */
async function answerError(response: Response): Promise<ApiError> {
  const said = ErrorBody.safeParse(await response.json().catch(() => null))
  return new ApiError(
    kindForStatus(response.status),
    said.success ? said.data.error : `The server answered ${response.status}.`,
    response.status,
    parseRetryAfter(response.headers.get('Retry-After')),
  )
}

/** A file the server sends (an export): its bytes, or the ApiError its refusal stands for. */
export async function apiDownload(path: string, options: Pick<ApiRequestOptions, 'token' | 'signal'> = {}): Promise<Blob> {
  let response: Response
  try {
    response = await fetch(path, { headers: options.token ? { Authorization: `Bearer ${options.token}` } : {}, signal: options.signal, cache: 'no-store' })
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error
    throw new ApiError('network', 'The server could not be reached.')
  }
  if (!response.ok) throw await answerError(response)
  return response.blob()
}

async function attempt<T>(path: string, answer: z.ZodType<T>, options: ApiRequestOptions): Promise<T> {
  const headers: Record<string, string> = {}
  if (options.token) headers.Authorization = `Bearer ${options.token}`
  let body: BodyInit | undefined
  if (options.file) {
    body = options.file
    headers['Content-Type'] = options.file.type || 'application/octet-stream'
  } else if (options.json !== undefined) {
    body = JSON.stringify(options.json)
    headers['Content-Type'] = 'application/json'
  }
  let response: Response
  try {
    response = await fetch(path, {
      method: options.method ?? 'GET',
      headers,
      body,
      signal: options.signal,
      cache: options.noStore ? 'no-store' : undefined,
    })
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error
    throw new ApiError('network', 'The server could not be reached.')
  }
  if (!response.ok) throw await answerError(response)
  const json: unknown = await response.json().catch(() => null)
  const parsed = answer.safeParse(json)
  if (!parsed.success) throw new ApiError('unexpectedAnswer', 'The server sent an answer this page does not understand.', response.status)
  return parsed.data
}

export async function apiRequest<T>(path: string, answer: z.ZodType<T>, options: ApiRequestOptions = {}): Promise<T> {
  const attempts = Math.max(1, options.retry?.attempts ?? 1)
  for (let count = 1; ; count++) {
    try {
      return await attempt(path, answer, options)
    } catch (error) {
      const mayRetry =
        error instanceof ApiError && (error.kind === 'rateLimited' || error.kind === 'unavailable') && error.retryAfterMs !== null && count < attempts
      if (!mayRetry) throw error
      options.retry?.onWait?.(error.retryAfterMs!, count)
      await wait(error.retryAfterMs!, options.signal)
    }
  }
}
