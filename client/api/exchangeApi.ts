/**
 * The export and import route group as the browser uses it (shared/api/exchange.ts), and the
 * templates a new board can start from (shared/api/boards.ts): download a board in a format, send
 * a file that becomes a new board, list the templates with their previews.
 *
 * @example
 *   const markdown = await downloadBoardExport(boardId, token, 'md')
 *   const { id, links } = await importBoardFile(file, { title, problem })
 */
import { CreatedBoard, TemplateList, boardsRoutes, type TemplatePreview } from '../../shared/api/boards'
import { exchangeRoutes, type ExportFormat } from '../../shared/api/exchange'
import { apiDownload, apiRequest } from './apiRequest'

export type { ExportFormat } from '../../shared/api/exchange'
export type { TemplatePreview }

export function downloadBoardExport(boardId: string, token: string, format: ExportFormat): Promise<Blob> {
  return apiDownload(exchangeRoutes.export(boardId, format), { token })
}

export async function fetchTemplates(): Promise<TemplatePreview[]> {
  return (await apiRequest(boardsRoutes.templates(), TemplateList)).templates
}

/** What a file becomes, by its name: a board file, a CSV of cards, or lines of text. */
export function importKind(fileName: string): 'board' | 'csv' | 'text' | null {
  const name = fileName.toLowerCase()
  if (name.endsWith('.json')) return 'board'
  if (name.endsWith('.csv')) return 'csv'
  if (name.endsWith('.txt') || name.endsWith('.md')) return 'text'
  return null
}

const MEDIA_TYPES = { board: 'application/json', csv: 'text/csv', text: 'text/plain' } as const

/**
 * Sends a file that becomes a new board. A board file carries its own title and problem; cards
 * from a CSV or text need the new board's `title` and `problem`.
 */
export function importBoardFile(file: File, kind: 'board' | 'csv' | 'text', board: { title: string; problem: string }): Promise<CreatedBoard> {
  const query = kind === 'board' ? '' : `?${new URLSearchParams(board).toString()}`
  return apiRequest(`${exchangeRoutes.import()}${query}`, CreatedBoard, { method: 'POST', file: new Blob([file], { type: MEDIA_TYPES[kind] }) })
}
