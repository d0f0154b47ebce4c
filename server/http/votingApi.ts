/**
 * Preference voting (see shared/board/voting.ts). Ballots live only in the server's storage: no
 * shared document holds them, so nobody sees a ballot or a count before the facilitator closes
 * the round; on close the server tallies and publishes the results into the control document.
 * A named ballot carries the name of the person its personal token names, never one the request
 * gives. Closing is atomic with ballots: a ballot is either counted or refused with 409. While a
 * round is open the control document shows how many have voted against how many are present.
 *
 *   POST /api/boards/:id/rounds                    facilitator     {cardIds, budget, anonymous, title?} -> 201 {roundId}
 *   GET  /api/boards/:id/rounds/:roundId/ballot    personal token  -> {dots}
 *   PUT  /api/boards/:id/rounds/:roundId/ballot    personal token  {dots} -> 200 {dots}; 409 once closed
 *   POST /api/boards/:id/rounds/:roundId/close     facilitator     -> 200 {results, voterCount}
 */
import { randomBytes } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { BallotBody, OpenRoundBody } from '../../shared/api/voting'
import type { Logger } from 'pino'
import * as Y from 'yjs'
import { controlDocName } from '../../shared/board/docNames'
import { FACILITATION_MAP } from '../../shared/board/facilitation'
import { MAX_ROUND_CARDS, MAX_VOTE_BUDGET, VOTE_ROUNDS_KEY, listVoteRounds, rankResults, type VoteResult, type VoteRound } from '../../shared/board/voting'
import type { BoardAction } from '../../shared/board/boardRules'
import type { BoardPolicy, Caller } from '../policy/boardPolicy'
import type { Relay } from '../relay/relay'
import type { Storage, StoredVoteRound } from '../storage/storage'
import { readJson, sendError, sendJson } from './respond'

const MAX_BODY_BYTES = 64 * 1024
const ROUND_ID_PATTERN = /^[A-Za-z0-9_-]{16}$/

/** How often the "n of m have voted" counts are republished at most. */
const COUNTS_INTERVAL_MS = 500

export interface VotingApiOptions {
  storage: Storage
  policy: BoardPolicy
  relay: Relay
  log: Logger
}

