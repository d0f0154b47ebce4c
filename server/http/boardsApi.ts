/**
 * The boards HTTP API: create a board (handing out its three role links), read a board's public
 * facts with a token, and upload and fetch the images members put on a board.
 *
 *   POST /api/boards                       {title, problem} -> 201 {id, links}
 *   GET  /api/boards/:id                   Bearer token     -> {id, title, role}
 *   POST /api/boards/:id/people            Bearer token     -> 201 {personId, personToken}
 *   POST /api/boards/:id/assets            Bearer token, raw bytes -> 201 {src}
 *   GET  /api/boards/:id/assets/:assetId   ?token=          -> the bytes
 *   /api/boards/:id/anonymous-cards/...    see anonymousCardsApi.ts
 *   /api/boards/:id/rounds/...             see votingApi.ts
 *   POST /api/boards/:id/reveal            facilitator      -> {revealed, ms}
 */
import { createHash, randomBytes } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { z } from 'zod'
import type { Logger } from 'pino'
import { MAX_PROBLEM_LENGTH, MAX_TITLE_LENGTH } from '../../shared/board/docLayout'
import { BOARD_ROLES, canWriteBoard, type BoardRole } from '../../shared/board/roles'
import { isValidBoardId } from '../../shared/board/boardId'
import { controlDocName } from '../../shared/board/docNames'
import type { TokenAuthority } from '../auth/tokens'
import type { Storage } from '../storage/storage'
import { encodeBoardSeed } from '../boards/boardSeed'
import type { AnonymousCardsApi } from './anonymousCardsApi'
import type { VotingApi } from './votingApi'
import type { RevealService } from '../facilitation/revealService'
import { BodyTooLargeError, readBody, requestToken, sendError, sendJson } from './respond'

const MAX_JSON_BODY_BYTES = 64 * 1024

/** Media types members may upload: what tldraw can show as an image or video shape. */
const ASSET_MEDIA_TYPES = new Set([
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'image/avif',
  'image/svg+xml',
  'video/mp4',
  'video/webm',
  'video/quicktime',
])

const ASSET_ID_PATTERN = /^[a-f0-9]{40}$/

/** Text without control characters other than newlines and tabs, trimmed. */
const plainText = (max: number) =>
  z
    .string()
    .transform((value) => value.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '').trim())
    .pipe(z.string().min(1).max(max))

const CreateBoardBody = z.object({
  title: plainText(MAX_TITLE_LENGTH),
  problem: plainText(MAX_PROBLEM_LENGTH),
})

export interface BoardsApiOptions {
  storage: Storage
  tokens: TokenAuthority
  anonymousCards: AnonymousCardsApi
  voting: VotingApi
  reveal: RevealService
  log: Logger
  publicUrl: string | undefined
  maxAssetBytes: number
}

export class BoardsApi {
  constructor(private readonly options: BoardsApiOptions) {}

