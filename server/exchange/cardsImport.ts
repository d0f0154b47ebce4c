/**
 * Cards from a plain list: plain text (one card a line; blank lines skipped) or CSV (a header
 * line naming a `text` column, and optionally `kind` and `author`), laid out as contribution
 * cards in a grid on a new board's first page, so no card lies on another. The result is a board
 * file like an export, which the same checks and the same board creation take. A problem names
 * its line ("line 12: …"); too many lines is a 413.
 *
 * @example
 *   const result = cardsFromText('Why do handovers fail?\nNobody owns the list', { title, problem }, Date.now())
 */
import { createHash } from 'node:crypto'
import { CsvError, parse } from 'csv-parse/sync'
import { getIndices } from '@tldraw/utils'
import { CONTRIBUTION_DEFAULT_SIZE, contributionShapeRecord } from '../../shared/board/contributionShape'
import { cleanText, newCardId } from '../../shared/board/boardModel'
import { PERSON_COLORS } from '../../shared/board/personColors'
import { CONTRIBUTION_KINDS, MAX_CARD_TEXT_LENGTH, isContributionKind, type ContributionKind } from '../../shared/board/vocabulary'
import {
  BOARD_FILE_FORMAT,
  BOARD_FILE_VERSION,
  MAX_IMPORT_LINES,
  type BoardFile,
  type FileCard,
  type FilePerson,
  type FileRecord,
} from '../../shared/exchange/boardFile'
import { DEFAULT_PAGE_ID, serverSchema } from '../board/serverRecords'

export type CardsImport = { ok: true; file: BoardFile } | { ok: false; status: 400 | 413; message: string }

interface ListedCard {
  text: string
  kind: ContributionKind
  author: string | null
}

const GAP = 32
const KIND_NAMES = new Map<string, ContributionKind>(CONTRIBUTION_KINDS.map((kind) => [kind, kind]))

/** An author named in a file: the same name is the same person on the board. */
function importedPerson(name: string): FilePerson {
  const digest = createHash('sha256').update(name).digest()
  return { id: `imported-${digest.subarray(0, 8).toString('hex')}`, name, color: PERSON_COLORS[digest[8] % PERSON_COLORS.length] }
}

function tooMany(): CardsImport {
  return { ok: false, status: 413, message: `The file has more than ${MAX_IMPORT_LINES} lines; import at most ${MAX_IMPORT_LINES} cards at once.` }
}

export function cardsFromText(text: string, board: BoardFile['board'], now: number): CardsImport {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/)
  if (lines.length > MAX_IMPORT_LINES + 1) return tooMany()
  const cards: ListedCard[] = []
  for (const [index, line] of lines.entries()) {
    const cleaned = cleanText(line, Number.POSITIVE_INFINITY).trim()
    if (cleaned === '') continue
    if (cleaned.length > MAX_CARD_TEXT_LENGTH)
      return { ok: false, status: 400, message: `line ${index + 1}: a card holds at most ${MAX_CARD_TEXT_LENGTH} characters.` }
    cards.push({ text: cleaned, kind: 'understanding', author: null })
  }
  if (cards.length === 0) return { ok: false, status: 400, message: 'The file has no lines with text.' }
  return { ok: true, file: gridBoard(cards, board, now) }
}

export function cardsFromCsv(text: string, board: BoardFile['board'], now: number): CardsImport {
  let rows: Array<{ record: Record<string, string>; info: { lines: number } }>
  const physicalLines = text.split('\n').length
  if (physicalLines > MAX_IMPORT_LINES * 4) return tooMany()
  try {
    rows = parse(text, {
      bom: true,
      columns: (header: string[]) => header.map((name) => name.trim().toLowerCase()),
      info: true,
      skip_empty_lines: true,
      trim: true,
      relax_column_count: false,
      to: MAX_IMPORT_LINES + 1,
    })
  } catch (error) {
    if (error instanceof CsvError) {
      const line = (error as CsvError & { lines?: number }).lines
      return { ok: false, status: 400, message: `${line ? `line ${line}: ` : ''}this is not valid CSV (${error.message.replace(/^[A-Za-z ]+: /, '')}).` }
    }
    throw error
  }
  if (rows.length > MAX_IMPORT_LINES) return tooMany()
  if (rows.length === 0) return { ok: false, status: 400, message: 'line 2: the CSV has a header line but no cards.' }
  if (!('text' in rows[0].record)) return { ok: false, status: 400, message: 'line 1: the CSV needs a column named "text" (and may have "kind" and "author").' }
  const cards: ListedCard[] = []
  for (const { record, info } of rows) {
    const cardText = cleanText(record.text ?? '', Number.POSITIVE_INFINITY).trim()
    if (cardText === '') return { ok: false, status: 400, message: `line ${info.lines}: the text is empty.` }
    if (cardText.length > MAX_CARD_TEXT_LENGTH)
      return { ok: false, status: 400, message: `line ${info.lines}: a card holds at most ${MAX_CARD_TEXT_LENGTH} characters.` }
    const kindName = (record.kind ?? '').trim().toLowerCase()
    const kind = kindName === '' ? 'understanding' : KIND_NAMES.get(kindName)
    if (!kind || !isContributionKind(kind)) {
      return { ok: false, status: 400, message: `line ${info.lines}: "${kindName.slice(0, 40)}" is not a kind; use one of ${CONTRIBUTION_KINDS.join(', ')}.` }
    }
    const author = cleanText(record.author ?? '', 200).trim()
    cards.push({ text: cardText, kind, author: author === '' ? null : author })
  }
  return { ok: true, file: gridBoard(cards, board, now) }
}

/** The cards in rows on an otherwise empty first page: as square a grid as fits them. */
function gridBoard(listed: ListedCard[], board: BoardFile['board'], now: number): BoardFile {
  const columns = Math.max(1, Math.ceil(Math.sqrt(listed.length)))
  const { w, h } = CONTRIBUTION_DEFAULT_SIZE
  const indices = getIndices(listed.length + 1)
  const records: FileRecord[] = [
    serverSchema.types.document.create({ id: 'document:document' as never, name: '' }) as unknown as FileRecord,
    serverSchema.types.page.create({ id: DEFAULT_PAGE_ID as never, name: 'Page 1', index: 'a1' as never }) as unknown as FileRecord,
  ]
  const cards: FileCard[] = []
  listed.forEach((entry, i) => {
    const id = newCardId()
    const author = entry.author === null ? null : importedPerson(entry.author)
    cards.push({ id, kind: entry.kind, text: entry.text, author, anonymous: false, createdAt: now, updatedAt: now, lastEditor: null })
    const shape = contributionShapeRecord({
      id: `shape:${id.slice('card:'.length)}`,
      parentId: DEFAULT_PAGE_ID,
      index: indices[i + 1],
      x: (i % columns) * (w + GAP),
      y: Math.floor(i / columns) * (h + GAP),
      w,
      h,
      cardId: id,
    })
    records.push(shape as FileRecord)
  })
  return {
    format: BOARD_FILE_FORMAT,
    version: BOARD_FILE_VERSION,
    exportedAt: now,
    board,
    canvas: { schema: serverSchema.serialize(), records, cards },
    session: { phases: [], currentPhaseId: null, locked: false },
    conversation: { threads: [], reactions: [], tours: [] },
    rounds: [],
    members: [],
  }
}
