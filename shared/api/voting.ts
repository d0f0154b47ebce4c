/**
 * The voting route group (preference voting, see shared/board/voting.ts). Ballots are held by the
 * server only; a ballot carries no voter, because the personal token says who votes.
 *
 *   POST /api/boards/:id/rounds                    Bearer <facilitator link>  OpenRoundBody -> 201 OpenedRound
 *   GET  /api/boards/:id/rounds/:roundId/ballot    Bearer <personal token>                  -> 200 Ballot
 *   PUT  /api/boards/:id/rounds/:roundId/ballot    Bearer <personal token>    BallotBody    -> 200 Ballot
 *                                                   400 over budget; 409 when the vote closed before it was counted
 *   POST /api/boards/:id/rounds/:roundId/close     Bearer <facilitator link>                -> 200 ClosedRound
 */
import { z } from 'zod'
import { CARD_ID_PATTERN } from '../board/boardModel'
import { MAX_ROUND_CARDS, MAX_VOTE_BUDGET } from '../board/voting'
import { boardPath } from './common'

export const OpenRoundBody = z.object({
  cardIds: z.array(z.string().regex(CARD_ID_PATTERN)).min(1).max(MAX_ROUND_CARDS),
  budget: z.number().int().min(1).max(MAX_VOTE_BUDGET),
  anonymous: z.boolean(),
  title: z.string().trim().max(120).optional(),
})
export type OpenRoundBody = z.input<typeof OpenRoundBody>

export const OpenedRound = z.object({ roundId: z.string().min(1) })
export type OpenedRound = z.infer<typeof OpenedRound>

/** cardId -> dots this person gives it. */
export const BallotDots = z.record(z.string(), z.number().int().min(0).max(MAX_VOTE_BUDGET))

export const BallotBody = z.object({ dots: BallotDots })
export type BallotBody = z.input<typeof BallotBody>

export const Ballot = z.object({ dots: BallotDots })
export type Ballot = z.infer<typeof Ballot>

export const VoteResult = z.object({
  cardId: z.string(),
  dots: z.number().int().nonnegative(),
  voters: z.array(z.object({ id: z.string(), name: z.string(), color: z.string(), dots: z.number().int().nonnegative() })).optional(),
})

export const ClosedRound = z.object({ results: z.array(VoteResult), voterCount: z.number().int().nonnegative() })
export type ClosedRound = z.infer<typeof ClosedRound>

export const votingRoutes = {
  rounds: (boardId: string) => `${boardPath(boardId)}/rounds`,
  ballot: (boardId: string, roundId: string) => `${boardPath(boardId)}/rounds/${encodeURIComponent(roundId)}/ballot`,
  close: (boardId: string, roundId: string) => `${boardPath(boardId)}/rounds/${encodeURIComponent(roundId)}/close`,
}
