/**
 * Comparing rounds: places with shared ties, the earlier round a round is compared with, and
 * how each card moved ("was 2nd, now 1st", dots delta).
 */
import { describe, expect, test } from 'vitest'
import type { VoteRound } from '../../shared/board/voting'
import { compareRounds, describeDotsDelta, describeMovement, ordinal, placesOf, previousRoundFor } from '../../client/voting/roundComparison'
import { currentRound } from '../../client/voting/votingState'

function round(number: number, results: Array<[string, number]> | null, cardIds = results?.map(([id]) => id) ?? ['a']): VoteRound {
  return {
    roundId: `round-${number}`,
    number,
    title: `Vote ${number}`,
    cardIds,
    budget: 3,
    anonymous: true,
    status: results ? 'closed' : 'open',
    openedAt: number,
    closedAt: results ? number + 1 : null,
    results: results?.map(([cardId, dots]) => ({ cardId, dots })) ?? null,
    voterCount: results ? 2 : null,
  }
}

describe('places', () => {
  test('cards with equal dots share a place, and the next place skips', () => {
    const places = placesOf([
      { cardId: 'a', dots: 4 },
      { cardId: 'b', dots: 2 },
      { cardId: 'c', dots: 2 },
      { cardId: 'd', dots: 0 },
    ])
    expect([...places.values()]).toEqual([1, 2, 2, 4])
  })

  test('ordinals read as English', () => {
    expect([1, 2, 3, 4, 11, 12, 13, 21, 22, 101].map(ordinal)).toEqual(['1st', '2nd', '3rd', '4th', '11th', '12th', '13th', '21st', '22nd', '101st'])
  })
})

describe('comparing a round with the one before', () => {
  const first = round(1, [
    ['a', 4],
    ['b', 2],
    ['c', 0],
  ])
  const second = round(2, [
    ['b', 5],
    ['a', 1],
    ['d', 0],
  ])

  test('the earlier round is the latest closed one sharing a card', () => {
    const unrelated = round(3, [['x', 1]])
    const open = round(4, null, ['a', 'b'])
    expect(previousRoundFor([first, second, unrelated, open], open)?.roundId).toBe('round-2')
    expect(previousRoundFor([first, second], first)).toBeNull()
    expect(previousRoundFor([first, unrelated], unrelated)).toBeNull()
  })

  test('each card gets its place now and then, and its dots delta', () => {
    const rows = compareRounds(second, first)
    expect(rows.map((row) => [row.cardId, row.place, row.previousPlace, row.dotsDelta])).toEqual([
      ['b', 1, 2, 3],
      ['a', 2, 1, -3],
      ['d', 3, null, null],
    ])
  })

  test('movement reads "was 2nd, now 1st", "still …", or "new in this round"', () => {
    const [b, a, d] = compareRounds(second, first)
    expect(describeMovement(b, true)).toBe('was 2nd, now 1st')
    expect(describeMovement(a, true)).toBe('was 1st, now 2nd')
    expect(describeMovement(d, true)).toBe('new in this round')
    expect(describeMovement(compareRounds(first, first)[0], true)).toBe('still 1st')
    expect(describeMovement(b, false)).toBeNull()
    expect([b, a, d].map(describeDotsDelta)).toEqual(['+3 dots', '−3 dots', null])
  })

  test('a first round has no movement', () => {
    const rows = compareRounds(first, null)
    expect(rows.every((row) => row.previousPlace === null && row.dotsDelta === null)).toBe(true)
  })

  test('the board shows the newest open round, else the newest round', () => {
    const open = round(3, null)
    expect(currentRound([first, open, second])?.roundId).toBe('round-3')
    expect(currentRound([first, second])?.roundId).toBe('round-2')
    expect(currentRound([])).toBeNull()
  })
})
