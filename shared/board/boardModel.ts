/**
 * The thinking-together layer of a board, as pure operations on Y.Docs: contribution cards
 * (kind, text, author, times) in the canvas document; discussion threads with replies and
 * reactions in the conversation document; the members who have visited in the people document.
 * The client's UI and the server (which inserts anonymous cards and writes members) change the
 * documents only through these functions, and tests exercise them with plain Y.Docs.
 *
 * Layout (all Y.Maps at a document's root, see docLayout.ts):
 * - `cards`: cardId -> Y.Map { kind, text: Y.Text, author: Person | null, anonymous, createdAt,
 *   updatedAt, lastEditor: Person | null }. A card is shown on the canvas by a tldraw
 *   `contribution` shape whose `props.cardId` names it.
 * - `threads`: anchorId (a card id or a link's shape id) -> Y.Map { status, statusBy, statusAt,
 *   replies: Y.Array<Y.Map { id, author, text: Y.Text, createdAt, editedAt, deleted }> }.
 * - `reactions`: cardId -> Y.Map reaction -> Y.Map personId -> { name, color, at }.
 * - `members` (in the people document, written only by the server): personId -> { id, name,
 *   color, practice, firstSeenAt, lastSeenAt }.
 *
 * Text lives in Y.Texts so two people editing the same card or reply at once both keep their work.
 *
 * @example
 *   const id = newCardId()
 *   createCard(doc, { id, kind: 'question', text: 'Why?', author: me, anonymous: false, now: Date.now() })
 *   addReply(doc, id, { author: you, text: 'Because…', now: Date.now() })
 */
import * as Y from 'yjs'
import { CARDS_MAP, MEMBERS_MAP, REACTIONS_MAP, THREADS_MAP } from './docLayout'
import {
  MAX_CARD_TEXT_LENGTH,
  MAX_PRACTICE_LENGTH,
  MAX_REPLY_TEXT_LENGTH,
  REACTIONS,
  isContributionKind,
  type ContributionKind,
  type Reaction,
} from './vocabulary'

/** Who did something, as shown to others. */
export interface Person {
  id: string
  name: string
  color: string
}

export interface CardData {
  id: string
  kind: ContributionKind
  text: string
  /** Null while the card is anonymous. */
  author: Person | null
  anonymous: boolean
  createdAt: number
  updatedAt: number
  /** Who changed the text or kind last, when that was not the author. */
  lastEditor: Person | null
}

export interface ReplyData {
  id: string
  author: Person
  text: string
  createdAt: number
  editedAt: number | null
  deleted: boolean
}

export type ThreadStatus = 'open' | 'resolved'

export interface ThreadData {
  anchorId: string
  status: ThreadStatus
  statusBy: Person | null
  statusAt: number
  replies: ReplyData[]
}

export interface MemberData extends Person {
  practice: string
  firstSeenAt: number
  lastSeenAt: number
}

function randomId(prefix: string): string {
  const bytes = new Uint8Array(12)
  globalThis.crypto.getRandomValues(bytes)
  return prefix + Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('')
}

export const newCardId = () => randomId('card:')
export const newReplyId = () => randomId('reply:')

export const CARD_ID_PATTERN = /^card:[0-9a-f]{24}$/

const cards = (doc: Y.Doc) => doc.getMap<Y.Map<unknown>>(CARDS_MAP)
const threads = (doc: Y.Doc) => doc.getMap<Y.Map<unknown>>(THREADS_MAP)
const reactions = (doc: Y.Doc) => doc.getMap<Y.Map<Y.Map<unknown>>>(REACTIONS_MAP)
const members = (doc: Y.Doc) => doc.getMap<MemberData>(MEMBERS_MAP)

/** Removes control characters other than newlines and tabs, and caps the length. */
export function cleanText(text: string, max: number): string {
  return text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '').slice(0, max)
}

function asPerson(value: unknown): Person | null {
  if (!value || typeof value !== 'object') return null
  const { id, name, color } = value as Record<string, unknown>
  if (typeof id !== 'string' || typeof name !== 'string' || typeof color !== 'string') return null
  return { id, name, color }
}

function person(p: Person): Person {
  return { id: p.id, name: p.name, color: p.color }
}

/**
 * Makes a Y.Text hold `next` with the smallest change (common prefix and suffix kept), so
 * concurrent edits elsewhere in the same text survive.
 */
export function replaceText(text: Y.Text, next: string): void {
  const current = text.toString()
  if (current === next) return
  let start = 0
  while (start < current.length && start < next.length && current[start] === next[start]) start++
  let endCurrent = current.length
  let endNext = next.length
  while (endCurrent > start && endNext > start && current[endCurrent - 1] === next[endNext - 1]) {
    endCurrent--
    endNext--
  }
  const transact = () => {
    if (endCurrent > start) text.delete(start, endCurrent - start)
    if (endNext > start) text.insert(start, next.slice(start, endNext))
  }
  if (text.doc) text.doc.transact(transact)
  else transact()
}

