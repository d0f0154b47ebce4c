/**
 * Preference voting. The facilitator opens a round over some cards with a budget of dots per
 * person, anonymous or named. Ballots are held by the server (never in a shared document), so
 * nobody — not the facilitator, not a modified client — sees them before the round closes; on
 * close the server tallies and publishes the results into the control document.
 *
 * Control document: `facilitation.voteRounds` (Y.Map) roundId -> VoteRound. The server writes it.
 * API (see server/http/votingApi.ts):
 *   POST /api/boards/:id/rounds                       facilitator  {cardIds, budget, anonymous, title?} -> 201 {roundId}
 *   GET  /api/boards/:id/rounds/:roundId/ballot       personal token -> {dots: {cardId: n}}
 *   PUT  /api/boards/:id/rounds/:roundId/ballot       personal token {dots: {cardId: n}} -> 200 {dots}; 400 over budget; 409 once closed
 *   POST /api/boards/:id/rounds/:roundId/close        facilitator  -> 200 {results}
 */
import type * as Y from 'yjs'
import type { Person } from './boardModel'
import { FACILITATION_MAP } from './facilitation'

export const VOTE_ROUNDS_KEY = 'voteRounds'
export const MAX_VOTE_BUDGET = 50
export const MAX_ROUND_CARDS = 500

export interface VoteResult {
  cardId: string
  dots: number
  /** Named rounds only: who gave dots, with how many. */
  voters?: Array<Person & { dots: number }>
}

export interface VoteRound {
  roundId: string
  /** 1 for the first round on a board, 2 for the next, … */
  number: number
  title: string
  cardIds: string[]
  budget: number
  anonymous: boolean
  status: 'open' | 'closed'
  openedAt: number
  closedAt: number | null
  /** Present once closed: every card of the round, most dots first. */
  results: VoteResult[] | null
  /** How many people voted, once closed. */
  voterCount: number | null
  /** While open: how many people have placed dots so far (never who), and how many are on the board. */
  voted?: number
  present?: number
}

export function listVoteRounds(controlDoc: Y.Doc): VoteRound[] {
  const rounds = controlDoc.getMap<unknown>(FACILITATION_MAP).get(VOTE_ROUNDS_KEY) as Y.Map<VoteRound> | undefined
  if (!rounds || typeof rounds.values !== 'function') return []
  return [...rounds.values()].filter((round) => round && typeof round.roundId === 'string').sort((a, b) => a.number - b.number)
}

/** Ranks a round's cards by dots (most first; ties keep the round's card order). */
export function rankResults(cardIds: string[], totals: Map<string, number>): Array<{ cardId: string; dots: number }> {
  return cardIds
    .map((cardId, order) => ({ cardId, dots: totals.get(cardId) ?? 0, order }))
    .sort((a, b) => b.dots - a.dots || a.order - b.order)
    .map(({ cardId, dots }) => ({ cardId, dots }))
}
