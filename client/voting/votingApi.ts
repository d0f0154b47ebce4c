/**
 * The voting API as this browser uses it, and the personal token it votes with. Every answer is
 * parsed here, once; callers get typed values or a `VotingRequestError` whose message is for people.
 *
 * The personal token (POST /api/boards/:id/people) comes from board/personalToken.ts, which drafts
 * use too, so whichever feature asks first creates it and the other reuses it.
 *
 *   POST /api/boards/:id/rounds                  board token     {cardIds, budget, anonymous, title?} -> {roundId}
 *   GET  /api/boards/:id/rounds/:roundId/ballot  personal token  -> {dots}
 *   PUT  /api/boards/:id/rounds/:roundId/ballot  personal token  {dots, voter} -> {dots}
 *   POST /api/boards/:id/rounds/:roundId/close   board token     -> {results}
 */
import { z } from 'zod'
import type { BoardRole } from '../../shared/board/roles'
import { obtainPersonalToken, type PersonalToken } from '../board/personalToken'
import type { Person } from '../../shared/board/boardModel'
import type { Ballot } from './ballot'


export type PersonCredentials = PersonalToken

const ballotSchema = z.object({ dots: z.record(z.string(), z.number().int().nonnegative()) })
const openedRoundSchema = z.object({ roundId: z.string().min(1) })
const closedRoundSchema = z.object({ results: z.array(z.unknown()) })
const errorSchema = z.object({ error: z.string() })

/** A request the server refused or that never reached it. `status` is null when it never arrived. */
export class VotingRequestError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
  ) {
    super(message)
    this.name = 'VotingRequestError'
  }
}

async function send<T>(schema: z.ZodType<T>, path: string, token: string, init: { method: string; body?: unknown }): Promise<T> {
  let response: Response
  try {
    response = await fetch(path, {
      method: init.method,
      headers: { Authorization: `Bearer ${token}`, ...(init.body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    })
  } catch {
    throw new VotingRequestError('The server could not be reached.', null)
  }
  const body: unknown = await response.json().catch(() => null)
  if (!response.ok) {
    const refusal = errorSchema.safeParse(body)
    throw new VotingRequestError(refusal.success ? refusal.data.error : `Request failed (${response.status}).`, response.status)
  }
  const parsed = schema.safeParse(body)
  if (!parsed.success) throw new VotingRequestError('The server sent an answer we did not understand.', response.status)
  return parsed.data
}

const boardPath = (boardId: string) => `/api/boards/${encodeURIComponent(boardId)}`
const ballotPath = (boardId: string, roundId: string) => `${boardPath(boardId)}/rounds/${encodeURIComponent(roundId)}/ballot`

/** This browser's personal credentials on the board (shared with drafts, see board/personalToken.ts). */
export function ensurePerson(boardId: string, boardToken: string, role: BoardRole): Promise<PersonCredentials> {
  return obtainPersonalToken(boardId, boardToken, role)
}

export async function openRound(
  boardId: string,
  boardToken: string,
  round: { cardIds: string[]; budget: number; anonymous: boolean; title?: string },
): Promise<string> {
  const { roundId } = await send(openedRoundSchema, `${boardPath(boardId)}/rounds`, boardToken, { method: 'POST', body: round })
  return roundId
}

export async function closeRound(boardId: string, boardToken: string, roundId: string): Promise<void> {
  await send(closedRoundSchema, `${boardPath(boardId)}/rounds/${encodeURIComponent(roundId)}/close`, boardToken, { method: 'POST' })
}

export async function fetchBallot(boardId: string, personToken: string, roundId: string): Promise<Ballot> {
  const { dots } = await send(ballotSchema, ballotPath(boardId, roundId), personToken, { method: 'GET' })
  return dots
}

/** Saves the whole ballot; `voter` is who named rounds show as having given the dots. */
export async function saveBallot(boardId: string, personToken: string, roundId: string, dots: Ballot, voter: Person): Promise<Ballot> {
  const saved = await send(ballotSchema, ballotPath(boardId, roundId), personToken, { method: 'PUT', body: { dots, voter } })
  return saved.dots
}
