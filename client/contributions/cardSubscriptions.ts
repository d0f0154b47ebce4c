/**
 * Live reads of one card's entries, for card components: its card in the canvas document, its
 * reactions and thread in the conversation document. A board may hold a thousand cards, so no
 * card observes a whole document: one deep observer per document and top-level map (`cards`,
 * `reactions`, `threads`) routes each change to the listeners of the entry it touched (the key at
 * the head of the event's path), and a card hears only about its own entries.
 *
 * @example
 *   const card = useCardData(canvasDoc, cardId) // re-renders when this card's kind, text or author change
 *   const replies = useReplyCount(conversationDoc, cardId)
 *   const stop = subscribeToEntry(canvasDoc, CARDS_MAP, cardId, () => console.log('changed'))
 */
import { useCallback, useMemo, useSyncExternalStore } from 'react'
import type * as Y from 'yjs'
import { CARDS_MAP, MEMBERS_MAP, REACTIONS_MAP, THREADS_MAP } from '../../shared/board/docLayout'
import { readCard, readMemberPractice, readReactions, readThread, visibleReplyCount, type CardData, type ReactionGiver } from '../../shared/board/boardModel'
import type { Reaction } from '../../shared/board/vocabulary'

type Listener = () => void
type EntryRouter = Map<string, Set<Listener>>

const routersByDoc = new WeakMap<Y.Doc, Map<string, EntryRouter>>()

function routerFor(doc: Y.Doc, mapName: string): EntryRouter {
  let routers = routersByDoc.get(doc)
  if (!routers) routersByDoc.set(doc, (routers = new Map()))
  let router = routers.get(mapName)
  if (router) return router
  const listeners: EntryRouter = new Map()
  const map = doc.getMap(mapName)
  map.observeDeep((events) => {
    const touched = new Set<string>()
    for (const event of events) {
      if (event.target === map) for (const key of (event as Y.YMapEvent<unknown>).keysChanged) touched.add(key)
      else if (typeof event.path[0] === 'string') touched.add(event.path[0])
    }
    for (const key of touched) for (const listener of listeners.get(key) ?? []) listener()
  })
  routers.set(mapName, listeners)
  router = listeners
  return router
}

/** Calls `listener` after every transaction that changed `map[key]` or anything inside it. */
export function subscribeToEntry(doc: Y.Doc, mapName: string, key: string, listener: Listener): () => void {
  const router = routerFor(doc, mapName)
  let forKey = router.get(key)
  if (!forKey) router.set(key, (forKey = new Set()))
  forKey.add(listener)
  return () => {
    forKey.delete(listener)
    if (forKey.size === 0 && router.get(key) === forKey) router.delete(key)
  }
}

/** The current value of `read(doc, key)`, re-read whenever that entry of `mapName` changes. */
function useDocEntry<T>(doc: Y.Doc, mapName: string, key: string, read: (doc: Y.Doc, key: string) => T): T {
  const snapshot = useMemo(() => ({ value: read(doc, key) }), [doc, key, read])
  const subscribe = useCallback(
    (notify: () => void) => {
      const refresh = () => {
        snapshot.value = read(doc, key)
        notify()
      }
      return subscribeToEntry(doc, mapName, key, refresh)
    },
    [doc, mapName, key, read, snapshot],
  )
  return useSyncExternalStore(subscribe, () => snapshot.value)
}

export function useCardData(canvasDoc: Y.Doc, cardId: string): CardData | null {
  return useDocEntry(canvasDoc, CARDS_MAP, cardId, readCard)
}

export function useCardReactions(conversationDoc: Y.Doc, cardId: string): Record<Reaction, ReactionGiver[]> {
  return useDocEntry(conversationDoc, REACTIONS_MAP, cardId, readReactions)
}

const readReplyCount = (doc: Y.Doc, cardId: string) => visibleReplyCount(readThread(doc, cardId))

export function useReplyCount(conversationDoc: Y.Doc, cardId: string): number {
  return useDocEntry(conversationDoc, THREADS_MAP, cardId, readReplyCount)
}

/** The practice line of a card's author, from the people document (which only the server writes). */
export function useMemberPractice(peopleDoc: Y.Doc, personId: string | null): string {
  return useDocEntry(peopleDoc, MEMBERS_MAP, personId ?? '', readMemberPractice)
}
