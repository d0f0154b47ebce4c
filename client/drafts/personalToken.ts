/**
 * This browser's personal token for a board: a person id plus a token that opens that person's
 * private documents (their drafts). Asked for once per board and kept in localStorage, so the same
 * drafts document opens again after a reload, and offline.
 *
 *   POST /api/boards/:id/people  (Authorization: Bearer <board link token>) -> 201 {personId, personToken}
 */
import { z } from 'zod'

const STORAGE_PREFIX = 'think-together:person:'

const personalTokenSchema = z.object({
  personId: z.string().regex(/^[A-Za-z0-9_-]{22}$/),
  personToken: z.string().min(1),
})
export type PersonalToken = z.infer<typeof personalTokenSchema>

/** Parses what localStorage (or the server) holds; null for anything that is not a personal token. */
export function parsePersonalToken(raw: unknown): PersonalToken | null {
  let value = raw
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw)
    } catch {
      return null
    }
  }
  const parsed = personalTokenSchema.safeParse(value)
  return parsed.success ? parsed.data : null
}

export function readStoredPersonalToken(boardId: string): PersonalToken | null {
  try {
    return parsePersonalToken(localStorage.getItem(STORAGE_PREFIX + boardId))
  } catch {
    return null
  }
}

/** The stored personal token, or a new one from the server (stored for next time). */
export async function obtainPersonalToken(boardId: string, boardToken: string, signal?: AbortSignal): Promise<PersonalToken> {
  const stored = readStoredPersonalToken(boardId)
  if (stored) return stored
  const response = await fetch(`/api/boards/${encodeURIComponent(boardId)}/people`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${boardToken}` },
    signal,
  })
  const issued = parsePersonalToken(await response.json().catch(() => null))
  if (!response.ok || !issued) throw new Error(`The server did not give this browser a personal token (${response.status}).`)
  try {
    localStorage.setItem(STORAGE_PREFIX + boardId, JSON.stringify(issued))
  } catch {
    // Private browsing without storage: the token still works for this visit.
  }
  return issued
}