  /** Handles the request when it is a boards API route; returns false when it is not. */
  async handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
    const parts = url.pathname.split('/').filter(Boolean)
    if (parts[0] !== 'api' || parts[1] !== 'boards') return false
    if (parts.length === 2) {
      if (req.method !== 'POST') return this.methodNotAllowed(res, 'POST')
      await this.createBoard(req, res)
      return true
    }
    const boardId = parts[2]
    if (!isValidBoardId(boardId)) {
      sendError(res, 404, 'No such board.')
      return true
    }
    if (parts.length === 3) {
      if (req.method !== 'GET') return this.methodNotAllowed(res, 'GET')
      await this.getBoard(req, res, url, boardId)
      return true
    }
    if (parts[3] === 'people' && parts.length === 4) {
      if (req.method !== 'POST') return this.methodNotAllowed(res, 'POST')
      await this.issuePersonalToken(req, res, url, boardId)
      return true
    }
    if (parts[3] === 'reveal' && parts.length === 4) {
      if (req.method !== 'POST') return this.methodNotAllowed(res, 'POST')
      await this.reveal(req, res, url, boardId)
      return true
    }
    if (parts[3] === 'rounds') {
      await this.options.voting.handle(req, res, url, boardId, parts.slice(4))
      return true
    }
    if (parts[3] === 'anonymous-cards') {
      await this.options.anonymousCards.handle(req, res, url, boardId, parts.slice(4))
      return true
    }
    if (parts[3] === 'assets' && parts.length === 4) {
      if (req.method !== 'POST') return this.methodNotAllowed(res, 'POST')
      await this.uploadAsset(req, res, url, boardId)
      return true
    }
    if (parts[3] === 'assets' && parts.length === 5) {
      if (req.method !== 'GET' && req.method !== 'HEAD') return this.methodNotAllowed(res, 'GET')
      await this.getAsset(req, res, url, boardId, parts[4])
      return true
    }
    sendError(res, 404, 'Not found.')
    return true
  }

  private methodNotAllowed(res: ServerResponse, allow: string): true {
    res.setHeader('Allow', allow)
    sendError(res, 405, `Use ${allow}.`)
    return true
  }

  private async createBoard(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let json: unknown
    try {
      json = JSON.parse((await readBody(req, MAX_JSON_BODY_BYTES)).toString('utf8'))
    } catch (error) {
      if (error instanceof BodyTooLargeError) sendError(res, 413, 'The request is too large.')
      else sendError(res, 400, 'The request body must be JSON.')
      return
    }
    const parsed = CreateBoardBody.safeParse(json)
    if (!parsed.success) {
      const fields = [...new Set(parsed.error.issues.map((issue) => issue.path.join('.') || 'body'))]
      sendError(
        res,
        400,
        `A board needs a title (1–${MAX_TITLE_LENGTH} characters) and a problem statement (1–${MAX_PROBLEM_LENGTH} characters); check: ${fields.join(', ')}.`,
      )
      return
    }
    const id = randomBytes(16).toString('base64url')
    const { title, problem } = parsed.data
    await this.options.storage.createBoard({ id, title, problem, createdAt: Date.now() }, [
      { docName: controlDocName(id), update: encodeBoardSeed(title, problem) },
    ])
    const base = this.options.publicUrl ?? `http://${req.headers.host ?? 'localhost'}`
    const links = {} as Record<BoardRole, string>
    for (const role of BOARD_ROLES) {
      const token = await this.options.tokens.sign({ boardId: id, role })
      links[role] = `${base}/b/${id}#token=${token}`
    }
    this.options.log.info({ boardId: id }, 'board created')
    sendJson(res, 201, { id, links })
  }

  private async authorize(req: IncomingMessage, res: ServerResponse, url: URL, boardId: string) {
    const check = await this.options.tokens.verify(requestToken(req, url), boardId)
    if (!check.ok) {
      sendError(res, 401, 'This board link is not valid.')
      return null
    }
    return check.grant
  }

  private async getBoard(req: IncomingMessage, res: ServerResponse, url: URL, boardId: string): Promise<void> {
    const grant = await this.authorize(req, res, url, boardId)
    if (!grant) return
    const board = await this.options.storage.getBoard(boardId)
    if (!board) {
      sendError(res, 404, 'No such board.')
      return
    }
    sendJson(res, 200, { id: board.id, title: board.title, role: grant.role })
  }

  /**
   * A person's own token for this board: the role of the link they came with, plus a new person
   * id that opens their private documents (drafts). The browser keeps it; nobody else gets it.
   */
  private async issuePersonalToken(req: IncomingMessage, res: ServerResponse, url: URL, boardId: string): Promise<void> {
    const grant = await this.authorize(req, res, url, boardId)
    if (!grant) return
    if (!(await this.options.storage.getBoard(boardId))) {
      sendError(res, 404, 'No such board.')
      return
    }
    const personId = randomBytes(16).toString('base64url')
    const personToken = await this.options.tokens.sign({ boardId, role: grant.role, personId })
    sendJson(res, 201, { personId, personToken })
  }

  /** The facilitator reveals everyone's think-alone drafts (see facilitation/revealService.ts). */
  private async reveal(req: IncomingMessage, res: ServerResponse, url: URL, boardId: string): Promise<void> {
    const grant = await this.authorize(req, res, url, boardId)
    if (!grant) return
    if (grant.role !== 'facilitator') {
      sendError(res, 403, 'Only facilitators reveal drafts.')
      return
    }
    if (!(await this.options.storage.getBoard(boardId))) {
      sendError(res, 404, 'No such board.')
      return
    }
    const outcome = await this.options.reveal.revealAll(boardId)
    if (!outcome.ok) {
      sendError(res, 409, outcome.reason === 'no-round' ? 'No think-alone round is open.' : 'This round is closed.')
      return
    }
    sendJson(res, 200, { revealed: outcome.revealed, ms: Math.round(outcome.ms) })
  }

  private async uploadAsset(req: IncomingMessage, res: ServerResponse, url: URL, boardId: string): Promise<void> {
    const grant = await this.authorize(req, res, url, boardId)
    if (!grant) return
    if (!canWriteBoard(grant.role)) {
      sendError(res, 403, 'Observers cannot add images.')
      return
    }
    const mimeType = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase()
    if (!ASSET_MEDIA_TYPES.has(mimeType)) {
      sendError(res, 415, 'Only images (PNG, JPEG, GIF, WebP, AVIF, SVG) and videos (MP4, WebM, MOV) can be added.')
      return
    }
    let data: Buffer
    try {
      data = await readBody(req, this.options.maxAssetBytes)
    } catch (error) {
      if (error instanceof BodyTooLargeError) {
        const megabytes = Math.round((this.options.maxAssetBytes / (1024 * 1024)) * 10) / 10
        sendError(res, 413, `This file is too large: the limit is ${megabytes} MB.`)
      } else sendError(res, 400, 'The upload was interrupted.')
      return
    }
    if (data.length === 0) {
      sendError(res, 400, 'The file is empty.')
      return
    }
    const assetId = createHash('sha256').update(mimeType).update(data).digest('hex').slice(0, 40)
    await this.options.storage.putAsset(boardId, assetId, { mimeType, data })
    sendJson(res, 201, { src: `/api/boards/${boardId}/assets/${assetId}` })
  }

  private async getAsset(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    boardId: string,
    assetId: string,
  ): Promise<void> {
    const grant = await this.authorize(req, res, url, boardId)
    if (!grant) return
    const asset = ASSET_ID_PATTERN.test(assetId) ? await this.options.storage.getAsset(boardId, assetId) : null
    if (!asset) {
      sendError(res, 404, 'No such file on this board.')
      return
    }
    res.writeHead(200, {
      'Content-Type': asset.mimeType,
      'Content-Length': asset.data.length,
      'Cache-Control': 'private, max-age=31536000, immutable',
      // An uploaded SVG opened directly must not run scripts on our origin.
      'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; sandbox",
      'X-Content-Type-Options': 'nosniff',
    })
    res.end(req.method === 'HEAD' ? undefined : asset.data)
  }
}
