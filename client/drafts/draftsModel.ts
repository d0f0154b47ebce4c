/**
 * Decisions of the drafts UI: which drafts belong to the round on screen, where a new draft will
 * land on the board when it is revealed, and changing whether a draft is revealed anonymously.
 */
import * as Y from 'yjs'
import { DRAFTS_MAP, type DraftData, type ThinkAloneRound } from '../../shared/board/drafts'

/**
 * The drafts to list for a round: those written for it, revealed or not. Drafts of an earlier
 * round that closed before they were revealed stay private and are not revealed later either.
 */
export function draftsForRound(drafts: readonly DraftData[], round: ThinkAloneRound | null): DraftData[] {
  return round ? drafts.filter((draft) => draft.roundId === round.roundId) : []
}

export interface Point {
  readonly x: number
  readonly y: number
}

/**
 * Where this person's `index`-th draft of the round goes: a grid of three columns of card-sized
 * cells, so one person's revealed drafts never cover each other. People who look at the same spot
 * start their grids in different places (`personSlot`, 0–5, from their person id: three blocks side
 * by side, in two bands), so their drafts rarely land on each other either.
 */
/** The first draft in the middle, then right of it, then left. */
const COLUMN_OFFSETS = [0, 1, -1] as const

export function draftPlacement(centre: Point, index: number, size: { w: number; h: number }, personSlot = 0, gap = 16): Point {
  const columns = 3
  const cellW = size.w + gap
  const cellH = size.h + gap
  const blockX = COLUMN_OFFSETS[(personSlot % 3) as 0 | 1 | 2] * columns * cellW
  const blockY = (Math.floor(personSlot / 3) % 2) * 2 * cellH
  const column = (index % columns) as 0 | 1 | 2
  const row = Math.floor(index / columns) % 2
  return {
    x: Math.round(centre.x - size.w / 2 + COLUMN_OFFSETS[column] * cellW + blockX),
    y: Math.round(centre.y - size.h / 2 + row * cellH + blockY + Math.floor(index / (columns * 2)) * 4 * cellH),
  }
}

/** A person's slot for draftPlacement, the same on every device. */
export function personSlot(personId: string): number {
  let hash = 0
  for (const char of personId) hash = (hash * 31 + char.charCodeAt(0)) >>> 0
  return hash % 6
}

/** Until it is revealed, its author may change whether a draft goes out anonymously. */
export function setDraftAnonymous(doc: Y.Doc, draftId: string, anonymous: boolean): void {
  const draft = doc.getMap<Y.Map<unknown>>(DRAFTS_MAP).get(draftId)
  if (draft instanceof Y.Map && draft.get('revealedCardId') == null) draft.set('anonymous', anonymous)
}
