/**
 * This browser's personal token for a board: a person id (this person's id on the board: their
 * presence, what they write, their ballots) and a token that names them to the server. The board
 * asks for it before it opens any websocket, and uses it as the token of every one of them, and for
 * the API calls that need a person (ballots, claims, renaming). Kept in localStorage per board and
 * role, so the same person comes back after a reload, and offline; concurrent first requests share
 * one answer.
 *
 *   POST /api/boards/:id/people  (Authorization: Bearer <board link token>) -> 201 {personId, personToken}
 *                                 429 with Retry-After when many people join at once: we wait and ask again
 */
import { z } from 'zod'
import { IssuedPersonalToken } from '../../shared/api/people'
import { BOARD_ROLES, type BoardRole } from '../../shared/board/roles'
import { issuePersonalToken } from '../api/peopleApi'

const STORAGE_PREFIX = 'think-together:person:'

const storedPersonalTokenSchema = IssuedPersonalToken.extend({
  /** The role of the link it was issued for: a token from an observer link cannot vote. */
  role: z.enum(BOARD_ROLES).optional(),
})
export type PersonalToken = z.infer<typeof storedPersonalTokenSchema>

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
  const parsed = storedPersonalTokenSchema.safeParse(value)
  return parsed.success ? parsed.data : null
}

export function readStoredPersonalToken(boardId: string): PersonalToken | null {
  try {
    return parsePersonalToken(localStorage.getItem(STORAGE_PREFIX + boardId))
  } catch {
    return null
  }
}

/** Drops the stored token (the server refused it), so the next visit asks for a new one. */
export function forgetPersonalToken(boardId: string, personToken: string): void {
  try {
    if (readStoredPersonalToken(boardId)?.personToken === personToken) localStorage.removeItem(STORAGE_PREFIX + boardId)
  } catch {
    // Nothing stored.
  }
}

/** Told how long we wait when the server asks us to come back later (many people joining). */
export type WaitListener = (waitMs: number) => void

const pending = new Map<string, { request: Promise<PersonalToken>; listeners: Set<WaitListener> }>()

/**
 * The stored personal token, or a new one from the server (stored for next time). A token issued
 * for another role (the same browser came back through another link) is replaced.
 */
export function obtainPersonalToken(boardId: string, boardToken: string, role: BoardRole, onWait?: WaitListener): Promise<PersonalToken> {
  const stored = readStoredPersonalToken(boardId)
  if (stored && (stored.role === undefined || stored.role === role)) return Promise.resolve(stored)
  const key = `${boardId}:${role}`
  const inFlight = pending.get(key)
  if (inFlight) {
    if (onWait) inFlight.listeners.add(onWait)
    return inFlight.request
  }
  const listeners = new Set<WaitListener>(onWait ? [onWait] : [])
  // Not cancellable: the answer is shared by every caller (a caller that went away ignores it).
  const request = issuePersonalToken(boardId, boardToken, (waitMs) => {
    for (const listener of listeners) listener(waitMs)
  })
    .then((issued) => {
      const token: PersonalToken = { ...issued, role }
      try {
        localStorage.setItem(STORAGE_PREFIX + boardId, JSON.stringify(token))
      } catch {
        // Private browsing without storage: the token still works for this visit.
      }
      return token
    })
    .finally(() => pending.delete(key))
  pending.set(key, { request, listeners })
  return request
}
