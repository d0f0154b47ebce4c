/**
 * Preference voting (see shared/board/voting.ts). Ballots live only in the server's storage: no
 * shared document holds them, so nobody sees a ballot or a count before the facilitator closes
 * the round; on close the server tallies and publishes the results into the control document.
 *
 *   POST /api/boards/:id/rounds                    facilitator     {cardIds, budget, anonymous, title?} -> 201 {roundId}
 *   GET  /api/boards/:id/rounds/:roundId/ballot    personal token  -> {dots}
 *   PUT  /api/boards/:id/rounds/:roundId/ballot    personal token  {dots, voter} -> 200 {dots}
 *   POST /api/boards/:id/rounds/:roundId/close     facilitator     -> 200 {results, voterCount}
 */
import { randomBytes } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { z } from 'zod'
import type { Logger } from 'pino'
import * as Y from 'yjs'
import { controlDocName } from '../../shared/board/docNames'
import { FACILITATION_MAP } from '../../shared/board/facilitation'
import { CARD_ID_PATTERN } from '../../shared/board/boardModel'
import { MAX_ROUND_CARDS, MAX_VOTE_BUDGET, VOTE_ROUNDS_KEY, rankResults, type VoteResult, type VoteRound } from '../../shared/board/voting'
import type { BoardGrant, TokenAuthority } from '../auth/tokens'
import type { Relay } from '../relay/relay'
import type { Storage, StoredVoteRound } from '../storage/storage'
import { BodyTooLargeError, readBody, requestToken, sendError, sendJson } from './respond'

const MAX_BODY_BYTES = 64 * 1024
const ROUND_ID_PATTERN = /^[A-Za-z0-9_-]{16}$/

const OpenRoundBody = z.object({
  cardIds: z.array(z.string().regex(CARD_ID_PATTERN)).min(1).max(MAX_ROUND_CARDS),
  budget: z.number().int().min(1).max(MAX_VOTE_BUDGET),
  anonymous: z.boolean(),
  title: z.string().trim().max(120).optional(),
})

const BallotBody = z.object({
  dots: z.record(z.string(), z.number().int().min(0).max(MAX_VOTE_BUDGET)),
  voter: z.object({ id: z.string().min(1).max(100), name: z.string().trim().min(1).max(80), color: z.string().max(20) }),
})

export interface VotingApiOptions {
  storage: Storage
  tokens: TokenAuthority
  relay: Relay
  log: Logger
}

function publicRound(round: StoredVoteRound, results: VoteResult[] | null, voterCount: number | null): VoteRound {
  return {
    roundId: round.roundId,
    number: round.number,
    title: round.title,
    cardIds: round.cardIds,
    budget: round.budget,
    anonymous: round.anonymous,
    status: round.status,
    openedAt: round.openedAt,
    closedAt: round.closedAt,
    results,
    voterCount,
  }
}

export class VotingApi {
  constructor(private readonly options: VotingApiOptions) {}

