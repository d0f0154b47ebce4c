/**
 * Builds a new board's shared documents from a board file: the canvas (tldraw records, their
 * schema, the cards), the control document (title, problem, session plan, published rounds), the
 * conversation (threads, replies, reactions, tours) and the people document (members), each as
 * the first update of its document. The layout is the one boardModel.ts, tourModel.ts and
 * voting.ts read, so `readBoardFile(buildBoardDocuments(file))` gives the file back. The caller
 * has checked the file (shared/exchange/boardFile.ts and, for tldraw records, the server).
 *
 * @example
 *   const updates = buildBoardDocuments(file)
 *   await storage.createBoard(board, [{ docName: canvasDocName(id), update: updates.canvas }, …])
 */
import * as Y from 'yjs'
import {
  BOARD_MAP,
  BOARD_PROBLEM_KEY,
  BOARD_TITLE_KEY,
  CARDS_MAP,
  MEMBERS_MAP,
  REACTIONS_MAP,
  THREADS_MAP,
  TLDRAW_META_MAP,
  TLDRAW_RECORDS_MAP,
  TLDRAW_SCHEMA_KEY,
  TOURS_MAP,
} from '../board/docLayout'
import { FACILITATION_MAP } from '../board/facilitation'
import { VOTE_ROUNDS_KEY } from '../board/voting'
import type { BoardFile } from './boardFile'

export interface BoardUpdates {
  canvas: Uint8Array
  control: Uint8Array
  conversation: Uint8Array
  people: Uint8Array
}

function encode(fill: (doc: Y.Doc) => void): Uint8Array {
  const doc = new Y.Doc()
  doc.transact(() => fill(doc))
  const update = Y.encodeStateAsUpdate(doc)
  doc.destroy()
  return update
}

function fillCanvas(doc: Y.Doc, file: BoardFile): void {
  const records = doc.getMap<unknown>(TLDRAW_RECORDS_MAP)
  for (const record of file.canvas.records) records.set(record.id, record)
  if (file.canvas.schema !== null && file.canvas.schema !== undefined) doc.getMap<unknown>(TLDRAW_META_MAP).set(TLDRAW_SCHEMA_KEY, file.canvas.schema)
  const cards = doc.getMap<Y.Map<unknown>>(CARDS_MAP)
  for (const card of file.canvas.cards) {
    const map = new Y.Map<unknown>()
    map.set('kind', card.kind)
    map.set('text', new Y.Text(card.text))
    map.set('author', card.anonymous ? null : card.author)
    map.set('anonymous', card.anonymous)
    map.set('createdAt', card.createdAt)
    map.set('updatedAt', card.updatedAt)
    map.set('lastEditor', card.lastEditor)
    cards.set(card.id, map)
  }
}

function fillControl(doc: Y.Doc, file: BoardFile): void {
  const board = doc.getMap<unknown>(BOARD_MAP)
  board.set(BOARD_TITLE_KEY, new Y.Text(file.board.title))
  board.set(BOARD_PROBLEM_KEY, new Y.Text(file.board.problem))
  const facilitation = doc.getMap<unknown>(FACILITATION_MAP)
  if (file.session.phases.length > 0) {
    const phases = new Y.Array<unknown>()
    phases.push(file.session.phases)
    facilitation.set('phases', phases)
  }
  if (file.session.currentPhaseId !== null) facilitation.set('currentPhaseId', file.session.currentPhaseId)
  if (file.session.locked) facilitation.set('locked', true)
  const closed = file.rounds.filter((round) => round.status === 'closed')
  if (closed.length > 0) {
    const rounds = new Y.Map<unknown>()
    for (const round of closed) rounds.set(round.roundId, round)
    facilitation.set(VOTE_ROUNDS_KEY, rounds)
  }
}

function fillConversation(doc: Y.Doc, file: BoardFile): void {
  const threads = doc.getMap<Y.Map<unknown>>(THREADS_MAP)
  for (const thread of file.conversation.threads) {
    const map = new Y.Map<unknown>()
    map.set('status', thread.status)
    map.set('statusBy', thread.statusBy)
    map.set('statusAt', thread.statusAt)
    const replies = new Y.Array<Y.Map<unknown>>()
    replies.push(
      thread.replies.map((reply) => {
        const replyMap = new Y.Map<unknown>()
        replyMap.set('id', reply.id)
        replyMap.set('author', reply.author)
        replyMap.set('text', new Y.Text(reply.text))
        replyMap.set('createdAt', reply.createdAt)
        replyMap.set('editedAt', reply.editedAt)
        replyMap.set('deleted', reply.deleted)
        return replyMap
      }),
    )
    map.set('replies', replies)
    threads.set(thread.anchorId, map)
  }
  const reactions = doc.getMap<Y.Map<Y.Map<unknown>>>(REACTIONS_MAP)
  for (const reaction of file.conversation.reactions) {
    let perCard = reactions.get(reaction.cardId)
    if (!perCard) {
      perCard = new Y.Map()
      reactions.set(reaction.cardId, perCard)
    }
    let givers = perCard.get(reaction.reaction)
    if (!givers) {
      givers = new Y.Map()
      perCard.set(reaction.reaction, givers)
    }
    givers.set(reaction.by.id, { name: reaction.by.name, color: reaction.by.color, at: reaction.at })
  }
  const tours = doc.getMap<Y.Map<unknown>>(TOURS_MAP)
  for (const tour of file.conversation.tours) {
    const map = new Y.Map<unknown>()
    map.set('title', new Y.Text(tour.title))
    map.set('author', tour.author)
    map.set('createdAt', tour.createdAt)
    map.set('published', tour.published)
    const stops = new Y.Array<Y.Map<unknown>>()
    stops.push(
      tour.stops.map((stop) => {
        const stopMap = new Y.Map<unknown>()
        stopMap.set('id', stop.id)
        stopMap.set('note', new Y.Text(stop.note))
        stopMap.set('x', stop.x)
        stopMap.set('y', stop.y)
        stopMap.set('w', stop.w)
        stopMap.set('h', stop.h)
        stopMap.set('pageId', stop.pageId)
        stopMap.set('shapeIds', stop.shapeIds)
        return stopMap
      }),
    )
    map.set('stops', stops)
    tours.set(tour.id, map)
  }
}

function fillPeople(doc: Y.Doc, file: BoardFile): void {
  const members = doc.getMap<unknown>(MEMBERS_MAP)
  for (const member of file.members) members.set(member.id, member)
}

export function buildBoardDocuments(file: BoardFile): BoardUpdates {
  return {
    canvas: encode((doc) => fillCanvas(doc, file)),
    control: encode((doc) => fillControl(doc, file)),
    conversation: encode((doc) => fillConversation(doc, file)),
    people: encode((doc) => fillPeople(doc, file)),
  }
}
