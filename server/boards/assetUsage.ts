/**
 * Which of a board's uploaded files its canvas still uses: those that an image or video shape
 * points at through its asset record (`shape.props.assetId` -> `asset.props.src`, a same-origin
 * path `/api/boards/<boardId>/assets/<assetId>`). Records come from the canvas document and
 * are read defensively: anything that is not shaped as expected uses nothing.
 *
 * @example
 *   const used = usedAssetIds(canvas.doc, boardId)   // Set of 40-hex asset ids
 */
import type * as Y from 'yjs'
import { TLDRAW_RECORDS_MAP } from '../../shared/board/docLayout'

function propsOf(record: unknown): Record<string, unknown> | null {
  if (typeof record !== 'object' || record === null) return null
  const props = (record as { props?: unknown }).props
  return typeof props === 'object' && props !== null ? (props as Record<string, unknown>) : null
}

function typeNameOf(record: unknown): unknown {
  return typeof record === 'object' && record !== null ? (record as { typeName?: unknown }).typeName : undefined
}

export function usedAssetIds(canvas: Y.Doc, boardId: string): Set<string> {
  const records = canvas.getMap<unknown>(TLDRAW_RECORDS_MAP)
  const ownPath = new RegExp(`^/api/boards/${boardId.replace(/[^A-Za-z0-9_-]/g, '')}/assets/([a-f0-9]{40})(?:[?#].*)?$`)
  const referencedAssetRecords = new Set<string>()
  for (const record of records.values()) {
    if (typeNameOf(record) !== 'shape') continue
    const assetId = propsOf(record)?.assetId
    if (typeof assetId === 'string') referencedAssetRecords.add(assetId)
  }
  const used = new Set<string>()
  for (const recordId of referencedAssetRecords) {
    const record = records.get(recordId)
    if (typeNameOf(record) !== 'asset') continue
    const src = propsOf(record)?.src
    const match = typeof src === 'string' ? ownPath.exec(src) : null
    if (match) used.add(match[1])
  }
  return used
}
