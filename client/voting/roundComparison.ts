/**
 * How preferences moved between two closed rounds over (some of) the same cards: each card's
 * place and dots now and in the earlier round, as pure functions over the published results.
 *
 * Places use competition ranking (cards with equal dots share a place: 1st, 1st, 3rd), so a
 * tie never reads as a movement.
 *
 * @example
 *   const previous = previousRoundFor(rounds, round)
 *   const rows = compareRounds(round, previous) // [{cardId, place: 1, previousPlace: 2, dotsDelta: 3, ...}]
 *   describeMovement(rows[0])                  // "was 2nd, now 1st"
 */
import type { VoteResult, VoteRound } from '../../shared/board/voting'

export interface RankedCard {
  cardId: string
  dots: number
  /** 1 for the most dots; cards with equal dots share a place. */
  place: number
  voters: VoteResult['voters']
  /** In the earlier round, when the card was in it. */
  previousPlace: number | null
  previousDots: number | null
  /** dots - previousDots, when the card was in the earlier round. */
  dotsDelta: number | null
}

/** Competition places for ranked results (most dots first): equal dots, equal place. */
export function placesOf(results: ReadonlyArray<Pick<VoteResult, 'cardId' | 'dots'>>): Map<string, number> {
  const places = new Map<string, number>()
  results.forEach((result, index) => {
    const previous = results[index - 1]
    const place = previous && previous.dots === result.dots ? places.get(previous.cardId)! : index + 1
    places.set(result.cardId, place)
  })
  return places
}

/** The latest closed round before this one that shares at least one card with it. */
export function previousRoundFor(rounds: readonly VoteRound[], round: VoteRound): VoteRound | null {
  const cards = new Set(round.cardIds)
  const earlier = rounds
    .filter((other) => other.number < round.number && other.status === 'closed' && other.results && other.cardIds.some((id) => cards.has(id)))
    .sort((a, b) => b.number - a.number)
  return earlier[0] ?? null
}

/** This round's results, ranked, each with where it stood in the earlier round (if any). */
export function compareRounds(round: VoteRound, previous: VoteRound | null): RankedCard[] {
  const results = round.results ?? []
  const places = placesOf(results)
  const previousResults = previous?.results ?? []
  const previousPlaces = placesOf(previousResults)
  const previousDots = new Map(previousResults.map((result) => [result.cardId, result.dots]))
  return results.map((result) => {
    const before = previousDots.get(result.cardId)
    return {
      cardId: result.cardId,
      dots: result.dots,
      place: places.get(result.cardId)!,
      voters: result.voters,
      previousPlace: previousPlaces.get(result.cardId) ?? null,
      previousDots: before ?? null,
      dotsDelta: before === undefined ? null : result.dots - before,
    }
  })
}

export function ordinal(place: number): string {
  const lastTwo = place % 100
  if (lastTwo >= 11 && lastTwo <= 13) return `${place}th`
  switch (place % 10) {
    case 1:
      return `${place}st`
    case 2:
      return `${place}nd`
    case 3:
      return `${place}rd`
    default:
      return `${place}th`
  }
}

/** "was 2nd, now 1st", "still 1st", or "new in this round"; null when there is no earlier round. */
export function describeMovement(card: RankedCard, hasPreviousRound: boolean): string | null {
  if (!hasPreviousRound) return null
  if (card.previousPlace === null) return 'new in this round'
  if (card.previousPlace === card.place) return `still ${ordinal(card.place)}`
  return `was ${ordinal(card.previousPlace)}, now ${ordinal(card.place)}`
}

/** "+3 dots", "−1 dot", "±0 dots"; null when the card was not in the earlier round. */
export function describeDotsDelta(card: RankedCard): string | null {
  if (card.dotsDelta === null) return null
  const size = Math.abs(card.dotsDelta)
  const sign = card.dotsDelta > 0 ? '+' : card.dotsDelta < 0 ? '−' : '±'
  return `${sign}${size} ${size === 1 ? 'dot' : 'dots'}`
}