// ---------------------------------------------------------------------------------------------
// Cards

export interface NewCard {
  id: string
  kind: ContributionKind
  text: string
  author: Person | null
  anonymous: boolean
  now: number
}

export function createCard(doc: Y.Doc, card: NewCard): void {
  doc.transact(() => {
    const map = new Y.Map<unknown>()
    map.set('kind', card.kind)
    map.set('text', new Y.Text(cleanText(card.text, MAX_CARD_TEXT_LENGTH)))
    map.set('author', card.anonymous || !card.author ? null : person(card.author))
    map.set('anonymous', card.anonymous)
    map.set('createdAt', card.now)
    map.set('updatedAt', card.now)
    map.set('lastEditor', null)
    cards(doc).set(card.id, map)
  })
}

/** Takes a card out of the document (its shape is gone, and it said nothing). */
export function removeCard(doc: Y.Doc, cardId: string): void {
  cards(doc).delete(cardId)
}

export function hasCard(doc: Y.Doc, cardId: string): boolean {
  return cards(doc).has(cardId)
}

export function getCardText(doc: Y.Doc, cardId: string): Y.Text | null {
  const text = cards(doc).get(cardId)?.get('text')
  return text instanceof Y.Text ? text : null
}

export function readCard(doc: Y.Doc, cardId: string): CardData | null {
  const map = cards(doc).get(cardId)
  if (!(map instanceof Y.Map)) return null
  const kind = map.get('kind')
  const text = map.get('text')
  return {
    id: cardId,
    kind: isContributionKind(kind) ? kind : 'understanding',
    text: text instanceof Y.Text ? text.toString() : '',
    author: asPerson(map.get('author')),
    anonymous: map.get('anonymous') === true,
    createdAt: Number(map.get('createdAt')) || 0,
    updatedAt: Number(map.get('updatedAt')) || 0,
    lastEditor: asPerson(map.get('lastEditor')),
  }
}

export function listCards(doc: Y.Doc): CardData[] {
  return [...cards(doc).keys()].map((id) => readCard(doc, id)).filter((card): card is CardData => card !== null)
}

/** Records who changed a card; an author changing their own card is not shown as an edit by others. */
function touchCard(map: Y.Map<unknown>, editor: Person | null, now: number): void {
  map.set('updatedAt', now)
  const author = asPerson(map.get('author'))
  if (editor && author?.id !== editor.id) map.set('lastEditor', person(editor))
}

export function editCardText(doc: Y.Doc, cardId: string, next: string, editor: Person | null, now: number): void {
  const map = cards(doc).get(cardId)
  const text = map?.get('text')
  if (!map || !(text instanceof Y.Text)) return
  doc.transact(() => {
    replaceText(text, cleanText(next, MAX_CARD_TEXT_LENGTH))
    touchCard(map, editor, now)
  })
}

export function setCardKind(doc: Y.Doc, cardId: string, kind: ContributionKind, editor: Person | null, now: number): void {
  const map = cards(doc).get(cardId)
  if (!map || map.get('kind') === kind) return
  doc.transact(() => {
    map.set('kind', kind)
    touchCard(map, editor, now)
  })
}

/** Reveals the author of an anonymous card (done by the server once the author proves it). */
export function claimCard(doc: Y.Doc, cardId: string, author: Person, now: number): boolean {
  const map = cards(doc).get(cardId)
  if (map?.get('anonymous') !== true) return false
  doc.transact(() => {
    map.set('author', person(author))
    map.set('anonymous', false)
    map.set('updatedAt', now)
  })
  return true
}

/**
 * Gives a duplicated card shape its own card: a copy of the source's kind and text, with the
 * person who duplicated it as author (an anonymous card's copy stays anonymous).
 */
export function copyCard(doc: Y.Doc, sourceId: string, newId: string, by: Person, now: number): boolean {
  const source = readCard(doc, sourceId)
  if (!source) return false
  createCard(doc, { id: newId, kind: source.kind, text: source.text, author: by, anonymous: source.anonymous, now })
  return true
}

// ---------------------------------------------------------------------------------------------
// Threads

function threadMap(doc: Y.Doc, anchorId: string, create: boolean): Y.Map<unknown> | null {
  const existing = threads(doc).get(anchorId)
  if (existing instanceof Y.Map) return existing
  if (!create) return null
  const map = new Y.Map<unknown>()
  map.set('status', 'open')
  map.set('statusBy', null)
  map.set('statusAt', 0)
  map.set('replies', new Y.Array<Y.Map<unknown>>())
  threads(doc).set(anchorId, map)
  return map
}

