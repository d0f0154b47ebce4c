/**
 * People on a board. A browser asks once for its personal token (through the board link it came
 * with); the server keeps the person it issued and the name, colour and practice line they give
 * themselves, and that is what everyone sees in presence, on claimed cards and on named ballots.
 * Minting is bounded per client address and hour (PEOPLE_PER_ADDRESS_PER_HOUR, spent in
 * apiRateLimits.ts with every other API budget), so one link cannot mint people without end.
 *
 *   POST /api/boards/:id/people      board link       -> 201 {personId, personToken, person}; 429 + Retry-After
 *   GET  /api/boards/:id/people/me   personal token   -> {person}
 *   PUT  /api/boards/:id/people/me   personal token   {name, color, practice} -> {person}
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Logger } from 'pino'
import { MAX_PERSON_NAME_LENGTH, MAX_PERSON_PRACTICE_LENGTH, UpdateMeBody } from '../../shared/api/people'
import type { TokenAuthority } from '../auth/tokens'
import type { BoardPolicy } from '../policy/boardPolicy'
import type { StoredPerson } from '../storage/storage'
import { readJson, sendError, sendJson } from './respond'

const MAX_BODY_BYTES = 8 * 1024

/** A person as others may see them. */
export function publicPerson(person: StoredPerson) {
  return { id: person.personId, name: person.name, color: person.color, practice: person.practice, role: person.role }
}

export interface PeopleApiOptions {
  tokens: TokenAuthority
  policy: BoardPolicy
  log: Logger
}

export class PeopleApi {
  constructor(private readonly options: PeopleApiOptions) {}

  /** Handles `rest` = the path after /api/boards/:boardId/people. */
  async handle(req: IncomingMessage, res: ServerResponse, url: URL, boardId: string, rest: string[]): Promise<void> {
    if (rest.length === 0) {
      if (req.method !== 'POST') return sendError(res, 405, 'Use POST.')
      return this.issue(req, res, url, boardId)
    }
    if (rest.length !== 1 || rest[0] !== 'me') return sendError(res, 404, 'Not found.')
    const check = await this.options.policy.caller(req, url, boardId)
    if (!check.ok) return sendError(res, check.status, check.message)
    const { caller } = check
    if (!caller.person) return sendError(res, 403, 'This needs your personal token (POST /api/boards/:id/people).')
    if (req.method === 'GET') return sendJson(res, 200, { person: publicPerson(caller.person) })
    if (req.method !== 'PUT') return sendError(res, 405, 'Use GET or PUT.')
    const body = await readJson(req, res, MAX_BODY_BYTES)
    if (body === undefined) return
    const parsed = UpdateMeBody.safeParse(body)
    if (!parsed.success) {
      return sendError(
        res,
        400,
        `A name (1–${MAX_PERSON_NAME_LENGTH} characters), one of the board colours and a practice line of at most ${MAX_PERSON_PRACTICE_LENGTH} characters.`,
      )
    }
    const person = await this.options.policy.people.rename(boardId, caller.person.personId, parsed.data)
    if (!person) return sendError(res, 404, 'No such person on this board.')
    sendJson(res, 200, { person: publicPerson(person) })
  }

  /**
   * A personal token: the role of the link the browser came with, and a new person that opens
   * their private documents (drafts) and carries their name, ballots and claims.
   */
  private async issue(req: IncomingMessage, res: ServerResponse, url: URL, boardId: string): Promise<void> {
    const check = await this.options.policy.caller(req, url, boardId)
    if (!check.ok) return sendError(res, check.status, check.message)
    const person = await this.options.policy.people.issue(boardId, check.caller.grant.role)
    // Minted through this link: it lasts as long as the link's version does, and no longer than the link.
    const { linkVersion, expiresAt } = check.caller.grant
    const personToken = await this.options.tokens.sign({ boardId, role: person.role, personId: person.personId, linkVersion, expiresAt })
    sendJson(res, 201, { personId: person.personId, personToken, person: publicPerson(person) })
  }
}
