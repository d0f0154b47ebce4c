/**
 * Boards leaving and entering the server. Export reads the board's shared documents as they are
 * now (through the relay, so a running board's latest changes are in) and answers them as the
 * caller's link may see them: any board link, observer included, exports what it can see on the
 * board — never drafts, never ballots, and an anonymous card without an author. Import reads a
 * board file, a plain-text list or a CSV, checks all of it, and hands the new board's documents
 * to the boards API, which creates the board as `POST /api/boards` does, in one transaction.
 *
 *   GET  /api/boards/:id/export?format=md|json|csv|svg|png   any board link -> the file
 *   POST /api/boards/import                                  a board file (application/json), or
 *        ?title=&problem=                                    text/plain or text/csv -> 201 {id, links}
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Logger } from 'pino'
import type * as Y from 'yjs'
import { ExportQuery } from '../../shared/api/exchange'
import { canvasDocName, controlDocName, conversationDocName, peopleDocName } from '../../shared/board/docNames'
import { MAX_IMPORT_BYTES, type BoardFile } from '../../shared/exchange/boardFile'
import { boardCsv } from '../../shared/exchange/boardCsv'
import { boardMarkdown } from '../../shared/exchange/boardMarkdown'
import { assembleBoardFile, readBoardParts } from '../../shared/exchange/boardReader'
import type { BoardPolicy } from '../policy/boardPolicy'
import type { Relay } from '../relay/relay'
import type { Storage } from '../storage/storage'
import { BodyTooLargeError, readBody, sendError } from '../http/respond'
import { boardPng, boardSvg } from './boardPicture'
import type { ImportPool } from './importPool'
import { IMPORT_MEDIA_TYPES, type ImportMediaType, type ImportOutcome } from './importReader'

function isImportMediaType(mediaType: string): mediaType is ImportMediaType {
  return (IMPORT_MEDIA_TYPES as readonly string[]).includes(mediaType)
}

export interface ExchangeApiOptions {
  storage: Storage
  policy: BoardPolicy
  relay: Relay
  log: Logger
  /** Where imports are read: a worker thread, off the event loop. */
  imports: ImportPool
}

/** A file name for the board: its title, in letters a file system takes. */
function fileName(title: string, extension: string): string {
  const base = title
    .normalize('NFKD')
    .replace(/[^\w\s-]/g, '')
    .trim()
    .replace(/\s+/g, '-')
    .slice(0, 60)
  return `${base || 'board'}.${extension}`
}

/** A board's file as its four shared documents hold it now, each read inside the relay. */
export async function readLiveBoard(relay: Relay, boardId: string, now: number): Promise<BoardFile> {
  const read = <T>(docName: string, part: (doc: Y.Doc) => T) => relay.changeDocument(docName, (document) => part(document.doc))
  return assembleBoardFile(
    {
      canvas: await read(canvasDocName(boardId), readBoardParts.canvas),
      control: await read(controlDocName(boardId), readBoardParts.control),
      conversation: await read(conversationDocName(boardId), readBoardParts.conversation),
      people: await read(peopleDocName(boardId), readBoardParts.people),
    },
    now,
  )
}

export interface ExportedFile {
  contentType: string
  extension: string
  body: string | Buffer
}

/** A board file in the format asked for. */
export async function renderExport(file: BoardFile, format: ExportQuery['format']): Promise<ExportedFile> {
  switch (format) {
    case 'md':
      return { contentType: 'text/markdown; charset=utf-8', extension: 'md', body: boardMarkdown(file) }
    case 'json':
      return { contentType: 'application/json; charset=utf-8', extension: 'json', body: `${JSON.stringify(file, null, 1)}\n` }
    case 'csv':
      return { contentType: 'text/csv; charset=utf-8', extension: 'csv', body: boardCsv(file) }
    case 'svg':
      return { contentType: 'image/svg+xml; charset=utf-8', extension: 'svg', body: boardSvg(file) }
    case 'png':
      return { contentType: 'image/png', extension: 'png', body: await boardPng(file) }
  }
}

export class ExchangeApi {
  constructor(private readonly options: ExchangeApiOptions) {}

  async exportBoard(req: IncomingMessage, res: ServerResponse, url: URL, boardId: string): Promise<void> {
    if (req.method !== 'GET') {
      res.setHeader('Allow', 'GET')
      return sendError(res, 405, 'Use GET.')
    }
    const check = await this.options.policy.caller(req, url, boardId)
    if (!check.ok) return sendError(res, check.status, check.message)
    const query = ExportQuery.safeParse(Object.fromEntries(url.searchParams))
    if (!query.success) return sendError(res, 400, 'Ask for ?format=md, json, csv, svg or png.')
    if (!(await this.options.storage.getBoard(boardId))) return sendError(res, 404, 'No such board.')
    const started = performance.now()
    const file = await readLiveBoard(this.options.relay, boardId, Date.now())
    const exported = await renderExport(file, query.data.format)
    const body = typeof exported.body === 'string' ? Buffer.from(exported.body, 'utf8') : exported.body
    res.writeHead(200, {
      'Content-Type': exported.contentType,
      'Content-Length': body.length,
      'Content-Disposition': `attachment; filename="${fileName(file.board.title, exported.extension)}"`,
      'Cache-Control': 'no-store',
      'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; font-src data:; sandbox",
    })
    res.end(body)
    this.options.log.info(
      { boardId, format: query.data.format, role: check.caller.grant.role, ms: Math.round(performance.now() - started), bytes: body.length },
      'board exported',
    )
  }

  /**
   * Reads and checks an import and builds the new board's documents, in the import worker;
   * answers nothing itself (the boards API creates the board).
   */
  async readImport(req: IncomingMessage, url: URL): Promise<ImportOutcome> {
    const mediaType = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase()
    if (!isImportMediaType(mediaType)) {
      req.resume()
      return { ok: false, status: 415, message: 'Send a board file as application/json, a list of cards as text/plain (one a line), or a CSV as text/csv.' }
    }
    let body: Buffer
    try {
      body = await readBody(req, MAX_IMPORT_BYTES)
    } catch (error) {
      if (error instanceof BodyTooLargeError)
        return { ok: false, status: 413, message: `The file is too large: the limit is ${MAX_IMPORT_BYTES / (1024 * 1024)} MB.` }
      return { ok: false, status: 400, message: 'The upload was interrupted.' }
    }
    const started = performance.now()
    const outcome = await this.options.imports.read({ mediaType, body, query: Object.fromEntries(url.searchParams), now: Date.now() })
    this.options.log.info({ mediaType, bytes: body.length, ok: outcome.ok, ms: Math.round(performance.now() - started) }, 'import read')
    return outcome
  }
}