function repliesOf(thread: Y.Map<unknown>): Y.Array<Y.Map<unknown>> | null {
  const replies = thread.get('replies')
  return replies instanceof Y.Array ? (replies as Y.Array<Y.Map<unknown>>) : null
}

function findReply(doc: Y.Doc, anchorId: string, replyId: string): Y.Map<unknown> | null {
  const thread = threadMap(doc, anchorId, false)
  const replies = thread && repliesOf(thread)
  if (!replies) return null
  for (const reply of replies) if (reply.get('id') === replyId) return reply
  return null
}

export function addReply(doc: Y.Doc, anchorId: string, reply: { id?: string; author: Person; text: string; now: number }): string {
  const id = reply.id ?? newReplyId()
  doc.transact(() => {
    const thread = threadMap(doc, anchorId, true)!
    const map = new Y.Map<unknown>()
    map.set('id', id)
    map.set('author', person(reply.author))
    map.set('text', new Y.Text(cleanText(reply.text, MAX_REPLY_TEXT_LENGTH)))
    map.set('createdAt', reply.now)
    map.set('editedAt', null)
    map.set('deleted', false)
    repliesOf(thread)!.push([map])
  })
  return id
}

export function getReplyText(doc: Y.Doc, anchorId: string, replyId: string): Y.Text | null {
  const text = findReply(doc, anchorId, replyId)?.get('text')
  return text instanceof Y.Text ? text : null
}

export function editReply(doc: Y.Doc, anchorId: string, replyId: string, next: string, now: number): void {
  const reply = findReply(doc, anchorId, replyId)
  const text = reply?.get('text')
  if (!reply || !(text instanceof Y.Text) || reply.get('deleted') === true) return
  doc.transact(() => {
    replaceText(text, cleanText(next, MAX_REPLY_TEXT_LENGTH))
    reply.set('editedAt', now)
  })
}

/** Deletes a reply's words but keeps its place, so the thread still reads in order. */
export function deleteReply(doc: Y.Doc, anchorId: string, replyId: string, now: number): void {
  const reply = findReply(doc, anchorId, replyId)
  const text = reply?.get('text')
  if (!reply || !(text instanceof Y.Text)) return
  doc.transact(() => {
    text.delete(0, text.length)
    reply.set('deleted', true)
    reply.set('editedAt', now)
  })
}

export function setThreadStatus(doc: Y.Doc, anchorId: string, status: ThreadStatus, by: Person, now: number): void {
  doc.transact(() => {
    const thread = threadMap(doc, anchorId, true)!
    thread.set('status', status)
    thread.set('statusBy', person(by))
    thread.set('statusAt', now)
  })
}

function readReply(map: Y.Map<unknown>): ReplyData | null {
  const author = asPerson(map.get('author'))
  const id = map.get('id')
  const text = map.get('text')
  if (!author || typeof id !== 'string') return null
  const editedAt = map.get('editedAt')
  return {
    id,
    author,
    text: text instanceof Y.Text ? text.toString() : '',
    createdAt: Number(map.get('createdAt')) || 0,
    editedAt: typeof editedAt === 'number' ? editedAt : null,
    deleted: map.get('deleted') === true,
  }
}

export function readThread(doc: Y.Doc, anchorId: string): ThreadData | null {
  const thread = threadMap(doc, anchorId, false)
  if (!thread) return null
  const replies = repliesOf(thread)
  return {
    anchorId,
    status: thread.get('status') === 'resolved' ? 'resolved' : 'open',
    statusBy: asPerson(thread.get('statusBy')),
    statusAt: Number(thread.get('statusAt')) || 0,
    replies: replies
      ? replies
          .toArray()
          .map(readReply)
          .filter((r): r is ReplyData => r !== null)
      : [],
  }
}

export function listThreads(doc: Y.Doc): ThreadData[] {
  return [...threads(doc).keys()].map((id) => readThread(doc, id)).filter((t): t is ThreadData => t !== null)
}

/** Replies that are not deleted. */
export function visibleReplyCount(thread: ThreadData | null): number {
  return thread ? thread.replies.filter((reply) => !reply.deleted).length : 0
}

/** A thread is open when it has replies and nobody resolved it since. */
export function isOpenThread(thread: ThreadData | null): boolean {
  return !!thread && thread.status === 'open' && visibleReplyCount(thread) > 0
}

// ---------------------------------------------------------------------------------------------
// Reactions

