/**
 * What an import's bytes make: a checked board file and the board's first documents, or the
 * first problem in words a person can act on. Pure and synchronous; the server runs it in a worker
 * thread (importWorker.ts, importPool.ts), since a board file of several megabytes takes seconds
 * to parse, check and turn into documents, and the relay's other boards must not notice.
 */
import { ImportCardsQuery } from '../../shared/api/exchange'
import type { BoardFile } from '../../shared/exchange/boardFile'
import { buildBoardDocuments, type BoardUpdates } from '../../shared/exchange/boardWriter'
import { checkBoardFile } from './boardFileCheck'
import { cardsFromCsv, cardsFromText } from './cardsImport'

/** The media types an import may be sent as. */
export const IMPORT_MEDIA_TYPES = ['application/json', 'text/plain', 'text/csv'] as const
export type ImportMediaType = (typeof IMPORT_MEDIA_TYPES)[number]

export interface ImportRequest {
  mediaType: ImportMediaType
  body: Uint8Array
  /** The URL's query: ?title= and ?problem= for a list of cards. */
  query: Record<string, string>
  now: number
}

export type ImportRefusal = { ok: false; status: 400 | 413 | 415 | 503; message: string }
export type ImportOutcome = { ok: true; board: BoardFile['board']; cards: number; updates: BoardUpdates } | ImportRefusal

export function readImport({ mediaType, body, query, now }: ImportRequest): ImportOutcome {
  const text = new TextDecoder('utf-8', { fatal: false }).decode(body)
  let file: BoardFile
  if (mediaType === 'application/json') {
    const checked = checkBoardFile(text)
    if (!checked.ok) return checked
    file = checked.file
  } else {
    const parsed = ImportCardsQuery.safeParse(query)
    if (!parsed.success) return { ok: false, status: 400, message: "Cards from a list need the new board's ?title= and ?problem=." }
    const listed = mediaType === 'text/csv' ? cardsFromCsv(text, parsed.data, now) : cardsFromText(text, parsed.data, now)
    if (!listed.ok) return listed
    // The grid goes through the very checks an uploaded board file does.
    const checked = checkBoardFile(JSON.stringify(listed.file))
    if (!checked.ok) return checked
    file = checked.file
  }
  return { ok: true, board: file.board, cards: file.canvas.cards.length, updates: buildBoardDocuments(file) }
}
