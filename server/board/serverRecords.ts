/**
 * The tldraw records the server itself writes onto a board's canvas (revealed drafts, anonymous
 * cards), checked before they are written with tldraw's own schema: the @tldraw/tlschema the
 * client's tldraw runs on, with tldraw's default shapes and our `contribution` shape from its one
 * shared definition (shared/board/contributionShape.ts, which the client's ContributionShapeUtil
 * registers). A client skips a record its schema refuses, so an unchecked server record could make
 * a card silently missing from everyone's board — after a tldraw upgrade, say. Here it is refused
 * with the reason instead, where the server can say so.
 *
 * A record is also refused when its parent does not exist on the board, and it is written in the
 * format of the tldraw version the board was last saved with (`tldraw:meta`), as the clients on
 * the board read it: migrated down when the board is older than the server, refused when newer.
 * Importing this module loads tldraw's schema packages only, never React or the DOM.
 *
 * @example
 *   const checked = checkServerRecord(canvas.doc, contributionShapeRecord({ ... }))
 *   if (checked.ok) records.set(checked.record.id, checked.record)
 *   else log.warn({ boardId, reason: checked.message }, 'record refused')
 */
import type { SerializedSchema } from '@tldraw/store'
import { createTLSchema, defaultShapeSchemas, type TLRecord } from '@tldraw/tlschema'
import { T } from '@tldraw/validate'
import type * as Y from 'yjs'
import { CONTRIBUTION_SHAPE_TYPE, contributionShapeProps } from '../../shared/board/contributionShape'
import { TLDRAW_META_MAP, TLDRAW_RECORDS_MAP, TLDRAW_SCHEMA_KEY } from '../../shared/board/docLayout'

/** The shapes a board's client registers: tldraw's defaults and ours (client/board/boardConnection.ts). */
export const serverShapeSchemas = {
  ...defaultShapeSchemas,
  [CONTRIBUTION_SHAPE_TYPE]: { props: contributionShapeProps },
}

/** The schema of a board's tldraw store, as the client builds it. */
export const serverSchema = createTLSchema({ shapes: serverShapeSchemas })
const serverSchemaSerialized = serverSchema.serialize()

/** The page every client creates on a board that has none yet (client/board/yjsBinding.ts). */
export const DEFAULT_PAGE_ID = 'page:page'

export type ServerRecordProblem = 'unknown-parent' | 'invalid-record' | 'board-format'

export type ServerRecordCheck = { ok: true; record: TLRecord } | { ok: false; problem: ServerRecordProblem; message: string }

interface RecordLike {
  id?: unknown
  typeName?: unknown
  parentId?: unknown
  index?: unknown
}

const asRecord = (value: unknown): RecordLike | null => (typeof value === 'object' && value !== null ? (value as RecordLike) : null)

/** The board's pages, in their order; the default page while the board has none yet. */
export function boardPageIds(records: Y.Map<unknown>): string[] {
  const pages: Array<{ id: string; index: string }> = []
  for (const value of records.values()) {
    const record = asRecord(value)
    if (record?.typeName === 'page' && typeof record.id === 'string') pages.push({ id: record.id, index: String(record.index ?? '') })
  }
  if (pages.length === 0) return [DEFAULT_PAGE_ID]
  return pages.sort((a, b) => (a.index < b.index ? -1 : a.index > b.index ? 1 : a.id < b.id ? -1 : 1)).map((page) => page.id)
}

/** Whether `parentId` names a page of the board or a shape on it. */
export function parentExists(records: Y.Map<unknown>, parentId: unknown): boolean {
  if (typeof parentId !== 'string') return false
  if (parentId.startsWith('page:')) return boardPageIds(records).includes(parentId)
  return parentId.startsWith('shape:') && asRecord(records.get(parentId))?.typeName === 'shape'
}

/**
 * Checks a record the server is about to write into the canvas document `doc`: valid for tldraw's
 * schema, with a parent that exists, and put into the format the board's records are in.
 */
export function checkServerRecord(doc: Y.Doc, candidate: unknown): ServerRecordCheck {
  const records = doc.getMap<unknown>(TLDRAW_RECORDS_MAP)
  const record = asRecord(candidate)
  const typeName = typeof record?.typeName === 'string' ? record.typeName : ''
  const recordType = Object.hasOwn(serverSchema.types, typeName) ? serverSchema.types[typeName as TLRecord['typeName']] : undefined
  if (!record || !recordType) return { ok: false, problem: 'invalid-record', message: 'The card is not a valid tldraw record: typeName (no such record type)' }
  let valid: TLRecord
  try {
    valid = recordType.validate(record) as TLRecord
  } catch (error) {
    return { ok: false, problem: 'invalid-record', message: `The card is not a valid tldraw record: ${describeValidationError(error, typeName)}` }
  }
  if ('parentId' in valid && !parentExists(records, valid.parentId)) {
    return { ok: false, problem: 'unknown-parent', message: `The card's parent ${valid.parentId} does not exist on this board.` }
  }
  return inBoardFormat(doc, valid)
}

/** "props.w (Expected a non-zero positive number, got -1)" */
function describeValidationError(error: unknown, typeName: string): string {
  if (error instanceof T.ValidationError) {
    // tldraw's paths start with the record type and carry notes: ['shape', '(type = contribution)', 'props', 'w'].
    const path = error.path.filter((part) => !(typeof part === 'string' && part.startsWith('(')))
    if (path[0] === typeName) path.shift()
    return `${path.join('.') || 'record'} (${error.rawMessage})`
  }
  return error instanceof Error ? error.message : String(error)
}

function readStoredSchema(doc: Y.Doc): SerializedSchema | null {
  const stored = doc.getMap<unknown>(TLDRAW_META_MAP).get(TLDRAW_SCHEMA_KEY)
  return typeof stored === 'object' && stored !== null && 'schemaVersion' in stored ? (stored as SerializedSchema) : null
}

/**
 * The record as the board's clients read it. Clients migrate every record up from the schema
 * stored with the board, so a record written in a newer format than the stored one would be
 * migrated twice; it is migrated down to the stored format instead (as the client's binding,
 * client/board/yjsBinding.ts, would write it), and refused when that cannot be done or the board
 * was saved by a newer tldraw than the server's.
 */
function inBoardFormat(doc: Y.Doc, record: TLRecord): ServerRecordCheck {
  const stored = readStoredSchema(doc)
  if (!stored) return { ok: true, record }
  const ours = serverSchemaSerialized
  const newer =
    stored.schemaVersion > ours.schemaVersion ||
    (stored.schemaVersion === 2 && Object.entries(stored.sequences).some(([id, version]) => ours.sequences[id] !== undefined && version > ours.sequences[id]))
  if (newer) return { ok: false, problem: 'board-format', message: 'The board was saved by a newer version of tldraw than this server runs.' }
  const since = serverSchema.getMigrationsSince(stored)
  if (!since.ok) return { ok: false, problem: 'board-format', message: `The board's tldraw format is not one this server knows (${since.error}).` }
  const relevant = since.value.filter((migration) => migration.scope !== 'record' || !migration.filter || migration.filter(record))
  if (relevant.length === 0) return { ok: true, record }
  let migrated = structuredClone(record) as TLRecord
  for (const migration of [...relevant].reverse()) {
    if (migration.scope !== 'record' || !migration.down) {
      return { ok: false, problem: 'board-format', message: `The card cannot be written in the board's older tldraw format (${migration.id} has no way back).` }
    }
    migrated = (migration.down(migrated) as TLRecord | undefined) ?? migrated
  }
  return { ok: true, record: migrated }
}
