/**
 * Puts a moment's canvas into the history view's own tldraw store: the records are read from the
 * moment's canvas Y.Doc through the same binding the live board uses (so older records are
 * migrated the same way), into a throwaway store, and then swapped into the view's store in one
 * change, so the camera and selection of the view stay where the person left them.
 */
import { atom, createTLStore, defaultShapeUtils, type TLAnyShapeUtilConstructor, type TLAssetStore, type TLRecord, type TLStore } from 'tldraw'
import type * as Y from 'yjs'
import { bindStoreToDoc } from '../board/yjsBinding'

export function createHistoryStore(shapeUtils: readonly TLAnyShapeUtilConstructor[], assets: TLAssetStore): TLStore {
  return createTLStore({
    shapeUtils: [...defaultShapeUtils, ...shapeUtils],
    assets,
    collaboration: { status: null, mode: atom('history mode', 'readonly') },
  })
}

/** Replaces the store's document records with the moment's; records tldraw cannot read are left out. */
export function showMomentInStore(store: TLStore, canvas: Y.Doc, shapeUtils: readonly TLAnyShapeUtilConstructor[]): void {
  const reader = createTLStore({ shapeUtils: [...defaultShapeUtils, ...shapeUtils] })
  const binding = bindStoreToDoc(reader, canvas, { readonly: true, onError: () => {} })
  const isDocumentRecord = (record: TLRecord) => store.scopedTypes.document.has(record.typeName)
  const records = reader.allRecords().filter(isDocumentRecord)
  binding.dispose()
  const keep = new Set(records.map((record) => record.id))
  store.mergeRemoteChanges(() => {
    const stale = store
      .allRecords()
      .filter((record) => isDocumentRecord(record) && !keep.has(record.id))
      .map((record) => record.id)
    if (stale.length > 0) store.remove(stale)
    store.put(records)
  })
}
