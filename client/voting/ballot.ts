/**
 * A person's ballot in one round, as pure functions: how many dots each card of the round has
 * from them. Every edit stays within the round's cards and budget, so the UI cannot build a
 * ballot the server would refuse (the server checks again; see server/http/votingApi.ts).
 *
 * @example
 *   let ballot = emptyBallot()
 *   ballot = addDot(ballot, 'card-a', round) // { 'card-a': 1 }
 *   dotsLeft(ballot, round.budget)           // round.budget - 1
 */
import type { VoteRound } from '../../shared/board/voting'

/** cardId -> dots this person gave it (only positive counts are kept). */
export type Ballot = Readonly<Record<string, number>>

type RoundRules = Pick<VoteRound, 'cardIds' | 'budget'>

export function emptyBallot(): Ballot {
  return {}
}

export function dotsUsed(ballot: Ballot): number {
  return Object.values(ballot).reduce((sum, dots) => sum + dots, 0)
}

export function dotsLeft(ballot: Ballot, budget: number): number {
  return Math.max(0, budget - dotsUsed(ballot))
}

export function canAddDot(ballot: Ballot, cardId: string, round: RoundRules): boolean {
  return round.cardIds.includes(cardId) && dotsUsed(ballot) < round.budget
}

/** One more dot on the card; the same ballot when the card is not in the round or no dots are left. */
export function addDot(ballot: Ballot, cardId: string, round: RoundRules): Ballot {
  if (!canAddDot(ballot, cardId, round)) return ballot
  return { ...ballot, [cardId]: (ballot[cardId] ?? 0) + 1 }
}

/** One dot fewer on the card; the same ballot when it has none. */
export function removeDot(ballot: Ballot, cardId: string): Ballot {
  const dots = ballot[cardId] ?? 0
  if (dots <= 0) return ballot
  const { [cardId]: _removed, ...rest } = ballot
  return dots === 1 ? rest : { ...rest, [cardId]: dots - 1 }
}
