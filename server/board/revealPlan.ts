/**
 * What a reveal writes onto the canvas, decided from the canvas as it is: for each draft its card
 * and its shape record — on the draft's page (the first page when that page is gone), laid out in
 * free space (revealLayout.ts), stacked above what is on the page (fractional indices), and
 * checked with tldraw's schema (serverRecords.ts); drafts whose record fails are left out with the
 * reason. Planning reads the document and writing it is one call per transaction, so the service
 * (server/facilitation/revealService.ts) decides what goes together in which transaction.
 *
 * Anonymous cards carry nothing of their draft but kind and text: they are dated at the reveal,
 * have the default size, and take their place, index and Yjs clocks in the order they are given
 * (the service shuffles it). Named cards keep their author, size and createdAt.
 *
 * Card and shape ids are hashes of the drafts document's name and the draft's id, so a draft is
 * never revealed twice, even if the server stops between placing a card and marking its draft;
 * without the private document name nobody can tell whose they are.
 */
import { createHash } from 'node:crypto'
import { getIndicesAbove, type IndexKey } from '@tldraw/utils'
import { T } from '@tldraw/validate'
import type * as Y from 'yjs'
import { CARDS_MAP, TLDRAW_RECORDS_MAP } from '../../shared/board/docLayout'
import { createCard, hasCard } from '../../shared/board/boardModel'
import { CONTRIBUTION_DEFAULT_SIZE, contributionShapeRecord } from '../../shared/board/contributionShape'
import type { DraftData } from '../../shared/board/drafts'
import { boardPageIds, checkServerRecord } from './serverRecords'
import { layoutReveal, shapeBoundsOnPage, type Point, type Size } from './revealLayout'

export interface DraftToReveal {
  /** The drafts document the draft is in (`<boardId>.drafts.<personId>`). */
  docName: string
  draft: DraftData
}

export interface PlannedCard {
  docName: string
  draftId: string
  cardId: string
  /** The card to create (createdAt null: dated at the reveal); null when the canvas has it already. */
  card: { kind: DraftData['kind']; text: string; author: DraftData['author'] | null; anonymous: boolean; createdAt: number | null } | null
  /** The shape record to write; null when the canvas has it already. */
  shape: { id: string; record: unknown } | null
}

export interface RevealPlan {
  /** In the order to write them: group after group. */
  named: PlannedCard[]
  /** In the order given. */
  anonymous: PlannedCard[]
  /** Why drafts were left out (no author or draft in it: it may be logged). */
  skipped: string[]
}

export function revealedIds(docName: string, draftId: string): { cardId: string; shapeId: string } {
  const digest = createHash('sha256').update(`${docName}\u0000${draftId}`).digest('hex')
  return { cardId: `card:${digest.slice(0, 24)}`, shapeId: `shape:reveal-${digest.slice(24, 48)}` }
}

interface Pending {
  item: DraftToReveal
  anonymous: boolean
  page: string
  size: Size
  ids: { cardId: string; shapeId: string }
  needsCard: boolean
  needsShape: boolean
}

function median(values: number[]): number {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b)
  return sorted.length === 0 ? 0 : sorted[Math.floor(sorted.length / 2)]
}

/** The highest index among the page's own children, so new cards go on top. */
function highestIndexOn(records: Y.Map<unknown>, pageId: string): IndexKey | null {
  let highest: string | null = null
  for (const value of records.values()) {
    const record = value as { typeName?: unknown; parentId?: unknown; index?: unknown } | null
    if (record?.typeName !== 'shape' || record.parentId !== pageId || !T.indexKey.isValid(record.index)) continue
    if (highest === null || record.index > highest) highest = record.index
  }
  return highest as IndexKey | null
}

/**
 * Plans a reveal on the canvas document `doc`: `groups` are named drafts, one array per person;
 * `anonymous` go in one block, in the given order, on the page most of the drafts were written on.
 */
