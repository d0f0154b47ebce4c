/**
 * Reads an uploaded board file and checks it completely before anything is stored: JSON syntax
 * (with the line of the first error), the format name and version, the shape of every part
 * (shared/exchange/boardFile.ts, with the line of the first bad field), the limits, and then the
 * tldraw records against tldraw's own schema (migrated up from the schema the file names), with
 * every reference checked: a record's parent, an arrow binding's two ends, a contribution shape's
 * card, a thread's or reaction's anchor. The answer is a file the board writer can trust, or the
 * first problem in words a person can act on ("line 12: …").
 *
 * @example
 *   const checked = checkBoardFile(bodyText)
 *   if (!checked.ok) sendError(res, checked.status, checked.message)
 */
import type { SerializedSchema } from '@tldraw/store'
import type { TLRecord } from '@tldraw/tlschema'
import { findNodeAtLocation, type Node, type ParseError, parseTree, printParseErrorCode } from 'jsonc-parser'
import type { z } from 'zod'
import {
  BOARD_FILE_FORMAT,
  BOARD_FILE_VERSION,
  BoardFile,
  BoardFileHead,
  MAX_IMPORT_CARDS,
  MAX_IMPORT_RECORDS,
  MAX_IMPORT_REPLIES,
  type FileRecord,
} from '../../shared/exchange/boardFile'
import { serverSchema } from '../board/serverRecords'

export type BoardFileCheck = { ok: true; file: BoardFile } | { ok: false; status: 400 | 413; message: string }

const refuse = (message: string, status: 400 | 413 = 400): BoardFileCheck => ({ ok: false, status, message })

function lineAt(text: string, offset: number): number {
  let line = 1
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++
  return line
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const path = issue.path.map((part) => (typeof part === 'number' ? `[${part}]` : `.${String(part)}`)).join('')
  return `${path.replace(/^\./, '') || 'the file'}: ${issue.message}`
}

/** The line a path points to in the file, or the nearest line of its parents. */
function lineOfPath(tree: Node, text: string, path: PropertyKey[]): number {
  for (let length = path.length; length >= 0; length--) {
    const node = findNodeAtLocation(tree, path.slice(0, length) as Array<string | number>)
    if (node) return lineAt(text, node.offset)
  }
  return 1
}

export function checkBoardFile(text: string): BoardFileCheck {
  const errors: ParseError[] = []
  const tree = parseTree(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false })
  if (errors.length > 0 || !tree) {
    const first = errors[0]
    const where = first ? `line ${lineAt(text, first.offset)}: ` : ''
    return refuse(`${where}this is not valid JSON (${first ? printParseErrorCode(first.error) : 'empty'}). A board file is the JSON a board's export gives.`)
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (error) {
    return refuse(`This is not valid JSON (${error instanceof Error ? error.message : String(error)}).`)
  }
  const head = BoardFileHead.safeParse(json)
  if (!head.success || head.data.format !== BOARD_FILE_FORMAT) {
    return refuse(`line 1: this is not a Think Together board file (its "format" must be "${BOARD_FILE_FORMAT}").`)
  }
  if (head.data.version !== BOARD_FILE_VERSION) {
    const line = lineOfPath(tree, text, ['version'])
    return refuse(`line ${line}: this board file is version ${JSON.stringify(head.data.version)}; this server reads version ${BOARD_FILE_VERSION} only.`)
  }
  const counts = json as { canvas?: { cards?: unknown[]; records?: unknown[] }; conversation?: { threads?: Array<{ replies?: unknown[] }> } }
  if ((counts.canvas?.cards?.length ?? 0) > MAX_IMPORT_CARDS) return refuse(`The file holds more than ${MAX_IMPORT_CARDS} cards.`, 413)
  if ((counts.canvas?.records?.length ?? 0) > MAX_IMPORT_RECORDS) return refuse(`The file holds more than ${MAX_IMPORT_RECORDS} canvas records.`, 413)
  const replies = Array.isArray(counts.conversation?.threads)
    ? counts.conversation.threads.reduce((sum, thread) => sum + (Array.isArray(thread?.replies) ? thread.replies.length : 0), 0)
    : 0
  if (replies > MAX_IMPORT_REPLIES) return refuse(`The file holds more than ${MAX_IMPORT_REPLIES} replies.`, 413)
  const parsed = BoardFile.safeParse(json)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    return refuse(`line ${lineOfPath(tree, text, issue.path)}: ${describeIssue(issue)}`)
  }
  const records = checkRecords(parsed.data, tree, text)
  if (!records.ok) return records
  const references = checkReferences({ ...parsed.data, canvas: { ...parsed.data.canvas, records: records.records } })
  if (references) return refuse(references)
  return { ok: true, file: { ...parsed.data, canvas: { ...parsed.data.canvas, schema: serverSchema.serialize(), records: records.records } } }
}

