/**
 * Live reads of one card's entries in the canvas document, for card components. A board may hold
 * a thousand cards, so no card observes the whole document: one deep observer per top-level map
 * (`cards`, `reactions`, `threads`) routes each change to the listeners of the entry it touched
 * (the key at the head of the event's path), and a card hears only about its own entries.
 *
 * @example
 *   const card = useCardData(doc, cardId) // re-renders when this card's kind, text or author change
 *   const stop = subscribeToEntry(doc, CARDS_MAP, cardId, () => console.log('changed'))
 */
import { useCallback, useMemo, useSyncExternalStore } from 'react'
import * as Y from 'yjs'
import { CARDS_MAP, REACTIONS_MAP, THREADS_MAP } from '../../shared/board/docLayout'
import {
  readCard,
  readReactions,
  readThread,
  visibleReplyCount,
  type CardData,
  type ReactionGiver,
} from '../../shared/board/boardModel'
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

export function useCardData(doc: Y.Doc, cardId: string): CardData | null {
  return useDocEntry(doc, CARDS_MAP, cardId, readCard)
}

export function useCardReactions(doc: Y.Doc, cardId: string): Record<Reaction, ReactionGiver[]> {
  return useDocEntry(doc, REACTIONS_MAP, cardId, readReactions)
}

const readReplyCount = (doc: Y.Doc, cardId: string) => visibleReplyCount(readThread(doc, cardId))

export function useReplyCount(doc: Y.Doc, cardId: string): number {
  return useDocEntry(doc, THREADS_MAP, cardId, readReplyCount)
}
