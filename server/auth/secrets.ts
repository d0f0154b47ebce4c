/**
 * Comparing a presented secret with the configured one in constant time, and reading the bearer
 * secret a request carries in its Authorization header. Used for METRICS_TOKEN and
 * BOARD_CREATION_TOKEN; board links are JWTs and go through tokens.ts instead.
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import type { IncomingMessage } from 'node:http'

/** Whether `given` equals `expected`, taking the same time whatever either is (both are hashed first). */
export function sameSecret(given: string, expected: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text).digest()
  return timingSafeEqual(digest(given), digest(expected))
}

/** The `Authorization: Bearer …` value of a request, or null. Never read from the URL. */
export function bearerSecret(req: IncomingMessage): string | null {
  const header = req.headers.authorization ?? ''
  return header.startsWith('Bearer ') ? header.slice('Bearer '.length).trim() : null
}
