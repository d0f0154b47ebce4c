/**
 * "What's new since your last visit": the cards, links and replies that others added or changed
 * after a moment, oldest first, read from a canvas document.
 */
import type * as Y from 'yjs'
import { TLDRAW_RECORDS_MAP } from './docLayout'
import { listCards, listThreads, type CardData, type Person, type ThreadData } from './boardModel'
import { readLinkMeta, type LinkMeta } from './links'

export interface ChangeItem {
  /** Stable key for marking the item as seen. */
  key: string
  kind: 'card' | 'link' | 'reply'
  /** The card id, link shape id, or (for a reply) its thread's anchor id. */
  targetId: string
  change: 'added' | 'changed'
  at: number
  by: Person | null
  text: string
  /** A card this person wrote: someone else's change to it is never "added", whenever it was written. */
  yours: boolean
}

interface ShapeRecordLike {
  id: string
  typeName: string
  type: string
  meta?: unknown
}

/** What a board holds, as read from its document or from an index of it. */
export interface BoardContent {
  cards: Iterable<CardData>
  /** Link shape id and its meta. */
  links: Iterable<readonly [string, LinkMeta]>
  threads: Iterable<ThreadData>
}

/** The changes among a board's content that others made after `since`, oldest first. */
export function changesAmong(content: BoardContent, since: number, myId: string): ChangeItem[] {
  const items: ChangeItem[] = []
  for (const card of content.cards) {
    if (card.updatedAt <= since) continue
    const byMe = card.lastEditor ? card.lastEditor.id === myId : card.author?.id === myId
    if (byMe) continue
    // My own card, new since I last looked, that someone else then edited: their edit, not an addition.
    const yours = !card.anonymous && card.author?.id === myId
    const added = card.createdAt > since && !yours
    items.push({
      key: `${card.id}@${card.updatedAt}`,
      kind: 'card',
      targetId: card.id,
      change: added ? 'added' : 'changed',
      at: card.updatedAt,
      by: added ? card.author : (card.lastEditor ?? card.author),
      text: card.text,
      yours,
    })
  }
  for (const [id, link] of content.links) {
    if (link.updatedAt <= since || link.updatedBy?.id === myId) continue
    items.push({
      key: `${id}@${link.updatedAt}`,
      kind: 'link',
      targetId: id,
      change: link.createdAt > since ? 'added' : 'changed',
      at: link.updatedAt,
      by: link.updatedBy,
      text: link.linkType,
      yours: false,
    })
  }
  for (const thread of content.threads) {
    for (const reply of thread.replies) {
      const at = reply.editedAt ?? reply.createdAt
      if (at <= since || reply.author.id === myId || reply.deleted) continue
      items.push({
        key: `${reply.id}@${at}`,
        kind: 'reply',
        targetId: thread.anchorId,
        change: reply.createdAt > since ? 'added' : 'changed',
        at,
        by: reply.author,
        text: reply.text,
        yours: false,
      })
    }
  }
  return items.sort((a, b) => a.at - b.at)
}

/** The typed links among a document's records. */
export function readLinks(doc: Y.Doc): Array<[string, LinkMeta]> {
  const links: Array<[string, LinkMeta]> = []
  for (const value of doc.getMap<ShapeRecordLike>(TLDRAW_RECORDS_MAP).values()) {
    if (value?.typeName !== 'shape' || value.type !== 'arrow') continue
    const link = readLinkMeta(value.meta)
    if (link) links.push([value.id, link])
  }
  return links
}

export function changesSince(doc: Y.Doc, since: number, myId: string): ChangeItem[] {
  return changesAmong({ cards: listCards(doc), links: readLinks(doc), threads: listThreads(doc) }, since, myId)
}
