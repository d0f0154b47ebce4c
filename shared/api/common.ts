/**
 * What every route group of the HTTP API shares: the error body every refusal carries, the rule
 * for plain text fields, and the path of a board's routes. The client parses answers with these
 * schemas and the server validates requests with them (see the route group files beside this one).
 */
import { z } from 'zod'

/** Every answer that is not 2xx: `{"error": "a sentence for people"}`. */
export const ErrorBody = z.object({ error: z.string() })
export type ErrorBody = z.infer<typeof ErrorBody>

const CONTROL_CHARACTERS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g

/** Text without control characters other than newlines and tabs, trimmed, of min–max characters. */
export function plainText(min: number, max: number) {
  return z
    .string()
    .transform((value) => value.replace(CONTROL_CHARACTERS, '').trim())
    .pipe(z.string().min(min).max(max))
}

/** The root of a board's routes, with the id encoded for a URL. */
export function boardPath(boardId: string): string {
  return `/api/boards/${encodeURIComponent(boardId)}`
}
