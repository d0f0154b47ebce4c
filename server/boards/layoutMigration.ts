/**
 * Boards made before the documents were split by who may write them kept threads, reactions and
 * tours (now in `<boardId>.conversation`) and members (now in `<boardId>.people`) in the canvas.
 * When such a canvas is loaded, the server copies what the new documents lack into them, stores
 * that, and only then removes it from the canvas: a crash in between leaves a copy in both, and
 * the next load finishes the move without duplicating anything (see mergeSharedMap). It runs on every load, so what
 * an old browser tab writes into the canvas later moves too.
 */
import * as Y from 'yjs'
import type { Logger } from 'pino'
import { conversationDocName, peopleDocName } from '../../shared/board/docNames'
import { MEMBERS_MAP, REACTIONS_MAP, THREADS_MAP, TOURS_MAP } from '../../shared/board/docLayout'
import type { BoardDocument } from '../relay/boardDocument'
import type { DocumentHost } from '../relay/hooks'

/** Where each map that used to live in the canvas belongs now. */
const MOVES: ReadonlyArray<{ map: string; to: (boardId: string) => string }> = [
  { map: THREADS_MAP, to: conversationDocName },
  { map: REACTIONS_MAP, to: conversationDocName },
  { map: TOURS_MAP, to: conversationDocName },
  { map: MEMBERS_MAP, to: peopleDocName },
]

/** A copy of a value for another document: shared types are rebuilt, plain values kept. */
export function copySharedValue(value: unknown): unknown {
  if (value instanceof Y.Text) return new Y.Text(value.toString())
  if (value instanceof Y.Map) {
    const copy = new Y.Map<unknown>()
    for (const [key, inner] of value.entries()) copy.set(key, copySharedValue(inner))
    return copy
  }
  if (value instanceof Y.Array) {
    const copy = new Y.Array<unknown>()
    copy.push(value.toArray().map(copySharedValue))
    return copy
  }
  if (value instanceof Uint8Array) return value.slice()
  return value
}

/** The id an array element carries (replies and tour stops do), to tell whether a copy holds it. */
function elementId(value: unknown): unknown {
  if (value instanceof Y.Map) return value.get('id')
  if (typeof value === 'object' && value !== null && 'id' in value) return (value as { id: unknown }).id
  return undefined
}

/**
 * Adds to `destination` what `source` holds and it lacks: missing keys, and array elements with
 * ids it does not have (a reply an old tab added to a thread that already moved). Nothing in
 * `destination` is overwritten.
 */
export function mergeSharedMap(destination: Y.Map<unknown>, source: Y.Map<unknown>): void {
  for (const [key, value] of source.entries()) {
    const existing = destination.get(key)
    if (!destination.has(key)) destination.set(key, copySharedValue(value))
    else if (existing instanceof Y.Map && value instanceof Y.Map) mergeSharedMap(existing, value)
    else if (existing instanceof Y.Array && value instanceof Y.Array) {
      const ids = new Set<unknown>((existing as Y.Array<unknown>).toArray().map(elementId))
      const missing = (value as Y.Array<unknown>).toArray().filter((element) => elementId(element) !== undefined && !ids.has(elementId(element)))
      if (missing.length > 0) (existing as Y.Array<unknown>).push(missing.map(copySharedValue))
    }
  }
}

export async function migrateBoardLayout(canvas: BoardDocument, boardId: string, documents: DocumentHost, log: Logger): Promise<void> {
  const pending = MOVES.filter(({ map }) => canvas.doc.getMap(map).size > 0)
  if (pending.length === 0) return
  let moved = 0
  for (const { map, to } of pending) {
    const target = await documents.hold(to(boardId))
    try {
      const source = canvas.doc.getMap<unknown>(map)
      const destination = target.document.doc.getMap<unknown>(map)
      target.document.doc.transact(() => mergeSharedMap(destination, source), 'server')
      await target.document.flush()
      if (target.document.isFailed) throw new Error(`storing the moved ${map} failed`)
      moved += source.size
    } finally {
      target.release()
    }
  }
  canvas.doc.transact(() => {
    for (const { map } of pending) {
      const source = canvas.doc.getMap<unknown>(map)
      for (const key of [...source.keys()]) source.delete(key)
    }
  }, 'server')
  await canvas.flush()
  log.info({ boardId, moved, maps: pending.map(({ map }) => map) }, 'board layout migrated: conversation and people moved out of the canvas')
}
