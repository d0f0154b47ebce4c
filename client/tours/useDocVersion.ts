/**
 * Re-renders a component whenever the named root maps of a Y.Doc change (deeply), so views can
 * read the document with plain functions during render.
 */
import { useCallback, useSyncExternalStore } from 'react'
import type * as Y from 'yjs'

/** A change counter per document, shared by every subscriber. */
const versions = new WeakMap<Y.Doc, number>()

export function useDocVersion(doc: Y.Doc, rootMaps: readonly string[]): number {
  const key = rootMaps.join('\n')
  const subscribe = useCallback(
    (onChange: () => void) => {
      const maps = key.split('\n').map((name) => doc.getMap(name))
      const bump = () => {
        versions.set(doc, (versions.get(doc) ?? 0) + 1)
        onChange()
      }
      for (const map of maps) map.observeDeep(bump)
      return () => {
        for (const map of maps) map.unobserveDeep(bump)
      }
    },
    [doc, key],
  )
  return useSyncExternalStore(subscribe, () => versions.get(doc) ?? 0)
}
