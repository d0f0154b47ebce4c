/**
 * The voting route group as the browser uses it (shared/api/voting.ts). Opening and closing a
 * round go with the facilitator's board link; ballots go with the personal token, which says who
 * votes (a ballot names no voter).
 */
import { Ballot, ClosedRound, OpenedRound, votingRoutes, type OpenRoundBody } from '../../shared/api/voting'
import { apiRequest } from './apiRequest'

/** cardId -> dots. */
export type BallotDots = Ballot['dots']

export async function openRound(boardId: string, boardToken: string, round: OpenRoundBody): Promise<string> {
  const { roundId } = await apiRequest(votingRoutes.rounds(boardId), OpenedRound, { method: 'POST', token: boardToken, json: round })
  return roundId
}

export async function closeRound(boardId: string, boardToken: string, roundId: string): Promise<ClosedRound> {
  return apiRequest(votingRoutes.close(boardId, roundId), ClosedRound, { method: 'POST', token: boardToken })
}

export async function fetchBallot(boardId: string, personToken: string, roundId: string): Promise<BallotDots> {
  const { dots } = await apiRequest(votingRoutes.ballot(boardId, roundId), Ballot, { token: personToken })
  return dots
}

/** Saves the whole ballot; 409 (ApiError kind `conflict`) when the vote closed before it was counted. */
export async function saveBallot(boardId: string, personToken: string, roundId: string, dots: BallotDots): Promise<BallotDots> {
  const saved = await apiRequest(votingRoutes.ballot(boardId, roundId), Ballot, { method: 'PUT', token: personToken, json: { dots } })
  return saved.dots
}
