/**
 * A live, read-only index of a board's conversation layer (cards, threads, reaction counts,
 * members, link changes), kept in a tldraw atom so React panels and the canvas filter re-render
 * when it changes. It reads three documents: cards and links from the canvas, threads and
 * reactions from the conversation, members from the people document. It observes each once,
 * re-reads only the cards and threads an update touched, and publishes at most a few times a
 * second, so a board with thousands of cards and replies stays responsive while others type.
 *
 * @example
 *   const index = createConversationIndex({ canvas: canvasDoc, conversation: conversationDoc, people: peopleDoc })
 *   react('open threads', () => index.snapshot.get().threads)
 *   index.dispose()
 */
import { atom, type Atom } from 'tldraw'
import type * as Y from 'yjs'
import { listMembers, readCard, readReactions, readThread, type CardData, type MemberData, type ThreadData } from '../../shared/board/boardModel'
import { CARDS_MAP, MEMBERS_MAP, REACTIONS_MAP, THREADS_MAP, TLDRAW_RECORDS_MAP } from '../../shared/board/docLayout'
import { readLinkMeta, type LinkMeta } from '../../shared/board/links'

export interface ConversationSnapshot {
  /** Grows with every published change; a cheap dependency for derived values. */
  readonly revision: number
  readonly cards: ReadonlyMap<string, CardData>
  /** By anchor id: a card id, or a link's arrow shape id. */
  readonly threads: ReadonlyMap<string, ThreadData>
  /** Reactions given to a card, all kinds together. */
  readonly reactionCounts: ReadonlyMap<string, number>
  /** Who gave a card's reactions: one person id per reaction given. */
  readonly reactionGivers: ReadonlyMap<string, readonly string[]>
  readonly members: readonly MemberData[]
  /** Links (arrows with link meta) by arrow shape id. */
  readonly links: ReadonlyMap<string, LinkMeta>
}

export interface ConversationIndex {
  readonly snapshot: Atom<ConversationSnapshot>
  dispose(): void
}

/** Publishing more often than this only costs work nobody can see. */
export const PUBLISH_INTERVAL_MS = 150

interface ArrowLike {
  typeName?: unknown
  type?: unknown
  meta?: unknown
}

function isArrowRecord(value: unknown): value is ArrowLike {
  const record = value as ArrowLike | undefined
  return !!record && record.typeName === 'shape' && record.type === 'arrow'
}

function reactionGiverIds(doc: Y.Doc, cardId: string): string[] {
  return Object.values(readReactions(doc, cardId)).flatMap((givers) => givers.map((giver) => giver.id))
}

function readLink(value: unknown): LinkMeta | null {
  return isArrowRecord(value) ? readLinkMeta(value.meta) : null
}

/** What Y.Map.observeDeep hands its observer (Yjs types the events' target loosely). */
// biome-ignore lint/suspicious/noExplicitAny: observeDeep's own signature is Array<YEvent<any>>
type DeepEvents = Array<Y.YEvent<any>>

/** The top-level keys a batch of deep events touched. */
function touchedKeys(root: Y.Map<unknown>, events: DeepEvents, into: Set<string>): void {
  for (const event of events) {
    if (event.target === root) {
      for (const key of event.changes.keys.keys()) into.add(key)
    } else if (typeof event.path[0] === 'string') {
      into.add(event.path[0])
    }
  }
}

function countsOf(givers: ReadonlyMap<string, readonly string[]>): Map<string, number> {
  return new Map([...givers].map(([id, ids]) => [id, ids.length]))
}

/** The documents the index reads (see shared/board/docNames.ts). */
export interface ConversationSources {
  /** Cards and links. */
  readonly canvas: Y.Doc
  /** Threads and reactions. */
  readonly conversation: Y.Doc
  /** Members. */
  readonly people: Y.Doc
}

