/**
 * The boards HTTP API: create a board (handing out its three role links), read a board's public
 * facts with a token, and upload and fetch the images members put on a board.
 *
 *   POST /api/boards                       {title, problem, template?} (+ creation secret) -> 201 {id, links}
 *   POST /api/boards/import                a board file, or cards as text/CSV (+ creation secret) -> 201 {id, links}
 *   GET  /api/boards/:id/export?format=    any board link   -> the board as md, json or csv
 *   GET  /api/boards/:id                   Bearer token     -> {id, title, role}
 *   DELETE /api/boards/:id, /api/boards/:id/links/...  see linksApi.ts
 *   /api/boards/:id/people/...             see peopleApi.ts
 *   POST /api/boards/:id/assets            Bearer token, raw bytes -> 201 {src}; 413 past the board's quota
 *   POST /api/boards/:id/assets/access     Bearer token     -> {expiresAt} + the asset cookie (assetAccess.ts)
 *   POST /api/boards/:id/assets/prune      facilitator      -> {removed, bytes, keptBytes}
 *   GET  /api/boards/:id/assets/:assetId   the asset cookie, Bearer or ?token= -> the bytes
 *   /api/boards/:id/anonymous-cards/...    see anonymousCardsApi.ts
 *   /api/boards/:id/rounds/...             see votingApi.ts
 *   /api/boards/:id/history/...            see historyApi.ts
 *   POST /api/boards/:id/reveal            facilitator      -> {revealed, ms}
 */
import { createHash, randomBytes } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { CreateBoardBody } from '../../shared/api/boards'
import type { Logger } from 'pino'
import { MAX_PROBLEM_LENGTH, MAX_TITLE_LENGTH } from '../../shared/board/docLayout'
import { BOARD_ROLES, type BoardRole } from '../../shared/board/roles'
import { isValidBoardId } from '../../shared/board/boardId'
import { formatFileSize } from '../../shared/board/fileSize'
import { canvasDocName, controlDocName, conversationDocName, peopleDocName } from '../../shared/board/docNames'
import { buildBoardDocuments } from '../../shared/exchange/boardWriter'
import type { BoardFile } from '../../shared/exchange/boardFile'
import type { BoardUpdates } from '../../shared/exchange/boardWriter'

/** A new board's title and problem and its first documents, built (an import's in a worker). */
interface PreparedBoard {
  board: BoardFile['board']
  cards: number
  updates: BoardUpdates
}
import type { BoardTemplates } from '../boards/boardTemplates'
import type { ExchangeApi } from '../exchange/exchangeApi'
import type { TokenAuthority } from '../auth/tokens'
import { checkBoardCreation } from '../auth/boardCreation'
import { usedAssetIds } from '../boards/assetUsage'
import type { Relay } from '../relay/relay'
import { ASSET_ACCESS_SECONDS, assetAccessCookie, assetAccessTokens } from './assetAccess'
import type { InitialDocument, Storage } from '../storage/storage'
import { recordFirstSteps } from '../history/firstSteps'
import type { BoardAction } from '../../shared/board/boardRules'
import type { BoardPolicy, Caller } from '../policy/boardPolicy'
import type { AnonymousCardsApi } from './anonymousCardsApi'
import type { PeopleApi } from './peopleApi'
import { boardLink, type LinksApi } from './linksApi'
import type { VotingApi } from './votingApi'
import type { HistoryApi } from './historyApi'
import type { RevealService } from '../facilitation/revealService'
import { BodyTooLargeError, readBody, readJson, sendError, sendJson } from './respond'

const MAX_JSON_BODY_BYTES = 64 * 1024

/**
 * A request a browser sent from a page of another site. Every current browser says so in
 * Sec-Fetch-Site, which a page cannot forge; the Origin is not compared with the Host, because a
 * proxy in front (or Vite's, in development) may rewrite the Host.
 */
function fromAnotherSite(req: IncomingMessage): boolean {
  return req.headers['sec-fetch-site'] === 'cross-site'
}

