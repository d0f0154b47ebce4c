/**
 * Withdrawing access over HTTP, for facilitators only (shared/api/links.ts): read the board's
 * current links, replace one link (rotation, with an optional expiry), delete the board after its
 * title is typed. The policy does the work (server/policy/boardPolicy.ts): it bumps the link's
 * version in storage, closes what the old version opened here and, through the fan-out, on every
 * other instance.
 *
 *   GET    /api/boards/:id/links               -> 200 {facilitator, member, observer: {link, expiresAt}}
 *   POST   /api/boards/:id/links/:role/rotate  {expiresInDays?} -> 200 {link, expiresAt}
 *   DELETE /api/boards/:id                     {confirmTitle}   -> 204; 400 when the title does not match
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Logger } from 'pino'
import { DeleteBoardBody, LinkRole, MAX_LINK_EXPIRY_DAYS, RotateLinkBody } from '../../shared/api/links'
import type { BoardAction } from '../../shared/board/boardRules'
import type { BoardRole } from '../../shared/board/roles'
import type { BoardPolicy, Caller } from '../policy/boardPolicy'
import type { Storage } from '../storage/storage'
import { BodyTooLargeError, isJsonRequest, readBody, readJson, sendError, sendJson } from './respond'

const MAX_BODY_BYTES = 8 * 1024

export interface LinksApiOptions {
  storage: Storage
  policy: BoardPolicy
  log: Logger
  /** The base of the links handed out (PUBLIC_URL, or the request's own host). */
  baseUrl: (req: IncomingMessage) => string
}

export function boardLink(base: string, boardId: string, token: string): string {
  return `${base}/b/${boardId}#token=${token}`
}

export class LinksApi {
  constructor(private readonly options: LinksApiOptions) {}

  /** `rest` is the path after /api/boards/:id/links. */
  async handleLinks(req: IncomingMessage, res: ServerResponse, url: URL, boardId: string, rest: string[]): Promise<void> {
    if (rest.length === 0) {
      if (req.method !== 'GET') return this.methodNotAllowed(res, 'GET')
      const caller = await this.facilitator(req, res, url, boardId, 'replace-link')
      if (!caller) return
      const tokens = await this.options.policy.currentLinkTokens(boardId)
      const base = this.options.baseUrl(req)
      const entry = (role: BoardRole) => ({
        link: boardLink(base, boardId, tokens[role].token),
        expiresAt: tokens[role].expiresAt === null ? null : tokens[role].expiresAt * 1000,
      })
      return sendJson(res, 200, { facilitator: entry('facilitator'), member: entry('member'), observer: entry('observer') })
    }
    const role = LinkRole.safeParse(rest[0])
    if (rest.length !== 2 || rest[1] !== 'rotate' || !role.success) return sendError(res, 404, 'Not found.')
    if (req.method !== 'POST') return this.methodNotAllowed(res, 'POST')
    const caller = await this.facilitator(req, res, url, boardId, 'replace-link')
    if (!caller) return
    const body = await this.optionalJson(req, res)
    if (body === undefined) return
    const parsed = RotateLinkBody.safeParse(body)
    if (!parsed.success) return sendError(res, 400, `expiresInDays, when given, is a whole number of days from 1 to ${MAX_LINK_EXPIRY_DAYS}.`)
    const expiresInDays = parsed.data.expiresInDays ?? null
    const token = await this.options.policy.rotateLink(boardId, role.data, expiresInDays)
    this.options.log.info({ boardId, role: role.data, expiresInDays }, 'link rotated over HTTP')
    const expiresAt = expiresInDays === null ? null : Date.now() + expiresInDays * 24 * 60 * 60 * 1000
    sendJson(res, 200, { link: boardLink(this.options.baseUrl(req), boardId, token), expiresAt })
  }

  /** DELETE /api/boards/:id */
  async deleteBoard(req: IncomingMessage, res: ServerResponse, url: URL, boardId: string): Promise<void> {
    const caller = await this.facilitator(req, res, url, boardId, 'delete-board')
    if (!caller) return
    const body = await readJson(req, res, MAX_BODY_BYTES)
    if (body === undefined) return
    const parsed = DeleteBoardBody.safeParse(body)
    if (!parsed.success) return sendError(res, 400, 'To delete the board, send its title as {"confirmTitle": "…"}.')
    const board = await this.options.storage.getBoard(boardId)
    if (!board) return sendError(res, 404, 'No such board.')
    // The title as the board shows it now (facilitators may have edited it), or as it was created.
    const titles = [board.title, await this.options.policy.liveTitle(boardId)].map((title) => title.trim())
    if (!titles.includes(parsed.data.confirmTitle.trim())) return sendError(res, 400, 'The title does not match; the board was not deleted.')
    await this.options.policy.deleteBoard(boardId)
    this.options.log.info({ boardId }, 'board deleted over HTTP')
    res.writeHead(204)
    res.end()
  }

  /** The caller when they hold a facilitator's token; answers the refusal itself otherwise. */
  private async facilitator(req: IncomingMessage, res: ServerResponse, url: URL, boardId: string, action: BoardAction): Promise<Caller | null> {
    const check = await this.options.policy.caller(req, url, boardId)
    if (!check.ok) {
      sendError(res, check.status, check.message)
      return null
    }
    const gate = await this.options.policy.gate(boardId)
    try {
      const decision = gate.decide(check.caller, action)
      if (!decision.allowed) {
        sendError(res, decision.status, decision.message)
        return null
      }
    } finally {
      gate.release()
    }
    return check.caller
  }

  /** An empty body is `{}`; anything else must be JSON, sent as such (415 otherwise). Undefined once an error has been answered. */
  private async optionalJson(req: IncomingMessage, res: ServerResponse): Promise<unknown> {
    let raw: Buffer
    try {
      raw = await readBody(req, MAX_BODY_BYTES)
    } catch (error) {
      if (error instanceof BodyTooLargeError) sendError(res, 413, 'The request is too large.')
      else sendError(res, 400, 'The request was interrupted.')
      return undefined
    }
    if (raw.length === 0) return {}
    if (!isJsonRequest(req)) {
      sendError(res, 415, 'This route takes a JSON body: send it with Content-Type: application/json.')
      return undefined
    }
    try {
      return JSON.parse(raw.toString('utf8'))
    } catch {
      sendError(res, 400, 'The request body must be JSON.')
      return undefined
    }
  }

  private methodNotAllowed(res: ServerResponse, allow: string): void {
    res.setHeader('Allow', allow)
    sendError(res, 405, `Use ${allow}.`)
  }
}