export function createConversationIndex({ canvas, conversation, people }: ConversationSources): ConversationIndex {
  const cardsMap = canvas.getMap(CARDS_MAP)
  const recordsMap = canvas.getMap(TLDRAW_RECORDS_MAP)
  const threadsMap = conversation.getMap(THREADS_MAP)
  const reactionsMap = conversation.getMap(REACTIONS_MAP)
  const membersMap = people.getMap(MEMBERS_MAP)

  const cards = new Map<string, CardData>()
  for (const id of cardsMap.keys()) {
    const card = readCard(canvas, id)
    if (card) cards.set(id, card)
  }
  const threads = new Map<string, ThreadData>()
  for (const id of threadsMap.keys()) {
    const thread = readThread(conversation, id)
    if (thread) threads.set(id, thread)
  }
  const reactionGivers = new Map<string, readonly string[]>()
  for (const id of reactionsMap.keys()) reactionGivers.set(id, reactionGiverIds(conversation, id))
  const links = new Map<string, LinkMeta>()
  for (const [id, value] of recordsMap.entries()) {
    const link = readLink(value)
    if (link) links.set(id, link)
  }

  const snapshot = atom<ConversationSnapshot>('conversation snapshot', {
    revision: 0,
    cards,
    threads,
    reactionCounts: countsOf(reactionGivers),
    reactionGivers,
    members: listMembers(people),
    links,
  })

  const dirtyCards = new Set<string>()
  const dirtyThreads = new Set<string>()
  const dirtyReactions = new Set<string>()
  const dirtyLinks = new Set<string>()
  let membersDirty = false
  let timer: ReturnType<typeof setTimeout> | null = null
  let lastPublishedAt = 0
  let isDisposed = false

  const publish = () => {
    timer = null
    if (isDisposed) return
    lastPublishedAt = Date.now()
    const previous = snapshot.get()
    const next: { -readonly [K in keyof ConversationSnapshot]: ConversationSnapshot[K] } = { ...previous, revision: previous.revision + 1 }
    if (dirtyCards.size > 0) {
      const nextCards = new Map(previous.cards)
      for (const id of dirtyCards) {
        const card = readCard(canvas, id)
        if (card) nextCards.set(id, card)
        else nextCards.delete(id)
      }
      next.cards = nextCards
      dirtyCards.clear()
    }
    if (dirtyThreads.size > 0) {
      const nextThreads = new Map(previous.threads)
      for (const id of dirtyThreads) {
        const thread = readThread(conversation, id)
        if (thread) nextThreads.set(id, thread)
        else nextThreads.delete(id)
      }
      next.threads = nextThreads
      dirtyThreads.clear()
    }
    if (dirtyReactions.size > 0) {
      const nextGivers = new Map(previous.reactionGivers)
      for (const id of dirtyReactions) {
        if (reactionsMap.has(id)) nextGivers.set(id, reactionGiverIds(conversation, id))
        else nextGivers.delete(id)
      }
      next.reactionGivers = nextGivers
      next.reactionCounts = countsOf(nextGivers)
      dirtyReactions.clear()
    }
    if (membersDirty) {
      next.members = listMembers(people)
      membersDirty = false
    }
    if (dirtyLinks.size > 0) {
      const nextLinks = new Map(previous.links)
      for (const id of dirtyLinks) {
        const link = readLink(recordsMap.get(id))
        if (link) nextLinks.set(id, link)
        else nextLinks.delete(id)
      }
      next.links = nextLinks
      dirtyLinks.clear()
    }
    snapshot.set(next)
  }

  const schedule = () => {
    if (timer !== null || isDisposed) return
    const wait = Math.max(0, lastPublishedAt + PUBLISH_INTERVAL_MS - Date.now())
    timer = setTimeout(publish, wait)
  }

  const onCards = (events: DeepEvents) => {
    touchedKeys(cardsMap, events, dirtyCards)
    schedule()
  }
  const onThreads = (events: DeepEvents) => {
    touchedKeys(threadsMap, events, dirtyThreads)
    schedule()
  }
  const onReactions = (events: DeepEvents) => {
    touchedKeys(reactionsMap, events, dirtyReactions)
    schedule()
  }
  const onMembers = () => {
    membersDirty = true
    schedule()
  }
  // Shapes move all the time; only a link's meta (its type and attribution) matters here.
  const onRecords = (event: Y.YMapEvent<unknown>) => {
    let changed = false
    for (const [key, change] of event.changes.keys) {
      const before = change.oldValue
      const after = recordsMap.get(key)
      if (!isArrowRecord(before) && !isArrowRecord(after)) continue
      if (change.action !== 'update' || JSON.stringify((before as ArrowLike).meta) !== JSON.stringify((after as ArrowLike).meta)) {
        dirtyLinks.add(key)
        changed = true
      }
    }
    if (changed) schedule()
  }

  cardsMap.observeDeep(onCards)
  threadsMap.observeDeep(onThreads)
  reactionsMap.observeDeep(onReactions)
  membersMap.observeDeep(onMembers)
  recordsMap.observe(onRecords)

  return {
    snapshot,
    dispose: () => {
      isDisposed = true
      if (timer !== null) clearTimeout(timer)
      cardsMap.unobserveDeep(onCards)
      threadsMap.unobserveDeep(onThreads)
      reactionsMap.unobserveDeep(onReactions)
      membersMap.unobserveDeep(onMembers)
      recordsMap.unobserve(onRecords)
    },
  }
}