/** Adds the person's reaction, or takes it back if they had given it. Returns whether it is now given. */
export function toggleReaction(doc: Y.Doc, cardId: string, reaction: Reaction, by: Person, now: number): boolean {
  let given = false
  doc.transact(() => {
    let perCard = reactions(doc).get(cardId)
    if (!(perCard instanceof Y.Map)) {
      perCard = new Y.Map()
      reactions(doc).set(cardId, perCard)
    }
    let people = perCard.get(reaction)
    if (!(people instanceof Y.Map)) {
      people = new Y.Map()
      perCard.set(reaction, people)
    }
    if (people.has(by.id)) people.delete(by.id)
    else {
      people.set(by.id, { name: by.name, color: by.color, at: now })
      given = true
    }
  })
  return given
}

export interface ReactionGiver extends Person {
  at: number
}

export function readReactions(doc: Y.Doc, cardId: string): Record<Reaction, ReactionGiver[]> {
  const perCard = reactions(doc).get(cardId)
  const result = Object.fromEntries(REACTIONS.map((r) => [r, [] as ReactionGiver[]])) as Record<Reaction, ReactionGiver[]>
  if (!(perCard instanceof Y.Map)) return result
  for (const reaction of REACTIONS) {
    const people = perCard.get(reaction)
    if (!(people instanceof Y.Map)) continue
    for (const [id, value] of people.entries()) {
      const giver = value as { name?: unknown; color?: unknown; at?: unknown }
      if (typeof giver?.name !== 'string') continue
      result[reaction].push({ id, name: giver.name, color: String(giver.color ?? ''), at: Number(giver.at) || 0 })
    }
    result[reaction].sort((a, b) => a.at - b.at)
  }
  return result
}

// ---------------------------------------------------------------------------------------------
// Members

/** Records (or refreshes) a person's entry; each client writes only its own. */
export function upsertMember(doc: Y.Doc, member: Person & { practice: string }, now: number): void {
  const existing = members(doc).get(member.id)
  const next: MemberData = {
    id: member.id,
    name: member.name,
    color: member.color,
    practice: cleanText(member.practice, MAX_PRACTICE_LENGTH).replace(/\n/g, ' '),
    firstSeenAt: existing?.firstSeenAt ?? now,
    lastSeenAt: now,
  }
  if (existing && existing.name === next.name && existing.color === next.color && existing.practice === next.practice && now - existing.lastSeenAt < 60_000) {
    return
  }
  members(doc).set(member.id, next)
}

/** The practice line a member gave (empty when none, or for someone not in the people document). */
export function readMemberPractice(doc: Y.Doc, personId: string): string {
  const value = members(doc).get(personId)
  return value && asPerson(value) ? String(value.practice ?? '') : ''
}

export function listMembers(doc: Y.Doc): MemberData[] {
  const result: MemberData[] = []
  for (const value of members(doc).values()) {
    const p = asPerson(value)
    if (!p) continue
    result.push({ ...p, practice: String(value.practice ?? ''), firstSeenAt: Number(value.firstSeenAt) || 0, lastSeenAt: Number(value.lastSeenAt) || 0 })
  }
  return result.sort((a, b) => a.firstSeenAt - b.firstSeenAt)
}

export interface MemberActivity {
  /** Cards they placed under their name. */
  contributions: number
  /** Replies and reactions on other people's cards. */
  responses: number
}

/** Contributions and responses per person, from cards, threads and who reacted to which card. */
export function activityAmong(content: {
  cards: Iterable<CardData>
  threads: Iterable<ThreadData>
  reactionGivers: Iterable<readonly [string, readonly string[]]>
}): Map<string, MemberActivity> {
  const activity = new Map<string, MemberActivity>()
  const entry = (id: string) => {
    let value = activity.get(id)
    if (!value) activity.set(id, (value = { contributions: 0, responses: 0 }))
    return value
  }
  const authorOf = new Map<string, string | null>()
  for (const card of content.cards) {
    authorOf.set(card.id, card.author?.id ?? null)
    if (card.author) entry(card.author.id).contributions++
  }
  for (const thread of content.threads) {
    const anchorAuthor = authorOf.get(thread.anchorId) ?? null
    for (const reply of thread.replies) if (!reply.deleted && reply.author.id !== anchorAuthor) entry(reply.author.id).responses++
  }
  for (const [cardId, giverIds] of content.reactionGivers) {
    const anchorAuthor = authorOf.get(cardId) ?? null
    for (const giverId of giverIds) if (giverId !== anchorAuthor) entry(giverId).responses++
  }
  return activity
}

export function memberActivity(doc: Y.Doc): Map<string, MemberActivity> {
  const reactionGivers = [...reactions(doc).keys()].map(
    (cardId) => [cardId, Object.values(readReactions(doc, cardId)).flatMap((givers) => givers.map((giver) => giver.id))] as const,
  )
  return activityAmong({ cards: listCards(doc), threads: listThreads(doc), reactionGivers })
}
