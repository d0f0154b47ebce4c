/**
 * Anonymous contributions. A member who posts anonymously does not write the card themselves:
 * the server inserts it into the canvas document with its own Yjs client id, so nothing in the
 * document (not the author fields, not the client id that created the items) ties it to them.
 * The author gets a claim key (the server keeps only its hash) with which they can later edit
 * the card's text or claim it, revealing themselves as its author.
 *
 *   POST /api/boards/:id/anonymous-cards                 {kind, text, shape}     -> 201 {cardId, shapeId, claimKey}
 *   PUT  /api/boards/:id/anonymous-cards/:cardId/text    {claimKey, text}        -> 200
 *   POST /api/boards/:id/anonymous-cards/:cardId/claim   {claimKey}              -> 200 (personal token: the card gets that person's name)
 *
 * Each is decided by the board policy like a change to the canvas: refused while the board is
 * locked (423) or the phase does not allow it (403), and checked again in the very step that
 * writes the card, so a lock set meanwhile still holds.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { ClaimAnonymousCardBody, EditAnonymousCardBody, PostAnonymousCardBody } from '../../shared/api/anonymousCards'
import type { Logger } from 'pino'
import { canvasDocName } from '../../shared/board/docNames'
import { TLDRAW_RECORDS_MAP } from '../../shared/board/docLayout'
import { CARD_ID_PATTERN, claimCard, createCard, editCardText, hasCard, newCardId, readCard } from '../../shared/board/boardModel'
import { contributionShapeRecord } from '../../shared/board/contributionShape'
import { checkServerRecord } from '../board/serverRecords'
import type { BoardAction } from '../../shared/board/boardRules'
import type { BoardGate, BoardPolicy, Caller } from '../policy/boardPolicy'
import type { BoardDocument } from '../relay/boardDocument'
import type { Relay } from '../relay/relay'
import type { Storage } from '../storage/storage'
import { readJson, sendError, sendJson } from './respond'

const MAX_BODY_BYTES = 32 * 1024
function hashKey(key: string): string {
  return createHash('sha256').update(key).digest('hex')
}

export interface AnonymousCardsApiOptions {
  storage: Storage
  policy: BoardPolicy
  relay: Relay
  log: Logger
}

interface RequestContext {
  res: ServerResponse
  caller: Caller
  gate: BoardGate
  action: BoardAction
}

/** A refusal the policy gave while the card was being written. */
class Refused {
  constructor(
    readonly status: number,
    readonly message: string,
  ) {}
}

export class AnonymousCardsApi {
  constructor(private readonly options: AnonymousCardsApiOptions) {}

  /** Handles `parts` = ['anonymous-cards', ...rest] under /api/boards/:boardId. */
  async handle(req: IncomingMessage, res: ServerResponse, url: URL, boardId: string, rest: string[]): Promise<void> {
    const check = await this.options.policy.caller(req, url, boardId)
    if (!check.ok) return sendError(res, check.status, check.message)
    const route = this.route(req.method, rest)
    if (!route) {
      const known = rest.length === 0 || (rest.length === 2 && CARD_ID_PATTERN.test(rest[0]))
      return known ? sendError(res, 405, 'Method not allowed.') : sendError(res, 404, 'Not found.')
    }
    const gate = await this.options.policy.gate(boardId)
    try {
      const decision = gate.decide(check.caller, route.action)
      if (!decision.allowed) return sendError(res, decision.status, decision.message)
      const body = await readJson(req, res, MAX_BODY_BYTES)
      if (body === undefined) return
      const context = { res, caller: check.caller, gate, action: route.action }
      if (route.action === 'post-anonymous-card') return await this.post(context, body)
      if (route.action === 'edit-anonymous-card') return await this.editText(context, route.cardId!, body)
      return await this.claim(context, route.cardId!, body)
    } catch (error) {
      if (error instanceof Refused) return sendError(res, error.status, error.message)
      throw error
    } finally {
      gate.release()
    }
  }

  private route(method: string | undefined, rest: string[]): { action: BoardAction; cardId?: string } | null {
    if (rest.length === 0) return method === 'POST' ? { action: 'post-anonymous-card' } : null
    const [cardId, action] = rest
    if (rest.length !== 2 || !CARD_ID_PATTERN.test(cardId)) return null
    if (action === 'text' && method === 'PUT') return { action: 'edit-anonymous-card', cardId }
    if (action === 'claim' && method === 'POST') return { action: 'claim-card', cardId }
    return null
  }