function publicRound(round: StoredVoteRound, results: VoteResult[] | null, voterCount: number | null, counts?: { voted: number; present: number }): VoteRound {
  return {
    ...counts,
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
  private readonly countsDue = new Map<string, NodeJS.Timeout>()

  constructor(private readonly options: VotingApiOptions) {
    options.policy.onPresenceChange.push((boardId) => this.scheduleCounts(boardId))
  }

  /** Handles `rest` = the path after /api/boards/:boardId/rounds. */
  async handle(req: IncomingMessage, res: ServerResponse, url: URL, boardId: string, rest: string[]): Promise<void> {
    const check = await this.options.policy.caller(req, url, boardId)
    if (!check.ok) return sendError(res, check.status, check.message)
    const { caller } = check
    if (rest.length === 0) {
      if (req.method !== 'POST') return sendError(res, 405, 'Use POST.')
      if (!(await this.allowed(res, caller, 'open-vote'))) return
      return this.openRound(req, res, boardId)
    }
    const [roundId, action] = rest
    if (rest.length !== 2 || !ROUND_ID_PATTERN.test(roundId)) return sendError(res, 404, 'Not found.')
    const round = await this.options.storage.getVoteRound(boardId, roundId)
    if (!round) return sendError(res, 404, 'No such round.')
    if (action === 'ballot' && req.method === 'GET') return this.getBallot(res, round, caller)
    if (action === 'ballot' && req.method === 'PUT') return this.putBallot(req, res, round, caller)
    if (action === 'close' && req.method === 'POST') {
      if (!(await this.allowed(res, caller, 'close-vote'))) return
      return this.closeRound(res, round)
    }
    return sendError(res, 405, 'Method not allowed.')
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

  /** How many have placed dots in an open round, and how many people are on the board now. */
  private async counts(round: StoredVoteRound): Promise<{ voted: number; present: number }> {
    const ballots = await this.options.storage.listBallots(round.boardId, round.roundId)
    const voters = new Set(ballots.filter((ballot) => Object.keys(ballot.dots).length > 0).map((ballot) => ballot.personId))
    const present = this.options.policy.presentPeople(round.boardId)
    for (const voter of voters) present.add(voter)
    return { voted: voters.size, present: present.size }
  }

  /** Republishes the counts of a board's open rounds soon (people came, left or voted). */
  private scheduleCounts(boardId: string): void {
    if (this.countsDue.has(boardId)) return
    const timer = setTimeout(() => {
      this.countsDue.delete(boardId)
      void this.publishCounts(boardId).catch((error: unknown) => this.options.log.warn({ err: error, boardId }, 'vote counts not published'))
    }, COUNTS_INTERVAL_MS)
    timer.unref()
    this.countsDue.set(boardId, timer)
  }

  private async publishCounts(boardId: string): Promise<void> {
    const open = await this.options.relay.changeDocument(controlDocName(boardId), (document) =>
      listVoteRounds(document.doc).filter((round) => round.status === 'open'),
    )
    for (const published of open) {
      const round = await this.options.storage.getVoteRound(boardId, published.roundId)
      if (round?.status !== 'open') continue
      const counts = await this.counts(round)
      if (counts.voted === published.voted && counts.present === published.present) continue
      await this.publish(boardId, publicRound(round, null, null, counts))
    }
  }

  private async openRound(req: IncomingMessage, res: ServerResponse, boardId: string): Promise<void> {
    const body = await readJson(req, res, MAX_BODY_BYTES)
    if (body === undefined) return
    const parsed = OpenRoundBody.safeParse(body)
    if (!parsed.success) return sendError(res, 400, `A vote needs 1–${MAX_ROUND_CARDS} cards and a budget of 1–${MAX_VOTE_BUDGET} dots.`)
    // An imported board carries its earlier rounds' results in the control document only.
    const published = await this.options.relay.changeDocument(controlDocName(boardId), (document) => listVoteRounds(document.doc))
    const number = Math.max(await this.options.storage.countVoteRounds(boardId), ...published.map((round) => round.number)) + 1
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
    await this.publish(boardId, publicRound(round, null, null, await this.counts(round)))
    this.options.log.info({ boardId, roundId: round.roundId }, 'vote opened')
    sendJson(res, 201, { roundId: round.roundId })
  }

  /** The person voting: a personal token of a member or facilitator. */
  private voterOf(res: ServerResponse, caller: Caller): NonNullable<Caller['person']> | null {
    if (!caller.person) {
      sendError(res, 403, 'Voting needs your personal token (POST /api/boards/:id/people).')
      return null
    }
    if (caller.grant.role === 'observer') {
      sendError(res, 403, 'Observers cannot vote.')
      return null
    }
    return caller.person
  }

  private async getBallot(res: ServerResponse, round: StoredVoteRound, caller: Caller): Promise<void> {
    const person = this.voterOf(res, caller)
    if (!person) return
    const ballot = await this.options.storage.getBallot(round.boardId, round.roundId, person.personId)
    sendJson(res, 200, { dots: ballot?.dots ?? {} })
  }

  private async putBallot(req: IncomingMessage, res: ServerResponse, round: StoredVoteRound, caller: Caller): Promise<void> {
    const person = this.voterOf(res, caller)
    if (!person) return
    if (round.status !== 'open') return sendError(res, 409, 'This vote is closed.')
    if (!(await this.allowed(res, caller, 'cast-ballot'))) return
    const body = await readJson(req, res, MAX_BODY_BYTES)
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
    // The name is the person's as the server knows it, read now (they may have renamed themselves).
    const current = this.options.policy.people.cached(round.boardId, person.personId) ?? person
    const voter = { id: current.personId, name: current.name ?? 'Someone', color: current.color }
    const stored = await this.options.storage.putBallot(round.boardId, round.roundId, { personId: current.personId, dots, voter, updatedAt: Date.now() })
    if (!stored) return sendError(res, 409, 'This vote closed before your dots were counted.')
    this.scheduleCounts(round.boardId)
    sendJson(res, 200, { dots })
  }

  private async closeRound(res: ServerResponse, round: StoredVoteRound): Promise<void> {
    const closedAt = Date.now()
    const ballots = await this.options.storage.closeVoteRound(round.boardId, round.roundId, closedAt)
    if (!ballots) return sendError(res, 409, 'This vote is already closed.')
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
