/**
 * The export and import route group: the formats a board is exported in, and what an import of
 * cards from a list needs besides the file (the new board's title and problem; a board file
 * carries its own). The answer to an import is `CreatedBoard` (shared/api/boards.ts).
 *
 *   GET  /api/boards/:id/export?format=md|json|csv|svg|png   Bearer <board link> -> the file
 *   POST /api/boards/import                                  a board file        -> 201 CreatedBoard
 *   POST /api/boards/import?title=&problem=                  text/plain, text/csv -> 201 CreatedBoard
 */
import { z } from 'zod'
import { MAX_PROBLEM_LENGTH, MAX_TITLE_LENGTH } from '../board/docLayout'
import { boardPath, plainText } from './common'

/** What the server exports: md, json and csv, and a picture of the cards and links (svg, png). */
export const EXPORT_FORMATS = ['md', 'json', 'csv', 'svg', 'png'] as const
export type ExportFormat = (typeof EXPORT_FORMATS)[number]

export const ExportQuery = z.object({ format: z.enum(EXPORT_FORMATS), token: z.string().optional() })
export type ExportQuery = z.infer<typeof ExportQuery>

export const ImportCardsQuery = z.object({ title: plainText(1, MAX_TITLE_LENGTH), problem: plainText(1, MAX_PROBLEM_LENGTH) })
export type ImportCardsQuery = z.infer<typeof ImportCardsQuery>

export const exchangeRoutes = {
  export: (boardId: string, format: ExportFormat) => `${boardPath(boardId)}/export?format=${format}`,
  import: () => '/api/boards/import',
}