export function planReveal(doc: Y.Doc, request: { groups: DraftToReveal[][]; anonymous: DraftToReveal[] }): RevealPlan {
  const records = doc.getMap<unknown>(TLDRAW_RECORDS_MAP)
  const pages = boardPageIds(records)
  const pageOf = (draft: DraftData) => (pages.includes(draft.parentId) ? draft.parentId : pages[0])
  const all = [...request.groups.flat(), ...request.anonymous]
  const votes = new Map<string, number>()
  for (const { draft } of all) votes.set(pageOf(draft), (votes.get(pageOf(draft)) ?? 0) + 1)
  const anonymousPage = pages.reduce((best, page) => ((votes.get(page) ?? 0) > (votes.get(best) ?? 0) ? page : best), pages[0])

  const skipped: string[] = []
  const pending = (item: DraftToReveal, anonymous: boolean): Pending | null => {
    const ids = revealedIds(item.docName, item.draft.id)
    const needsCard = !hasCard(doc, ids.cardId)
    const needsShape = !records.has(ids.shapeId)
    const page = anonymous ? anonymousPage : pageOf(item.draft)
    const size = anonymous
      ? { ...CONTRIBUTION_DEFAULT_SIZE }
      : { w: item.draft.w || CONTRIBUTION_DEFAULT_SIZE.w, h: item.draft.h || CONTRIBUTION_DEFAULT_SIZE.h }
    if (needsShape) {
      // Checked before layout too, so a draft that cannot be a card takes no room.
      const checked = checkServerRecord(doc, contributionShapeRecord({ id: ids.shapeId, parentId: page, index: 'a1', x: 0, y: 0, ...size, cardId: ids.cardId }))
      if (!checked.ok) {
        skipped.push(checked.message)
        return null
      }
    }
    return { item, anonymous, page, size, ids, needsCard, needsShape }
  }
  const groups = request.groups.map((group) => group.map((item) => pending(item, false)).filter((p): p is Pending => p !== null))
  const anonymous = request.anonymous.map((item) => pending(item, true)).filter((p): p is Pending => p !== null)

  const placed = new Map<Pending, Point>()
  const indices = new Map<Pending, IndexKey>()
  for (const page of pages) {
    // A person's drafts on this page stay together; only what needs a shape takes room.
    const pageGroups = groups.map((group) => group.filter((p) => p.page === page && p.needsShape)).filter((group) => group.length > 0)
    const pageAnonymous = anonymous.filter((p) => p.page === page && p.needsShape)
    if (pageGroups.length === 0 && pageAnonymous.length === 0) continue
    const drafts = [...pageGroups.flat(), ...pageAnonymous].map((p) => p.item.draft)
    const layout = layoutReveal({
      existing: shapeBoundsOnPage(records.values(), page),
      groups: pageGroups.map((group) => group.map((p) => p.size)),
      anonymous: pageAnonymous.map((p) => p.size),
      near: { x: median(drafts.map((draft) => draft.x)), y: median(drafts.map((draft) => draft.y)) },
    })
    for (const [g, group] of pageGroups.entries()) for (const [i, p] of group.entries()) placed.set(p, layout.groups[g][i])
    for (const [i, p] of pageAnonymous.entries()) placed.set(p, layout.anonymous[i])
    const inOrder = [...pageGroups.flat(), ...pageAnonymous]
    for (const [i, index] of getIndicesAbove(highestIndexOn(records, page), inOrder.length).entries()) indices.set(inOrder[i], index)
  }

  const toCard = (p: Pending): PlannedCard | null => {
    const { draft } = p.item
    let shape: PlannedCard['shape'] = null
    if (p.needsShape) {
      const { x, y } = placed.get(p)!
      const checked = checkServerRecord(
        doc,
        contributionShapeRecord({ id: p.ids.shapeId, parentId: p.page, index: indices.get(p)!, x, y, ...p.size, cardId: p.ids.cardId }),
      )
      if (!checked.ok) {
        skipped.push(checked.message)
        return null
      }
      shape = { id: p.ids.shapeId, record: checked.record }
    }
    const card = p.needsCard
      ? p.anonymous
        ? { kind: draft.kind, text: draft.text, author: null, anonymous: true, createdAt: null }
        : { kind: draft.kind, text: draft.text, author: draft.author, anonymous: false, createdAt: draft.createdAt }
      : null
    return { docName: p.item.docName, draftId: draft.id, cardId: p.ids.cardId, card, shape }
  }
  return {
    named: groups
      .flat()
      .map(toCard)
      .filter((c): c is PlannedCard => c !== null),
    anonymous: anonymous.map(toCard).filter((c): c is PlannedCard => c !== null),
    skipped,
  }
}

/**
 * Writes planned cards in one transaction of the server's own, in their order. Anonymous cards
 * are dated `now` (the reveal), named ones keep their draft's createdAt; both record `now` as
 * revealedAt, and the text they had then as revealedText.
 */
export function writePlannedCards(doc: Y.Doc, cards: readonly PlannedCard[], now: number): void {
  const records = doc.getMap<unknown>(TLDRAW_RECORDS_MAP)
  doc.transact(() => {
    for (const planned of cards) {
      if (planned.card && !hasCard(doc, planned.cardId)) {
        const { card } = planned
        createCard(doc, { id: planned.cardId, kind: card.kind, text: card.text, author: card.author, anonymous: card.anonymous, now })
        const map = doc.getMap(CARDS_MAP).get(planned.cardId) as Y.Map<unknown>
        map.set('revealedText', card.text)
        map.set('revealedAt', now)
        if (card.createdAt !== null) map.set('createdAt', card.createdAt)
      }
      if (planned.shape && !records.has(planned.shape.id)) records.set(planned.shape.id, planned.shape.record)
    }
  }, 'server')
}
