/**
 * The text each card had when the server revealed it from a draft, kept where only the server
 * writes: the `revealed` map of the people document (`<boardId>.people`, see docNames.ts), cardId
 * -> { text, at }. The canvas card carries a copy (`revealedText`) that any member's client could
 * rewrite; "how my understanding moved" reads this one. An entry names the card only, never its
 * author, so anonymous cards stay anonymous. The first record of a card is kept.
 *
 * @example
 *   recordRevealedTexts(peopleDoc, [{ cardId, text: 'At reveal' }], Date.now()) // server
 *   readRevealedText(peopleDoc, cardId) // { text: 'At reveal', at } or null
 */
import type * as Y from 'yjs'
import { MAX_CARD_TEXT_LENGTH } from './vocabulary'

export const REVEALED_MAP = 'revealed'

export interface RevealedText {
  text: string
  at: number
}

/** Server: records the text of cards it has just revealed (in one transaction). */
export function recordRevealedTexts(peopleDoc: Y.Doc, cards: ReadonlyArray<{ cardId: string; text: string }>, now: number): void {
  const revealed = peopleDoc.getMap<RevealedText>(REVEALED_MAP)
  peopleDoc.transact(() => {
    for (const { cardId, text } of cards) if (!revealed.has(cardId)) revealed.set(cardId, { text, at: now })
  }, 'server')
}

export function readRevealedText(peopleDoc: Y.Doc, cardId: string): RevealedText | null {
  const value = peopleDoc.getMap<unknown>(REVEALED_MAP).get(cardId) as Partial<RevealedText> | undefined
  if (!value || typeof value.text !== 'string') return null
  return { text: value.text.slice(0, MAX_CARD_TEXT_LENGTH), at: Number.isFinite(value.at) ? Number(value.at) : 0 }
}
