/**
 * A person's ballot edits stay inside the round: only the round's cards, never over the budget,
 * and removing never goes below zero.
 */
import { describe, expect, test } from 'vitest'
import { addDot, canAddDot, dotsLeft, dotsUsed, emptyBallot, removeDot } from '../../client/voting/ballot'

const round = { cardIds: ['card-a', 'card-b', 'card-c'], budget: 3 }

describe('ballot editing within the budget', () => {
  test('adding dots counts them per card and in total', () => {
    let ballot = emptyBallot()
    ballot = addDot(ballot, 'card-a', round)
    ballot = addDot(ballot, 'card-a', round)
    ballot = addDot(ballot, 'card-b', round)
    expect(ballot).toEqual({ 'card-a': 2, 'card-b': 1 })
    expect(dotsUsed(ballot)).toBe(3)
    expect(dotsLeft(ballot, round.budget)).toBe(0)
  })

  test('no dot can be added once the budget is spent (the same ballot comes back)', () => {
    const full = { 'card-a': 2, 'card-c': 1 }
    expect(canAddDot(full, 'card-b', round)).toBe(false)
    expect(addDot(full, 'card-b', round)).toBe(full)
  })

  test('a card outside the round takes no dots', () => {
    const ballot = emptyBallot()
    expect(canAddDot(ballot, 'card-z', round)).toBe(false)
    expect(addDot(ballot, 'card-z', round)).toBe(ballot)
  })

  test('removing takes one dot off and drops the card at zero; a card with none is unchanged', () => {
    const ballot = { 'card-a': 2, 'card-b': 1 }
    expect(removeDot(ballot, 'card-a')).toEqual({ 'card-a': 1, 'card-b': 1 })
    expect(removeDot(ballot, 'card-b')).toEqual({ 'card-a': 2 })
    expect(removeDot(ballot, 'card-c')).toBe(ballot)
  })

  test('removing frees a dot for another card', () => {
    const full = { 'card-a': 3 }
    expect(addDot(removeDot(full, 'card-a'), 'card-c', round)).toEqual({ 'card-a': 2, 'card-c': 1 })
  })
})