  /** Handles `rest` = the path after /api/boards/:boardId/rounds. */
  async handle(req: IncomingMessage, res: ServerResponse, url: URL, boardId: string, rest: string[]): Promise<void> {
    const check = await this.options.tokens.verify(requestToken(req, url), boardId)
    if (!check.ok) return sendError(res, 401, 'This board link is not valid.')
    if (!(await this.options.storage.getBoard(boardId))) return sendError(res, 404, 'No such board.')
    const grant = check.grant
    if (rest.length === 0) {
      if (req.method !== 'POST') return sendError(res, 405, 'Use POST.')
      return this.openRound(req, res, boardId, grant)
    }
    const [roundId, action] = rest
    if (rest.length !== 2 || !ROUND_ID_PATTERN.test(roundId)) return sendError(res, 404, 'Not found.')
    const round = await this.options.storage.getVoteRound(boardId, roundId)
    if (!round) return sendError(res, 404, 'No such round.')
    if (action === 'ballot' && req.method === 'GET') return this.getBallot(res, round, grant)
    if (action === 'ballot' && req.method === 'PUT') return this.putBallot(req, res, round, grant)
    if (action === 'close' && req.method === 'POST') return this.closeRound(res, round, grant)
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

  private publish(boardId: string, round: VoteRound): Promise<void> {
    return this.options.relay.changeDocument(controlDocName(boardId), (document) => {
      const facilitation = document.doc.getMap<unknown>(FACILITATION_MAP)
      let rounds = facilitation.get(VOTE_ROUNDS_KEY)
      document.doc.transact(() => {
        if (!(rounds instanceof Y.Map)) {
          rounds = new Y.Map()
          facilitation.set(VOTE_ROUNDS_KEY, rounds)
        }
        ;(rounds as Y.Map<VoteRound>).set(round.roundId, round)
      }, 'server')
    })
  }

  private async openRound(req: IncomingMessage, res: ServerResponse, boardId: string, grant: BoardGrant): Promise<void> {
    if (grant.role !== 'facilitator') return sendError(res, 403, 'Only facilitators open a vote.')
    const body = await this.readJson(req, res)
    if (body === undefined) return
    const parsed = OpenRoundBody.safeParse(body)
    if (!parsed.success) return sendError(res, 400, `A vote needs 1–${MAX_ROUND_CARDS} cards and a budget of 1–${MAX_VOTE_BUDGET} dots.`)
    const number = (await this.options.storage.countVoteRounds(boardId)) + 1
    const round: StoredVoteRound = {
      boardId,
      roundId: randomBytes(12).toString('base64url'),
      number,
      title: parsed.data.title || `Vote ${number}`,
      cardIds: [...new Set(parsed.data.cardIds)],
      budget: parsed.data.budget,
      anonymous: parsed.data.anonymous,
      status: 'open',
      openedAt: Date.now(),
      closedAt: null,
    }
    await this.options.storage.createVoteRound(round)
    await this.publish(boardId, publicRound(round, null, null))
    this.options.log.info({ boardId, roundId: round.roundId }, 'vote opened')
    sendJson(res, 201, { roundId: round.roundId })
  }

  private personOf(res: ServerResponse, grant: BoardGrant): string | null {
    if (!grant.personId) {
      sendError(res, 403, 'Voting needs your personal token (POST /api/boards/:id/people).')
      return null
    }
    if (grant.role === 'observer') {
      sendError(res, 403, 'Observers cannot vote.')
      return null
    }
    return grant.personId
  }

  private async getBallot(res: ServerResponse, round: StoredVoteRound, grant: BoardGrant): Promise<void> {
    const personId = this.personOf(res, grant)
    if (!personId) return
    const ballot = await this.options.storage.getBallot(round.boardId, round.roundId, personId)
    sendJson(res, 200, { dots: ballot?.dots ?? {} })
  }

  private async putBallot(req: IncomingMessage, res: ServerResponse, round: StoredVoteRound, grant: BoardGrant): Promise<void> {
    const personId = this.personOf(res, grant)
    if (!personId) return
    if (round.status !== 'open') return sendError(res, 409, 'This vote is closed.')
    const body = await this.readJson(req, res)
    if (body === undefined) return
    const parsed = BallotBody.safeParse(body)
    if (!parsed.success) return sendError(res, 400, 'A ballot gives whole numbers of dots to cards.')
    const inRound = new Set(round.cardIds)
    const dots: Record<string, number> = {}
    let total = 0
    for (const [cardId, count] of Object.entries(parsed.data.dots)) {
      if (!inRound.has(cardId)) return sendError(res, 400, 'That card is not part of this vote.')
      if (count > 0) dots[cardId] = count
      total += count
    }
    if (total > round.budget) return sendError(res, 400, `You have ${round.budget} dots in this vote.`)
    await this.options.storage.putBallot(round.boardId, round.roundId, { personId, dots, voter: parsed.data.voter, updatedAt: Date.now() })
    sendJson(res, 200, { dots })
  }

  private async closeRound(res: ServerResponse, round: StoredVoteRound, grant: BoardGrant): Promise<void> {
    if (grant.role !== 'facilitator') return sendError(res, 403, 'Only facilitators close a vote.')
    if (round.status === 'closed') return sendError(res, 409, 'This vote is already closed.')
    const closedAt = Date.now()
    await this.options.storage.closeVoteRound(round.boardId, round.roundId, closedAt)
    const ballots = await this.options.storage.listBallots(round.boardId, round.roundId)
    const totals = new Map<string, number>()
    const votersByCard = new Map<string, Array<{ id: string; name: string; color: string; dots: number }>>()
    for (const ballot of ballots) {
      for (const [cardId, count] of Object.entries(ballot.dots)) {
        totals.set(cardId, (totals.get(cardId) ?? 0) + count)
        if (!votersByCard.has(cardId)) votersByCard.set(cardId, [])
        votersByCard.get(cardId)!.push({ ...ballot.voter, dots: count })
      }
    }
    const voterCount = ballots.filter((ballot) => Object.keys(ballot.dots).length > 0).length
    const results: VoteResult[] = rankResults(round.cardIds, totals).map((result) =>
      round.anonymous ? result : { ...result, voters: votersByCard.get(result.cardId) ?? [] },
    )
    await this.publish(round.boardId, publicRound({ ...round, status: 'closed', closedAt }, results, voterCount))
    this.options.log.info({ boardId: round.boardId, roundId: round.roundId, voterCount }, 'vote closed')
    sendJson(res, 200, { results, voterCount })
  }
}
