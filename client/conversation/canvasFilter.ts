/**
 * Find and filter: which cards match a search and a set of filters (kind, author, "has an open
 * thread", "no responses yet"), and the list of results to walk through. Pure functions over a
 * conversation snapshot; the canvas hides what does not match (see shapeVisibility.ts).
 */
import { isOpenThread, visibleReplyCount, type CardData, type ThreadData } from '../../shared/board/boardModel'
import type { ContributionKind } from '../../shared/board/vocabulary'
import type { ConversationSnapshot } from './conversationIndex'

/** Stands for "cards posted anonymously" in the author filter. */
export const ANONYMOUS_AUTHOR = 'anonymous'

export interface CanvasFilter {
  /** Searched in card text and reply text, ignoring case. */
  readonly query: string
  /** Empty means every kind. */
  readonly kinds: readonly ContributionKind[]
  /** A person id, ANONYMOUS_AUTHOR, or null for anyone. */
  readonly authorId: string | null
  readonly hasOpenThread: boolean
  /** No replies and no reactions yet. */
  readonly noResponses: boolean
}

export const EMPTY_FILTER: CanvasFilter = { query: '', kinds: [], authorId: null, hasOpenThread: false, noResponses: false }

export function normalizeQuery(query: string): string {
  return query.trim().toLocaleLowerCase()
}

export function isFilterActive(filter: CanvasFilter): boolean {
  return normalizeQuery(filter.query) !== '' || filter.kinds.length > 0 || filter.authorId !== null || filter.hasOpenThread || filter.noResponses
}

/** Whether only cards can match (links carry no kind, author or reactions). */
function filtersCardsOnly(filter: CanvasFilter): boolean {
  return filter.kinds.length > 0 || filter.authorId !== null || filter.noResponses
}

export type MatchPlace = 'card' | 'reply' | 'none'

/** Where the query occurs: in the card's own text, else in one of its thread's replies. */
function queryPlace(text: string, thread: ThreadData | undefined, query: string): { place: MatchPlace; excerpt: string } {
  if (query === '') return { place: 'card', excerpt: text }
  if (text.toLocaleLowerCase().includes(query)) return { place: 'card', excerpt: excerptAround(text, query) }
  for (const reply of thread?.replies ?? []) {
    if (!reply.deleted && reply.text.toLocaleLowerCase().includes(query)) return { place: 'reply', excerpt: excerptAround(reply.text, query) }
  }
  return { place: 'none', excerpt: '' }
}

/** A short piece of text around the first occurrence of the query, on one line. */
export function excerptAround(text: string, query: string, radius = 60): string {
  const flat = text.replace(/\s+/g, ' ').trim()
  const at = query ? flat.toLocaleLowerCase().indexOf(query) : -1
  if (at < 0) return flat.length > radius * 2 ? `${flat.slice(0, radius * 2)}…` : flat
  const start = Math.max(0, at - radius)
  const end = Math.min(flat.length, at + query.length + radius)
  return `${start > 0 ? '…' : ''}${flat.slice(start, end)}${end < flat.length ? '…' : ''}`
}

export function cardMatchesFilter(card: CardData, thread: ThreadData | undefined, reactionCount: number, filter: CanvasFilter): boolean {
  return matchCard(card, thread, reactionCount, filter, normalizeQuery(filter.query)) !== null
}

function matchCard(card: CardData, thread: ThreadData | undefined, reactionCount: number, filter: CanvasFilter, query: string) {
  if (filter.kinds.length > 0 && !filter.kinds.includes(card.kind)) return null
  if (filter.authorId !== null) {
    const authorId = card.anonymous || !card.author ? ANONYMOUS_AUTHOR : card.author.id
    if (authorId !== filter.authorId) return null
  }
  if (filter.hasOpenThread && !isOpenThread(thread ?? null)) return null
  if (filter.noResponses && (visibleReplyCount(thread ?? null) > 0 || reactionCount > 0)) return null
  const found = queryPlace(card.text, thread, query)
  return found.place === 'none' ? null : found
}

/** The ids of the cards that pass the filter. */
export function matchingCardIds(snapshot: ConversationSnapshot, filter: CanvasFilter): Set<string> {
  const query = normalizeQuery(filter.query)
  const ids = new Set<string>()
  for (const card of snapshot.cards.values()) {
    if (matchCard(card, snapshot.threads.get(card.id), snapshot.reactionCounts.get(card.id) ?? 0, filter, query)) ids.add(card.id)
  }
  return ids
}

export interface FindResult {
  /** A card id, or a link's arrow shape id. */
  readonly targetId: string
  readonly target: 'card' | 'link'
  readonly card: CardData | null
  /** Where the search text was found. */
  readonly place: 'card' | 'reply'
  readonly excerpt: string
  readonly replyCount: number
  readonly updatedAt: number
}

export interface FindResults {
  readonly results: readonly FindResult[]
  /** How many matched in all; `results` holds at most the limit asked for. */
  readonly total: number
}

/**
 * Everything that matches the filter, newest first: cards, and (when the filter could match
 * them) links whose thread holds the search text. Nothing when no filter is set.
 */
export function findResults(snapshot: ConversationSnapshot, filter: CanvasFilter, limit: number): FindResults {
  if (!isFilterActive(filter)) return { results: [], total: 0 }
  const query = normalizeQuery(filter.query)
  const all: FindResult[] = []
  for (const card of snapshot.cards.values()) {
    const thread = snapshot.threads.get(card.id)
    const found = matchCard(card, thread, snapshot.reactionCounts.get(card.id) ?? 0, filter, query)
    if (!found || found.place === 'none') continue
    all.push({
      targetId: card.id,
      target: 'card',
      card,
      place: found.place,
      excerpt: found.place === 'card' ? excerptAround(card.text, query) : found.excerpt,
      replyCount: visibleReplyCount(thread ?? null),
      updatedAt: card.updatedAt,
    })
  }
  if (query !== '' && !filtersCardsOnly(filter)) {
    for (const thread of snapshot.threads.values()) {
      if (snapshot.cards.has(thread.anchorId) || !thread.anchorId.startsWith('shape:')) continue
      if (filter.hasOpenThread && !isOpenThread(thread)) continue
      const found = queryPlace('', thread, query)
      if (found.place !== 'reply') continue
      const last = thread.replies[thread.replies.length - 1]
      all.push({
        targetId: thread.anchorId,
        target: 'link',
        card: null,
        place: 'reply',
        excerpt: found.excerpt,
        replyCount: visibleReplyCount(thread),
        updatedAt: last ? (last.editedAt ?? last.createdAt) : 0,
      })
    }
  }
  all.sort((a, b) => b.updatedAt - a.updatedAt)
  return { results: all.slice(0, limit), total: all.length }
}