/** The update of a document with nothing in it (no structs, no deletions): not worth a row. */
const isEmptyUpdate = (update: Uint8Array) => update.length === 2 && update[0] === 0 && update[1] === 0

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

export interface BoardsApiOptions {
  storage: Storage
  tokens: TokenAuthority
  policy: BoardPolicy
  people: PeopleApi
  links: LinksApi
  anonymousCards: AnonymousCardsApi
  voting: VotingApi
  history: HistoryApi
  reveal: RevealService
  exchange: ExchangeApi
  templates: BoardTemplates
  log: Logger
  relay: Relay
  publicUrl: string | undefined
  maxAssetBytes: number
  /** What all of one board's files may add up to. */
  maxBoardAssetBytes: number
  /** How old an unused file must be before pruning removes it. */
  assetPruneGraceMs: number
  /** The secret creating a board needs, or null. */
  boardCreationToken: string | null
}

export class BoardsApi {
  constructor(private readonly options: BoardsApiOptions) {}

  /** Handles the request when it is a boards API route; returns false when it is not. */
  async handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
    const parts = url.pathname.split('/').filter(Boolean)
    if (parts[0] !== 'api' || parts[1] !== 'boards') return false
    if (parts.length === 2) {
      if (req.method !== 'POST') return this.methodNotAllowed(res, 'POST')
      await this.createBoard(req, res, async () => {
        const file = await this.boardFromForm(req, res)
        return file && { board: file.board, cards: file.canvas.cards.length, updates: buildBoardDocuments(file) }
      })
      return true
    }
    if (parts[2] === 'import' && parts.length === 3) {
      if (req.method !== 'POST') return this.methodNotAllowed(res, 'POST')
      await this.createBoard(req, res, () => this.boardFromImport(req, res, url))
      return true
    }
    if (parts[2] === 'templates' && parts.length === 3) {
      if (req.method !== 'GET') return this.methodNotAllowed(res, 'GET')
      sendJson(res, 200, { templates: this.options.templates.list() })
      return true
    }
    const boardId = parts[2]
    if (!isValidBoardId(boardId)) {
      sendError(res, 404, 'No such board.')
      return true
    }
    if (parts.length === 3) {
      if (req.method === 'DELETE') await this.options.links.deleteBoard(req, res, url, boardId)
      else if (req.method === 'GET') await this.getBoard(req, res, url, boardId)
      else this.methodNotAllowed(res, 'GET, DELETE')
      return true
    }
    if (parts[3] === 'links') {
      await this.options.links.handleLinks(req, res, url, boardId, parts.slice(4))
      return true
    }
    if (parts[3] === 'export' && parts.length === 4) {
      await this.options.exchange.exportBoard(req, res, url, boardId)
      return true
    }
    if (parts[3] === 'people') {
      await this.options.people.handle(req, res, url, boardId, parts.slice(4))
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
    if (parts[3] === 'history') {
      await this.options.history.handle(req, res, url, boardId, parts.slice(4), this)
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
    if (parts[3] === 'assets' && parts.length === 5 && (parts[4] === 'access' || parts[4] === 'prune')) {
      if (req.method !== 'POST') return this.methodNotAllowed(res, 'POST')
      if (parts[4] === 'access') await this.grantAssetAccess(req, res, url, boardId)
      else await this.pruneAssets(req, res, url, boardId)
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

  /**
   * Creates a board from what `read` makes of the request (null once it has answered a refusal):
   * every document of the board is built first and stored with the board in one transaction, so
   * nothing is ever half-created. The form, templates and imports all come through here, and so
   * through the creation secret and the refusal of other sites' pages.
   */
  private async createBoard(req: IncomingMessage, res: ServerResponse, read: () => Promise<PreparedBoard | null>): Promise<void> {
    const creation = checkBoardCreation(req, this.options.boardCreationToken)
    if (!creation.ok) {
      req.resume()
      res.setHeader('WWW-Authenticate', 'Bearer realm="board creation"')
      sendError(res, creation.status, creation.message)
      return
    }
    if (fromAnotherSite(req)) {
      // A page on another site can post text/plain (a list of cards) without a preflight.
      req.resume()
      sendError(res, 403, 'Boards are created from this server’s own pages or with the API, not from another site’s page.')
      return
    }
    const prepared = await read()
    if (!prepared) return
    const { updates } = prepared
    await this.storeNewBoard(
      req,
      res,
      prepared.board,
      (id) =>
        [
          { docName: controlDocName(id), update: updates.control },
          { docName: canvasDocName(id), update: updates.canvas },
          { docName: conversationDocName(id), update: updates.conversation },
          { docName: peopleDocName(id), update: updates.people },
        ].filter((document) => document.docName === controlDocName(id) || !isEmptyUpdate(document.update)),
      { cards: prepared.cards },
    )
  }

  /**
   * Stores a new board with its first documents in one transaction, records them as the first
   * moment of its history, and answers 201 {id, links}. Every board is made here: from the form,
   * a template, an import, or a moment restored from history (historyApi.ts).
   */
  async storeNewBoard(
    req: IncomingMessage,
    res: ServerResponse,
    board: { title: string; problem: string },
    documentsFor: (boardId: string) => InitialDocument[],
    logged: Record<string, unknown>,
  ): Promise<void> {
    const id = randomBytes(16).toString('base64url')
    const { title, problem } = board
    const documents = documentsFor(id)
    const createdAt = Date.now()
    await this.options.storage.createBoard({ id, title, problem, createdAt }, documents)
    await recordFirstSteps(this.options.storage, id, documents, createdAt, this.options.log)
    const base = this.options.publicUrl ?? `http://${req.headers.host ?? 'localhost'}`
    const links = {} as Record<BoardRole, string>
    for (const role of BOARD_ROLES) {
      const token = await this.options.tokens.sign({ boardId: id, role })
      links[role] = boardLink(base, id, token)
    }
    this.options.log.info({ boardId: id, ...logged }, 'board created')
    sendJson(res, 201, { id, links })
  }

  /** The new board's file from the form: its title and problem, on a template's canvas or an empty one. */
  private async boardFromForm(req: IncomingMessage, res: ServerResponse): Promise<BoardFile | null> {
    const json = await readJson(req, res, MAX_JSON_BODY_BYTES)
    if (json === undefined) return null
    const parsed = CreateBoardBody.safeParse(json)
    if (!parsed.success) {
      const fields = [...new Set(parsed.error.issues.map((issue) => issue.path.join('.') || 'body'))]
      sendError(
        res,
        400,
        `A board needs a title (1–${MAX_TITLE_LENGTH} characters) and a problem statement (1–${MAX_PROBLEM_LENGTH} characters); check: ${fields.join(', ')}.`,
      )
      return null
    }
    const { title, problem, template } = parsed.data
    const start = this.options.templates.start(template ?? 'empty', Date.now())
    if (!start) {
      sendError(res, 400, `There is no template "${template}"; choose one of ${this.options.templates.ids().join(', ')}.`)
      return null
    }
    return { ...start, board: { title, problem } }
  }

  private async boardFromImport(req: IncomingMessage, res: ServerResponse, url: URL): Promise<PreparedBoard | null> {
    const imported = await this.options.exchange.readImport(req, url)
    if (imported.ok) return imported
    sendError(res, imported.status, imported.message)
    return null
  }

  /** The caller, or null once an error has been answered. */
  private async authorize(req: IncomingMessage, res: ServerResponse, url: URL, boardId: string): Promise<Caller | null> {
    const check = await this.options.policy.caller(req, url, boardId)
    if (!check.ok) {
      sendError(res, check.status, check.message)
      return null
    }
    return check.caller
  }

  /** Whether the caller may take `action` now; answers the refusal itself. */
  private async allowed(res: ServerResponse, caller: Caller, action: BoardAction): Promise<boolean> {
    const gate = await this.options.policy.gate(caller.boardId)
    try {
      const decision = gate.decide(caller, action)
      if (!decision.allowed) sendError(res, decision.status, decision.message)
      return decision.allowed
    } finally {
      gate.release()
    }
  }

  private async getBoard(req: IncomingMessage, res: ServerResponse, url: URL, boardId: string): Promise<void> {
    const caller = await this.authorize(req, res, url, boardId)
    if (!caller) return
    const board = await this.options.storage.getBoard(boardId)
    if (!board) {
      sendError(res, 404, 'No such board.')
      return
    }
    sendJson(res, 200, { id: board.id, title: board.title, role: caller.grant.role })
  }

  /** The facilitator reveals everyone's think-alone drafts (see facilitation/revealService.ts). */
  private async reveal(req: IncomingMessage, res: ServerResponse, url: URL, boardId: string): Promise<void> {
    const caller = await this.authorize(req, res, url, boardId)
    if (!caller || !(await this.allowed(res, caller, 'reveal-drafts'))) return
    const outcome = await this.options.reveal.revealAll(boardId)
    if (!outcome.ok) {
      sendError(res, 409, outcome.reason === 'no-round' ? 'No think-alone round is open.' : 'This round is closed.')
      return
    }
    sendJson(res, 200, { revealed: outcome.revealed, ms: Math.round(outcome.ms) })
  }

  private async uploadAsset(req: IncomingMessage, res: ServerResponse, url: URL, boardId: string): Promise<void> {
    const caller = await this.authorize(req, res, url, boardId)
    if (!caller || !(await this.allowed(res, caller, 'upload-asset'))) return
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
        sendError(res, 413, `This file is too large: the limit is ${formatFileSize(this.options.maxAssetBytes)}.`)
      } else sendError(res, 400, 'The upload was interrupted.')
      return
    }
    if (data.length === 0) {
      sendError(res, 400, 'The file is empty.')
      return
    }
    const assetId = createHash('sha256').update(mimeType).update(data).digest('hex').slice(0, 40)
    const outcome = await this.options.storage.putAsset(boardId, assetId, { mimeType, data }, { maxBoardBytes: this.options.maxBoardAssetBytes })
    if (!outcome.stored) {
      this.options.log.warn({ boardId, bytes: data.length, boardBytes: outcome.boardBytes }, 'upload refused: board quota')
      sendError(
        res,
        413,
        `This board's files would pass its quota of ${formatFileSize(this.options.maxBoardAssetBytes)} (${formatFileSize(outcome.boardBytes)} used); a facilitator can remove unused files.`,
      )
      return
    }
    sendJson(res, 201, { src: `/api/boards/${boardId}/assets/${assetId}` })
  }

  /** Sets the cookie that lets this browser read the board's files for a while (assetAccess.ts). */
  private async grantAssetAccess(req: IncomingMessage, res: ServerResponse, url: URL, boardId: string): Promise<void> {
    const caller = await this.authorize(req, res, url, boardId)
    if (!caller) return
    const token = await this.options.tokens.signAssetAccess(caller.grant, ASSET_ACCESS_SECONDS)
    res.setHeader('Set-Cookie', assetAccessCookie(boardId, token, this.options.publicUrl?.startsWith('https:') ?? false))
    sendJson(res, 200, { expiresAt: Date.now() + ASSET_ACCESS_SECONDS * 1000 })
  }

  /**
   * Removes the files no shape on the canvas uses, except those uploaded within the grace period:
   * a file just uploaded may be about to get its shape. Uploading a stored file again renews its
   * upload time, and the delete checks that time again in the same statement, so a file uploaded
   * once more while this runs is kept. `keptBytes` is what the files listed here add up to after.
   */
  private async pruneAssets(req: IncomingMessage, res: ServerResponse, url: URL, boardId: string): Promise<void> {
    const caller = await this.authorize(req, res, url, boardId)
    if (!caller || !(await this.allowed(res, caller, 'prune-assets'))) return
    const uploadedBefore = Date.now() - this.options.assetPruneGraceMs
    const assets = await this.options.storage.listAssets(boardId)
    const used = await this.options.relay.changeDocument(canvasDocName(boardId), (document) => usedAssetIds(document.doc, boardId))
    const unused = assets.filter((asset) => !used.has(asset.assetId) && asset.uploadedAt < uploadedBefore).map((asset) => asset.assetId)
    const { removed, bytes } = await this.options.storage.deleteAssets(boardId, unused, uploadedBefore)
    const totalBytes = assets.reduce((sum, asset) => sum + asset.bytes, 0)
    this.options.log.info({ boardId, removed: removed.length, bytes }, 'unused files removed')
    sendJson(res, 200, { removed: removed.length, bytes, keptBytes: Math.max(0, totalBytes - bytes) })
  }

  /**
   * Null when the request may read the board's files: with the asset cookie, or a board link
   * (Authorization, or the stock `?token=` integrators use). Otherwise the refusal to answer.
   */
  private async assetReadRefusal(req: IncomingMessage, url: URL, boardId: string): Promise<{ status: number; message: string } | null> {
    for (const token of assetAccessTokens(req)) {
      const check = await this.options.tokens.verifyAssetAccess(token, boardId)
      if (!check.ok) continue
      const reader = await this.options.policy.assetReader(check.grant)
      return reader.ok ? null : reader
    }
    const check = await this.options.policy.caller(req, url, boardId)
    return check.ok ? null : check
  }

  /**
   * An uploaded file. Its id is a hash of its bytes, so it never changes: cached for good, with
   * the id as ETag. A single `Range: bytes=…` is answered 206 (videos seek and stream), one that
   * lies outside the file 416; several ranges get the whole file.
   */
  private async getAsset(req: IncomingMessage, res: ServerResponse, url: URL, boardId: string, assetId: string): Promise<void> {
    const refusal = await this.assetReadRefusal(req, url, boardId)
    if (refusal) {
      sendError(res, refusal.status, refusal.message)
      return
    }
    const asset = ASSET_ID_PATTERN.test(assetId) ? await this.options.storage.getAsset(boardId, assetId) : null
    if (!asset) {
      sendError(res, 404, 'No such file on this board.')
      return
    }
    const size = asset.data.length
    const etag = `"${assetId}"`
    const headers: Record<string, string | number> = {
      'Content-Type': asset.mimeType,
      'Cache-Control': 'private, max-age=31536000, immutable',
      ETag: etag,
      'Accept-Ranges': 'bytes',
      // An uploaded SVG opened directly must not run scripts on our origin.
      'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; sandbox",
      'X-Content-Type-Options': 'nosniff',
    }
    const ifNoneMatch = req.headers['if-none-match']
    if (ifNoneMatch && (ifNoneMatch.trim() === '*' || ifNoneMatch.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag))) {
      res.writeHead(304, headers)
      res.end()
      return
    }
    // If-Range with another validator than ours means the client holds other bytes: send them all.
    const ifRange = req.headers['if-range']
    const rangeHeader = ifRange === undefined || String(ifRange).trim() === etag ? req.headers.range : undefined
    const single = rangeHeader ? /^bytes=(\d*)-(\d*)$/.exec(rangeHeader.trim()) : null
    if (single && (single[1] !== '' || single[2] !== '')) {
      // bytes=a-b, bytes=a- (to the end), bytes=-n (the last n)
      const first = single[1] === '' ? Math.max(0, size - Number(single[2])) : Number(single[1])
      const last = single[1] === '' || single[2] === '' ? size - 1 : Math.min(Number(single[2]), size - 1)
      if (first >= size || last < first || (single[1] === '' && Number(single[2]) === 0)) {
        res.writeHead(416, { ...headers, 'Content-Range': `bytes */${size}`, 'Content-Length': 0 })
        res.end()
        return
      }
      res.writeHead(206, { ...headers, 'Content-Range': `bytes ${first}-${last}/${size}`, 'Content-Length': last - first + 1 })
      res.end(req.method === 'HEAD' ? undefined : asset.data.subarray(first, last + 1))
      return
    }
    res.writeHead(200, { ...headers, 'Content-Length': size })
    res.end(req.method === 'HEAD' ? undefined : asset.data)
  }
}