  /**
   * Changes the canvas if, at that very moment, the policy still allows the action (the board may
   * have been locked while the request was read). Throws Refused otherwise.
   */
  private changeCanvas<T>(context: RequestContext, change: (document: BoardDocument) => T): Promise<T> {
    return this.options.relay.changeDocument(canvasDocName(context.caller.boardId), (document) => {
      const decision = context.gate.decide(context.caller, context.action)
      if (!decision.allowed) throw new Refused(decision.status, decision.message)
      return change(document)
    })
  }

  private async post(context: RequestContext, body: unknown): Promise<void> {
    const { res, caller } = context
    const boardId = caller.boardId
    const parsed = PostAnonymousCardBody.safeParse(body)
    if (!parsed.success) return sendError(res, 400, 'An anonymous card needs a kind, a text and a place on the canvas.')
    const { kind, text, shape } = parsed.data
    const cardId = newCardId()
    const key = randomBytes(24).toString('base64url')
    await this.options.storage.putAnonymousCard(boardId, cardId, hashKey(key))
    const inserted = await this.changeCanvas(context, (document) => {
      const records = document.doc.getMap(TLDRAW_RECORDS_MAP)
      if (records.has(shape.id)) return { ok: false as const, status: 409, message: 'A shape with that id already exists.' }
      const checked = checkServerRecord(document.doc, contributionShapeRecord({ ...shape, cardId }))
      if (!checked.ok) return { ok: false as const, status: checked.problem === 'board-format' ? 409 : 400, message: checked.message }
      document.doc.transact(() => {
        createCard(document.doc, { id: cardId, kind, text, author: null, anonymous: true, now: Date.now() })
        records.set(shape.id, checked.record)
      }, 'server')
      return { ok: true as const }
    }).catch(async (error: unknown) => {
      await this.options.storage.deleteAnonymousCard(boardId, cardId)
      throw error
    })
    if (!inserted.ok) {
      await this.options.storage.deleteAnonymousCard(boardId, cardId)
      return sendError(res, inserted.status, inserted.message)
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

  private async editText(context: RequestContext, cardId: string, body: unknown): Promise<void> {
    const { res, caller } = context
    const parsed = EditAnonymousCardBody.safeParse(body)
    if (!parsed.success) return sendError(res, 400, 'Send the claim key and the new text.')
    if (!(await this.verifyClaim(res, caller.boardId, cardId, parsed.data.claimKey))) return
    const found = await this.changeCanvas(context, (document) => {
      if (!hasCard(document.doc, cardId)) return false
      editCardText(document.doc, cardId, parsed.data.text, null, Date.now())
      return true
    })
    if (!found) return sendError(res, 404, 'No such card.')
    sendJson(res, 200, { cardId })
  }

  /** The card gets the name of the person the personal token names, never a name the request gives. */
  private async claim(context: RequestContext, cardId: string, body: unknown): Promise<void> {
    const { res, caller } = context
    const person = caller.person
    if (!person) return sendError(res, 403, 'Claiming a card needs your personal token (POST /api/boards/:id/people).')
    if (person.name === null) return sendError(res, 409, 'Give yourself a name first (PUT /api/boards/:id/people/me).')
    const parsed = ClaimAnonymousCardBody.safeParse(body)
    if (!parsed.success) return sendError(res, 400, 'Send the claim key.')
    if (!(await this.verifyClaim(res, caller.boardId, cardId, parsed.data.claimKey))) return
    const author = { id: person.personId, name: person.name, color: person.color }
    const claimed = await this.changeCanvas(context, (document) =>
      readCard(document.doc, cardId) ? claimCard(document.doc, cardId, author, Date.now()) : false,
    )
    if (!claimed) return sendError(res, 404, 'No such anonymous card.')
    await this.options.storage.deleteAnonymousCard(caller.boardId, cardId)
    this.options.log.info({ boardId: caller.boardId, cardId }, 'anonymous card claimed')
    sendJson(res, 200, { cardId })
  }
}
