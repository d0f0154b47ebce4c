/**
 * Think alone, then reveal. While a think-alone round is open, each person writes cards into their
 * own private drafts document (`<boardId>.drafts.<personId>`, see docNames.ts), which only they can
 * open. On reveal the server copies every draft onto the canvas at once — attributed, or
 * anonymous where the person chose so (then the server inserts it, so nobody learns who wrote it) —
 * keeping the text each card had at reveal. Drafts written later (by someone who was offline) are
 * revealed when they arrive, unless the facilitator has closed the round.
 *
 * Drafts document layout: `drafts` (Y.Map) draftId -> Y.Map { roundId, kind, text: Y.Text,
 * anonymous, author: Person, createdAt, parentId, x, y, w, h, revealedCardId, revealedAt }.
 * Only drafts written for the round being revealed are revealed: drafts kept private when a round
 * closed stay private in later rounds.
 * Round state lives in the control document: `facilitation.thinkAlone` = ThinkAloneRound.
 * On the canvas a revealed card's map also holds `revealedText` and `revealedAt`.
 */
import * as Y from 'yjs'
import { cleanText, type Person } from './boardModel'
import { FACILITATION_MAP } from './facilitation'
import { MAX_CARD_TEXT_LENGTH, isContributionKind, type ContributionKind } from './vocabulary'

export const DRAFTS_MAP = 'drafts'

export interface ThinkAloneRound {
  roundId: string
  status: 'open' | 'revealed' | 'closed'
  openedAt: number
  revealedAt: number | null
}

export interface DraftData {
  id: string
  /** The think-alone round the draft was written in. */
  roundId: string | null
  kind: ContributionKind
  text: string
  anonymous: boolean
  author: Person
  createdAt: number
  parentId: string
  x: number
  y: number
  w: number
  h: number
  /** Set by the server when the draft was revealed. */
  revealedCardId: string | null
  revealedAt: number | null
}

const drafts = (doc: Y.Doc) => doc.getMap<Y.Map<unknown>>(DRAFTS_MAP)

export function readThinkAloneRound(controlDoc: Y.Doc): ThinkAloneRound | null {
  const value = controlDoc.getMap<unknown>(FACILITATION_MAP).get('thinkAlone') as Partial<ThinkAloneRound> | undefined
  if (!value || typeof value.roundId !== 'string') return null
  const status = value.status === 'revealed' || value.status === 'closed' ? value.status : 'open'
  return { roundId: value.roundId, status, openedAt: Number(value.openedAt) || 0, revealedAt: typeof value.revealedAt === 'number' ? value.revealedAt : null }
}

/** Facilitator: opens a new think-alone round (drafts stay private until reveal). */
export function openThinkAloneRound(controlDoc: Y.Doc, roundId: string, now: number): void {
  controlDoc.getMap<unknown>(FACILITATION_MAP).set('thinkAlone', { roundId, status: 'open', openedAt: now, revealedAt: null })
}

/** Facilitator: closes the round; drafts not revealed by then stay private. */
export function closeThinkAloneRound(controlDoc: Y.Doc): void {
  const round = readThinkAloneRound(controlDoc)
  if (round) controlDoc.getMap<unknown>(FACILITATION_MAP).set('thinkAlone', { ...round, status: 'closed' })
}

/** Server: marks the round revealed. */
export function markThinkAloneRevealed(controlDoc: Y.Doc, now: number): void {
  const round = readThinkAloneRound(controlDoc)
  if (round) controlDoc.getMap<unknown>(FACILITATION_MAP).set('thinkAlone', { ...round, status: 'revealed', revealedAt: round.revealedAt ?? now })
}

export interface NewDraft {
  id: string
  roundId: string
  kind: ContributionKind
  text: string
  anonymous: boolean
  author: Person
  now: number
  parentId: string
  x: number
  y: number
  w: number
  h: number
}

export function createDraft(doc: Y.Doc, draft: NewDraft): void {
  doc.transact(() => {
    const map = new Y.Map<unknown>()
    map.set('roundId', draft.roundId)
    map.set('kind', draft.kind)
    map.set('text', new Y.Text(cleanText(draft.text, MAX_CARD_TEXT_LENGTH)))
    map.set('anonymous', draft.anonymous)
    map.set('author', { id: draft.author.id, name: draft.author.name, color: draft.author.color })
    map.set('createdAt', draft.now)
    for (const key of ['parentId', 'x', 'y', 'w', 'h'] as const) map.set(key, draft[key])
    map.set('revealedCardId', null)
    map.set('revealedAt', null)
    drafts(doc).set(draft.id, map)
  })
}

export function getDraftText(doc: Y.Doc, draftId: string): Y.Text | null {
  const text = drafts(doc).get(draftId)?.get('text')
  return text instanceof Y.Text ? text : null
}

export function deleteDraft(doc: Y.Doc, draftId: string): void {
  drafts(doc).delete(draftId)
}

function readDraft(id: string, map: Y.Map<unknown>): DraftData | null {
  const kind = map.get('kind')
  const author = map.get('author') as Person | undefined
  const text = map.get('text')
  if (!isContributionKind(kind) || !author || typeof author.id !== 'string') return null
  const num = (key: string) => Number(map.get(key)) || 0
  const revealedCardId = map.get('revealedCardId')
  const revealedAt = map.get('revealedAt')
  const roundId = map.get('roundId')
  return {
    id,
    roundId: typeof roundId === 'string' ? roundId : null,
    kind,
    text: text instanceof Y.Text ? text.toString() : '',
    anonymous: map.get('anonymous') === true,
    author: { id: author.id, name: String(author.name ?? ''), color: String(author.color ?? '') },
    createdAt: num('createdAt'),
    parentId: typeof map.get('parentId') === 'string' ? (map.get('parentId') as string) : 'page:page',
    x: num('x'),
    y: num('y'),
    w: num('w'),
    h: num('h'),
    revealedCardId: typeof revealedCardId === 'string' ? revealedCardId : null,
    revealedAt: typeof revealedAt === 'number' ? revealedAt : null,
  }
}

export function listDrafts(doc: Y.Doc): DraftData[] {
  const result: DraftData[] = []
  for (const [id, map] of drafts(doc).entries()) {
    if (!(map instanceof Y.Map)) continue
    const draft = readDraft(id, map)
    if (draft) result.push(draft)
  }
  return result.sort((a, b) => a.createdAt - b.createdAt)
}

/** Server: records that a draft is now a card on the canvas. */
export function markDraftRevealed(doc: Y.Doc, draftId: string, cardId: string, now: number): void {
  const map = drafts(doc).get(draftId)
  if (!map) return
  doc.transact(() => {
    map.set('revealedCardId', cardId)
    map.set('revealedAt', now)
  })
}