type RecordsCheck = { ok: true; records: FileRecord[] } | { ok: false; status: 400; message: string }

/** Migrates the records up from the file's schema and validates each with tldraw's validators. */
function checkRecords(file: BoardFile, tree: Node, text: string): RecordsCheck {
  const fail = (message: string): RecordsCheck => ({ ok: false, status: 400, message })
  const seen = new Set<string>()
  const store: Record<string, unknown> = {}
  for (const [index, record] of file.canvas.records.entries()) {
    if (seen.has(record.id)) return fail(`line ${lineOfPath(tree, text, ['canvas', 'records', index, 'id'])}: the record ${record.id} appears twice.`)
    seen.add(record.id)
    store[record.id] = record
  }
  let migrated: Record<string, unknown> = store
  if (file.canvas.schema !== null && file.canvas.schema !== undefined) {
    const schema = file.canvas.schema as SerializedSchema
    if (typeof schema !== 'object' || !('schemaVersion' in schema))
      return fail(`line ${lineOfPath(tree, text, ['canvas', 'schema'])}: canvas.schema is not a tldraw schema.`)
    const result = serverSchema.migrateStoreSnapshot({ store: store as never, schema })
    if (result.type === 'error')
      return fail(`line ${lineOfPath(tree, text, ['canvas', 'schema'])}: the canvas was saved in a tldraw format this server cannot read (${result.reason}).`)
    migrated = result.value as Record<string, unknown>
  }
  const valid: FileRecord[] = []
  for (const [index, original] of file.canvas.records.entries()) {
    const record = migrated[original.id] as TLRecord | undefined
    // Found only for a refusal: finding a line reads the file up to it.
    const line = () => lineOfPath(tree, text, ['canvas', 'records', index])
    const type = record && Object.hasOwn(serverSchema.types, record.typeName) ? serverSchema.types[record.typeName as TLRecord['typeName']] : undefined
    if (!record || !type) return fail(`line ${line()}: the record ${original.id} is of no type a board holds (${original.typeName}).`)
    if (type.scope !== 'document')
      return fail(`line ${line()}: the record ${original.id} is a ${original.typeName}, which belongs to one browser, not to the board.`)
    try {
      valid.push(type.validate(record) as unknown as FileRecord)
    } catch (error) {
      return fail(`line ${line()}: the record ${original.id} is not valid (${error instanceof Error ? error.message : String(error)}).`)
    }
  }
  return { ok: true, records: valid }
}

/** The first reference to something that is not in the file, or null. */
function checkReferences(file: BoardFile): string | null {
  const records = new Map(file.canvas.records.map((record) => [record.id, record]))
  const cardIds = new Set<string>()
  for (const card of file.canvas.cards) {
    if (cardIds.has(card.id)) return `The card ${card.id} appears twice.`
    cardIds.add(card.id)
  }
  const shownCards = new Set<string>()
  for (const record of file.canvas.records) {
    const parentId = record.parentId
    if (typeof parentId === 'string' && !records.has(parentId)) return `The record ${record.id} sits on ${parentId}, which is not in the file.`
    if (record.typeName === 'binding') {
      for (const end of [record.fromId, record.toId])
        if (typeof end !== 'string' || !records.has(end)) return `The binding ${record.id} joins ${String(end)}, which is not in the file.`
    }
    if (record.typeName === 'shape' && record.type === 'contribution') {
      const cardId = String((record.props as { cardId?: unknown }).cardId)
      if (!cardIds.has(cardId)) return `The shape ${record.id} shows the card ${cardId}, which is not in the file.`
      shownCards.add(cardId)
    }
  }
  for (const thread of file.conversation.threads) {
    if (!cardIds.has(thread.anchorId) && !records.has(thread.anchorId)) return `A thread is on ${thread.anchorId}, which is not in the file.`
  }
  for (const reaction of file.conversation.reactions) {
    if (!cardIds.has(reaction.cardId)) return `A reaction is on the card ${reaction.cardId}, which is not in the file.`
  }
  if (file.session.currentPhaseId !== null && !file.session.phases.some((phase) => phase.id === file.session.currentPhaseId)) {
    return `session.currentPhaseId names the phase ${file.session.currentPhaseId}, which is not in session.phases.`
  }
  return null
}
