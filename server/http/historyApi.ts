/**
 * The history routes: the timeline of a board, the board as it was at a moment (read only, for
 * every link of the board), and restoring a moment as a new board (facilitators), created through
 * the same path as POST /api/boards so its checks apply. Each route checks the token and the
 * role through the policy like every other route.
 *
 *   GET  /api/boards/:id/history           any board link    -> 200 HistoryTimeline
 *   GET  /api/boards/:id/history/at?t=     any board link    -> 200 HistoryMoment; 404 older than kept
 *   POST /api/boards/:id/history/restore   facilitator {at}  -> 201 {id, links}
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import * as Y from 'yjs'
import { RestoreHistoryBody } from '../../shared/api/history'
import type { BoardAction } from '../../shared/board/boardRules'
import { BOARD_MAP, BOARD_PROBLEM_KEY, BOARD_TITLE_KEY, MAX_TITLE_LENGTH } from '../../shared/board/docLayout'
import { canvasDocName, controlDocName, conversationDocName } from '../../shared/board/docNames'
import { encodeBoardSeed } from '../boards/boardSeed'
import type { HistoryReader } from '../history/historyReader'
import type { BoardPolicy, Caller } from '../policy/boardPolicy'
import type { BoardsApi } from './boardsApi'
import { readJson, sendError, sendJson } from './respond'

const MAX_BODY_BYTES = 1024
const RESTORED_SUFFIX = ' (restored)'

export interface HistoryApiOptions {
  policy: BoardPolicy
  reader: HistoryReader
  retentionDays: number | null
}

export class HistoryApi {
  constructor(private readonly options: HistoryApiOptions) {}

  async handle(req: IncomingMessage, res: ServerResponse, url: URL, boardId: string, rest: string[], boards: BoardsApi): Promise<void> {
    const route = rest.join('/')
    const method = route === 'restore' ? 'POST' : 'GET'
    if (route !== '' && route !== 'at' && route !== 'restore') return sendError(res, 404, 'Not found.')
    if (req.method !== method) {
      res.setHeader('Allow', method)
      return sendError(res, 405, `Use ${method}.`)
    }
    const caller = await this.authorize(req, res, url, boardId)
    if (!caller) return
    if (route === '') {
      if (!(await this.allowed(res, caller, 'read-history'))) return
      return sendJson(res, 200, await this.options.reader.timeline(boardId))
    }
    if (route === 'at') {
      if (!(await this.allowed(res, caller, 'read-history'))) return
      const at = this.momentOf(res, url.searchParams.get('t'))
      if (at === null) return
      const moment = await this.options.reader.moment(boardId, at)
      if (!moment) return sendError(res, 404, this.tooOld())
      return sendJson(res, 200, moment)
    }
    if (!(await this.allowed(res, caller, 'restore-history'))) return
    const body = await readJson(req, res, MAX_BODY_BYTES)
    if (body === undefined) return
    const parsed = RestoreHistoryBody.safeParse(body)
    if (!parsed.success) return sendError(res, 400, 'Say which moment to restore: {"at": milliseconds since 1970}.')
    const at = Math.min(parsed.data.at, Date.now())
    if (at < this.options.reader.oldestShown) return sendError(res, 404, this.tooOld())
    const documents = await this.options.reader.documentsAt(boardId, at)
    const control = new Y.Doc()
    Y.applyUpdate(control, documents.control)
    const board = control.getMap<unknown>(BOARD_MAP)
    const text = (key: string) => {
      const value = board.get(key)
      return value instanceof Y.Text ? value.toString() : ''
    }
    const title = text(BOARD_TITLE_KEY)
    const problem = text(BOARD_PROBLEM_KEY)
    control.destroy()
    if (title === '' && problem === '') return sendError(res, 404, 'Nothing was recorded on this board by then.')
    const restoredTitle = `${title.slice(0, MAX_TITLE_LENGTH - RESTORED_SUFFIX.length)}${RESTORED_SUFFIX}`
    await boards.storeNewBoard(
      req,
      res,
      { title: restoredTitle, problem },
      (id) => [
        { docName: controlDocName(id), update: encodeBoardSeed(restoredTitle, problem) },
        { docName: canvasDocName(id), update: documents.canvas },
        { docName: conversationDocName(id), update: documents.conversation },
      ],
      { restoredFrom: boardId, at },
    )
  }

  private momentOf(res: ServerResponse, value: string | null): number | null {
    const at = value !== null && /^\d{1,15}$/.test(value) ? Number(value) : Number.NaN
    if (!Number.isSafeInteger(at)) {
      sendError(res, 400, 'Say which moment: ?t= milliseconds since 1970.')
      return null
    }
    return Math.min(at, Date.now())
  }

  private tooOld(): string {
    return `That moment is older than the history this server keeps (${this.options.retentionDays} days).`
  }

  private async authorize(req: IncomingMessage, res: ServerResponse, url: URL, boardId: string): Promise<Caller | null> {
    const check = await this.options.policy.caller(req, url, boardId)
    if (!check.ok) {
      sendError(res, check.status, check.message)
      return null
    }
    return check.caller
  }

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
}
