/**
 * "How my understanding moved", for one member: each of their named contributions with the text
 * the server recorded when it revealed the card (revealedText) against its text now, as a word
 * diff; the links others made to or from it; the replies others gave it. Anonymous cards are
 * nobody's here: they never appear in anyone's account, so it cannot tell who wrote them.
 *
 * @example
 *   const moved = understandingOf(input, me.id)
 *   for (const card of moved.cards) render(card.diff) // [{ text, change: 'same' | 'added' | 'removed' }]
 */
import { diffWords } from 'diff'
import type { MapCard, MapInput, MapLink, MapReply } from './mapInput'

export interface TextPiece {
  text: string
  change: 'same' | 'added' | 'removed'
}

export interface MovedCard {
  card: MapCard
  /** Null when the card was placed on the board directly, not revealed from a draft. */
  diff: TextPiece[] | null
  changedSinceReveal: boolean
  linksByOthers: MapLink[]
  repliesByOthers: MapReply[]
}

export interface Understanding {
  personId: string
  cards: MovedCard[]
  /** Of their cards revealed from drafts, how many read differently now. */
  changedCount: number
  revealedCount: number
}

/** Beyond this many changed words the diff shows the two texts whole instead. */
const MAX_EDIT_LENGTH = 2000

/** A word diff of two texts that reads well: unchanged words, words taken out, words put in. */
export function wordDiff(before: string, after: string): TextPiece[] {
  if (before === after) return before ? [{ text: before, change: 'same' }] : []
  const changes = diffWords(before, after, { maxEditLength: MAX_EDIT_LENGTH })
  if (!changes) {
    return [
      { text: before, change: 'removed' },
      { text: after, change: 'added' },
    ].filter((piece) => piece.text !== '') as TextPiece[]
  }
  return changes.map((part) => ({ text: part.value, change: part.added ? 'added' : part.removed ? 'removed' : 'same' }))
}

export function understandingOf(input: MapInput, personId: string): Understanding {
  const mine = input.cards.filter((card) => card.authorId === personId)
  const ids = new Set(mine.map((card) => card.id))
  const links = new Map<string, MapLink[]>()
  for (const link of input.links) {
    if (link.createdById === personId) continue
    for (const end of new Set([link.from, link.to])) {
      if (!ids.has(end)) continue
      links.set(end, [...(links.get(end) ?? []), link])
    }
  }
  const replies = new Map<string, MapReply[]>()
  for (const reply of input.replies) {
    if (reply.authorId === personId || !ids.has(reply.cardId)) continue
    replies.set(reply.cardId, [...(replies.get(reply.cardId) ?? []), reply])
  }
  const cards = mine.map((card): MovedCard => {
    const diff = card.revealedText === null ? null : wordDiff(card.revealedText, card.text)
    return {
      card,
      diff,
      changedSinceReveal: card.revealedText !== null && card.revealedText !== card.text,
      linksByOthers: links.get(card.id) ?? [],
      repliesByOthers: (replies.get(card.id) ?? []).sort((a, b) => a.createdAt - b.createdAt),
    }
  })
  const revealed = cards.filter((entry) => entry.diff !== null)
  return { personId, cards, changedCount: revealed.filter((entry) => entry.changedSinceReveal).length, revealedCount: revealed.length }
}
