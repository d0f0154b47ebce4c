/**
 * This browser's personal token for a board: a person id plus a token that opens that person's
 * private documents (their drafts) and carries their ballots. Asked for once per board and role,
 * kept in localStorage, so the same drafts document opens again after a reload, and offline. Drafts
 * and voting both use it; concurrent first requests share one answer.
 *
 *   POST /api/boards/:id/people  (Authorization: Bearer <board link token>) -> 201 {personId, personToken}
 */
import { z } from 'zod'
import type { BoardRole } from '../../shared/board/roles'

const STORAGE_PREFIX = 'think-together:person:'

const personalTokenSchema = z.object({
  personId: z.string().regex(/^[A-Za-z0-9_-]{22}$/),
  personToken: z.string().min(1),
  /** The role of the link it was issued for: a token from an observer link cannot vote. */
  role: z.enum(['facilitator', 'member', 'observer']).optional(),
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

const pending = new Map<string, Promise<PersonalToken>>()

/**
 * The stored personal token, or a new one from the server (stored for next time). A token issued
 * for another role (the same browser came back through another link) is replaced.
 */
export function obtainPersonalToken(boardId: string, boardToken: string, role: BoardRole): Promise<PersonalToken> {
  const stored = readStoredPersonalToken(boardId)
  if (stored && (stored.role === undefined || stored.role === role)) return Promise.resolve(stored)
  const key = `${boardId}:${role}`
  const inFlight = pending.get(key)
  if (inFlight) return inFlight
  const request = (async () => {
    // Not cancellable: the answer is shared by every caller (a caller that went away ignores it).
    const response = await fetch(`/api/boards/${encodeURIComponent(boardId)}/people`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${boardToken}` },
    })
    const issued = parsePersonalToken(await response.json().catch(() => null))
    if (!response.ok || !issued) throw new Error(`The server did not give this browser a personal token (${response.status}).`)
    const token = { ...issued, role }
    try {
      localStorage.setItem(STORAGE_PREFIX + boardId, JSON.stringify(token))
    } catch {
      // Private browsing without storage: the token still works for this visit.
    }
    return token
  })().finally(() => pending.delete(key))
  pending.set(key, request)
  return request
}
