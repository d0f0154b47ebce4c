/**
 * Anonymous contributions. A member who posts anonymously does not write the card themselves:
 * the server inserts it into the canvas document with its own Yjs client id, so nothing in the
 * document (not the author fields, not the client id that created the items) ties it to them.
 * The author gets a claim key (the server keeps only its hash) with which they can later edit
 * the card's text or claim it, revealing themselves as its author.
 *
 *   POST /api/boards/:id/anonymous-cards                 {kind, text, shape}     -> 201 {cardId, shapeId, claimKey}
 *   PUT  /api/boards/:id/anonymous-cards/:cardId/text    {claimKey, text}        -> 200
 *   POST /api/boards/:id/anonymous-cards/:cardId/claim   {claimKey, author}      -> 200
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { z } from 'zod'
import type { Logger } from 'pino'
import { canWriteBoard } from '../../shared/board/roles'
import { canvasDocName } from '../../shared/board/docNames'
import { TLDRAW_RECORDS_MAP } from '../../shared/board/docLayout'
import { CARD_ID_PATTERN, claimCard, createCard, editCardText, hasCard, newCardId, readCard } from '../../shared/board/boardModel'
import {
  CONTRIBUTION_MAX_SIZE,
  CONTRIBUTION_MIN_SIZE,
  INDEX_PATTERN,
  PARENT_ID_PATTERN,
  SHAPE_ID_PATTERN,
  contributionShapeRecord,
} from '../../shared/board/contributionShape'
import { CONTRIBUTION_KINDS, MAX_CARD_TEXT_LENGTH } from '../../shared/board/vocabulary'
import type { TokenAuthority } from '../auth/tokens'
import type { Relay } from '../relay/relay'
import type { Storage } from '../storage/storage'
import { BodyTooLargeError, readBody, requestToken, sendError, sendJson } from './respond'

const MAX_BODY_BYTES = 32 * 1024
const coordinate = z.number().finite().min(-1e7).max(1e7)

const PostBody = z.object({
  kind: z.enum(CONTRIBUTION_KINDS),
  text: z.string().max(MAX_CARD_TEXT_LENGTH),
  shape: z.object({
    id: z.string().regex(SHAPE_ID_PATTERN),
    parentId: z.string().regex(PARENT_ID_PATTERN),
    index: z.string().regex(INDEX_PATTERN),
    x: coordinate,
    y: coordinate,
    w: z.number().min(CONTRIBUTION_MIN_SIZE.w).max(CONTRIBUTION_MAX_SIZE.w),
    h: z.number().min(CONTRIBUTION_MIN_SIZE.h).max(CONTRIBUTION_MAX_SIZE.h),
  }),
})

const claimKey = z.string().min(20).max(100)
const TextBody = z.object({ claimKey, text: z.string().max(MAX_CARD_TEXT_LENGTH) })
const ClaimBody = z.object({
  claimKey,
  author: z.object({
    id: z.string().min(1).max(100),
    name: z.string().trim().min(1).max(80),
    color: z.string().regex(/^#[0-9a-fA-F]{6}$/),
  }),
})

function hashKey(key: string): string {
  return createHash('sha256').update(key).digest('hex')
}

export interface AnonymousCardsApiOptions {
  storage: Storage
  tokens: TokenAuthority
  relay: Relay
  log: Logger
}

export class AnonymousCardsApi {
  constructor(private readonly options: AnonymousCardsApiOptions) {}

  /** Handles `parts` = ['anonymous-cards', ...rest] under /api/boards/:boardId. */
  async handle(req: IncomingMessage, res: ServerResponse, url: URL, boardId: string, rest: string[]): Promise<void> {
    const check = await this.options.tokens.verify(requestToken(req, url), boardId)
    if (!check.ok) return sendError(res, 401, 'This board link is not valid.')
    if (!canWriteBoard(check.grant.role)) return sendError(res, 403, 'Observers cannot add or change cards.')
    if (!(await this.options.storage.getBoard(boardId))) return sendError(res, 404, 'No such board.')
    const body = await this.readJson(req, res)
    if (body === undefined) return
    if (rest.length === 0 && req.method === 'POST') return this.post(res, boardId, body)
    const [cardId, action] = rest
    if (rest.length !== 2 || !CARD_ID_PATTERN.test(cardId)) return sendError(res, 404, 'Not found.')
    if (action === 'text' && req.method === 'PUT') return this.editText(res, boardId, cardId, body)
    if (action === 'claim' && req.method === 'POST') return this.claim(res, boardId, cardId, body)
    return sendError(res, 405, 'Method not allowed.')
  }

  private async readJson(req: IncomingMessage, res: ServerResponse): Promise<unknown> {
    try {
      return JSON.parse((await readBody(req, MAX_BODY_BYTES)).toString('utf8'))
    } catch (error) {
      if (error instanceof BodyTooLargeError) sendError(res, 413, 'The request is too large.')
      else sendError(res, 400, 'The request body must be JSON.')
      return undefined
    }
  }

  private async post(res: ServerResponse, boardId: string, body: unknown): Promise<void> {
    const parsed = PostBody.safeParse(body)
    if (!parsed.success) return sendError(res, 400, 'An anonymous card needs a kind, a text and a place on the canvas.')
    const { kind, text, shape } = parsed.data
    const cardId = newCardId()
    const key = randomBytes(24).toString('base64url')
    await this.options.storage.putAnonymousCard(boardId, cardId, hashKey(key))
    const inserted = await this.options.relay.changeDocument(canvasDocName(boardId), (document) => {
      const records = document.doc.getMap(TLDRAW_RECORDS_MAP)
      if (records.has(shape.id)) return false
      document.doc.transact(() => {
        createCard(document.doc, { id: cardId, kind, text, author: null, anonymous: true, now: Date.now() })
        records.set(shape.id, contributionShapeRecord({ ...shape, cardId }))
      }, 'server')
      return true
    })
    if (!inserted) {
      await this.options.storage.deleteAnonymousCard(boardId, cardId)
      return sendError(res, 409, 'A shape with that id already exists.')
    }
    this.options.log.info({ boardId, cardId }, 'anonymous card added')
    sendJson(res, 201, { cardId, shapeId: shape.id, claimKey: key })
  }

  private async verifyClaim(res: ServerResponse, boardId: string, cardId: string, key: string): Promise<boolean> {
    const stored = await this.options.storage.getAnonymousCardClaimHash(boardId, cardId)
    const given = Buffer.from(hashKey(key), 'hex')
    if (!stored || !timingSafeEqual(Buffer.from(stored, 'hex'), given)) {
      sendError(res, 403, 'That card cannot be changed with this key.')
      return false
    }
    return true
  }

  private async editText(res: ServerResponse, boardId: string, cardId: string, body: unknown): Promise<void> {
    const parsed = TextBody.safeParse(body)
    if (!parsed.success) return sendError(res, 400, 'Send the claim key and the new text.')
    if (!(await this.verifyClaim(res, boardId, cardId, parsed.data.claimKey))) return
    const found = await this.options.relay.changeDocument(canvasDocName(boardId), (document) => {
      if (!hasCard(document.doc, cardId)) return false
      editCardText(document.doc, cardId, parsed.data.text, null, Date.now())
      return true
    })
    if (!found) return sendError(res, 404, 'No such card.')
    sendJson(res, 200, { cardId })
  }

  private async claim(res: ServerResponse, boardId: string, cardId: string, body: unknown): Promise<void> {
    const parsed = ClaimBody.safeParse(body)
    if (!parsed.success) return sendError(res, 400, 'Send the claim key and who you are.')
    if (!(await this.verifyClaim(res, boardId, cardId, parsed.data.claimKey))) return
    const claimed = await this.options.relay.changeDocument(canvasDocName(boardId), (document) =>
      readCard(document.doc, cardId) ? claimCard(document.doc, cardId, parsed.data.author, Date.now()) : false,
    )
    if (!claimed) return sendError(res, 404, 'No such anonymous card.')
    await this.options.storage.deleteAnonymousCard(boardId, cardId)
    this.options.log.info({ boardId, cardId }, 'anonymous card claimed')
    sendJson(res, 200, { cardId })
  }
}
