/**
 * Small helpers for answering HTTP requests with JSON and for reading bounded request bodies.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body)
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
  })
  res.end(text)
}

export function sendError(res: ServerResponse, status: number, message: string): void {
  sendJson(res, status, { error: message })
}

export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`request body larger than ${limit} bytes`)
  }
}

/** Reads a request body, rejecting with BodyTooLargeError as soon as it passes `limit` bytes. */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'])
    if (Number.isFinite(declared) && declared > limit) {
      req.resume()
      reject(new BodyTooLargeError(limit))
      return
    }
    const chunks: Buffer[] = []
    let size = 0
    let done = false
    req.on('data', (chunk: Buffer) => {
      if (done) return
      size += chunk.length
      if (size > limit) {
        done = true
        req.resume()
        reject(new BodyTooLargeError(limit))
        return
      }
      chunks.push(chunk)
    })
    req.on('end', () => {
      if (!done) resolve(Buffer.concat(chunks))
    })
    req.on('error', (error) => {
      if (!done) reject(error)
    })
  })
}

/** The bearer token of a request, from the Authorization header or a `token` query parameter. */
export function requestToken(req: IncomingMessage, url: URL): string | null {
  const header = req.headers.authorization
  if (header?.startsWith('Bearer ')) return header.slice('Bearer '.length).trim()
  return url.searchParams.get('token')
}

/** Whether a request says its body is JSON (`application/json`, with any parameters). */
export function isJsonRequest(req: IncomingMessage): boolean {
  return (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase() === 'application/json'
}

/**
 * Reads a JSON body of at most `limit` bytes. Answers 415 for any Content-Type but
 * `application/json` (a cross-site HTML form cannot send that without a CORS preflight, which
 * this server never grants), 413 or 400 itself, and resolves undefined in those cases.
 */
export async function readJson(req: IncomingMessage, res: ServerResponse, limit: number): Promise<unknown> {
  if (!isJsonRequest(req)) {
    req.resume()
    sendError(res, 415, 'This route takes a JSON body: send it with Content-Type: application/json.')
    return undefined
  }
  try {
    return JSON.parse((await readBody(req, limit)).toString('utf8'))
  } catch (error) {
    if (error instanceof BodyTooLargeError) sendError(res, 413, 'The request is too large.')
    else sendError(res, 400, 'The request body must be JSON.')
    return undefined
  }
}

/** Answers 429 with the seconds to wait, as `Retry-After` says them. */
export function sendTooManyRequests(res: ServerResponse, retryAfterSeconds: number, message: string): void {
  res.setHeader('Retry-After', String(Math.max(1, Math.ceil(retryAfterSeconds))))
  sendError(res, 429, message)
}
