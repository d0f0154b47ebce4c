/**
 * Reads a board file out of a board's shared documents (canvas, control, conversation, people),
 * as everyone on the board sees them. Nothing here reads drafts or ballots: they are not in these
 * documents. Every list is sorted by time and id, never by the order the documents happened to
 * receive their changes in, so the file says nothing about who wrote what beyond the fields shown
 * (an anonymous card's place in the file does not follow its author's other cards).
 *
 * Each document's part can be read on its own (`readBoardParts`), as the server does inside the
 * relay, one document at a time.
 *
 * @example
 *   const file = readBoardFile({ canvas, control, conversation, people }, Date.now())
 */
import * as Y from 'yjs'
import { listCards, listMembers, listThreads, readReactions } from '../board/boardModel'
import {
  BOARD_MAP,
  BOARD_PROBLEM_KEY,
  BOARD_TITLE_KEY,
  REACTIONS_MAP,
  TLDRAW_META_MAP,
  TLDRAW_RECORDS_MAP,
  TLDRAW_SCHEMA_KEY,
  TOURS_MAP,
} from '../board/docLayout'
import { FACILITATION_MAP, type PhaseData } from '../board/facilitation'
import { listVoteRounds } from '../board/voting'
import { REACTIONS } from '../board/vocabulary'
import { BOARD_FILE_FORMAT, BOARD_FILE_VERSION, type BoardFile, type FilePerson, type FileReaction, type FileRecord, type FileTour } from './boardFile'

export interface BoardDocs {
  canvas: Y.Doc
  control: Y.Doc
  conversation: Y.Doc
  people: Y.Doc
}

const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
const byTimeThenId = (a: { createdAt: number; id: string }, b: { createdAt: number; id: string }) => a.createdAt - b.createdAt || byId(a, b)

function asPerson(value: unknown): FilePerson | null {
  if (!value || typeof value !== 'object') return null
  const { id, name, color } = value as Record<string, unknown>
  return typeof id === 'string' && typeof name === 'string' && typeof color === 'string' ? { id, name, color } : null
}

const finite = (value: unknown, fallback: number) => (typeof value === 'number' && Number.isFinite(value) ? value : fallback)

function readTours(doc: Y.Doc): FileTour[] {
  const tours: FileTour[] = []
  for (const [tourId, map] of doc.getMap<Y.Map<unknown>>(TOURS_MAP).entries()) {
    if (!(map instanceof Y.Map)) continue
    const stops = map.get('stops')
    tours.push({
      id: tourId,
      title: String(map.get('title') ?? ''),
      author: asPerson(map.get('author')),
      createdAt: finite(map.get('createdAt'), 0),
      published: map.get('published') === true,
      stops:
        stops instanceof Y.Array
          ? (stops.toArray() as unknown[])
              .filter((stop): stop is Y.Map<unknown> => stop instanceof Y.Map)
              .map((stop) => ({
                id: String(stop.get('id') ?? ''),
                note: String(stop.get('note') ?? ''),
                x: finite(stop.get('x'), 0),
                y: finite(stop.get('y'), 0),
                w: Math.max(1, finite(stop.get('w'), 1)),
                h: Math.max(1, finite(stop.get('h'), 1)),
                pageId: String(stop.get('pageId') ?? ''),
                shapeIds: Array.isArray(stop.get('shapeIds')) ? (stop.get('shapeIds') as unknown[]).filter((s): s is string => typeof s === 'string') : [],
              }))
          : [],
    })
  }
  return tours.sort(byTimeThenId)
}

function readAllReactions(doc: Y.Doc): FileReaction[] {
  const result: FileReaction[] = []
  for (const cardId of doc.getMap(REACTIONS_MAP).keys()) {
    const perCard = readReactions(doc, cardId)
    for (const reaction of REACTIONS) {
      for (const giver of perCard[reaction]) result.push({ cardId, reaction, by: { id: giver.id, name: giver.name, color: giver.color }, at: giver.at })
    }
  }
  return result.sort((a, b) => a.at - b.at || (a.cardId < b.cardId ? -1 : a.cardId > b.cardId ? 1 : 0) || (a.by.id < b.by.id ? -1 : 1))
}

function readPhases(control: Y.Doc): PhaseData[] {
  const phases = control.getMap<unknown>(FACILITATION_MAP).get('phases')
  if (!(phases instanceof Y.Array)) return []
  return (phases.toArray() as Array<Partial<PhaseData> | null>)
    .filter((phase): phase is PhaseData => !!phase && typeof phase.id === 'string' && typeof phase.name === 'string')
    .map((phase) => ({
      id: phase.id,
      name: phase.name,
      instructions: String(phase.instructions ?? ''),
      durationMs: finite(phase.durationMs, 0),
      ...(Array.isArray(phase.memberActions) ? { memberActions: phase.memberActions } : {}),
    }))
}

export type CanvasPart = BoardFile['canvas']
export type ControlPart = Pick<BoardFile, 'board' | 'session' | 'rounds'>
export type ConversationPart = BoardFile['conversation']
export type PeoplePart = BoardFile['members']

/** Each document's part of the file, read on its own (the server reads each inside the relay). */
export const readBoardParts = {
  canvas(canvas: Y.Doc): CanvasPart {
    const records = [...canvas.getMap<unknown>(TLDRAW_RECORDS_MAP).values()]
      .filter((record): record is FileRecord => !!record && typeof record === 'object' && typeof (record as FileRecord).id === 'string')
      .sort(byId)
    return {
      schema: canvas.getMap<unknown>(TLDRAW_META_MAP).get(TLDRAW_SCHEMA_KEY) ?? null,
      records,
      cards: listCards(canvas)
        .map((card) => (card.anonymous ? { ...card, author: null } : card))
        .sort(byTimeThenId),
    }
  },
  control(control: Y.Doc): ControlPart {
    const board = control.getMap<unknown>(BOARD_MAP)
    const facilitation = control.getMap<unknown>(FACILITATION_MAP)
    const currentPhaseId = facilitation.get('currentPhaseId')
    return {
      board: { title: String(board.get(BOARD_TITLE_KEY) ?? ''), problem: String(board.get(BOARD_PROBLEM_KEY) ?? '') },
      session: {
        phases: readPhases(control),
        currentPhaseId: typeof currentPhaseId === 'string' ? currentPhaseId : null,
        locked: facilitation.get('locked') === true,
      },
      rounds: listVoteRounds(control).map((round) => ({
        roundId: round.roundId,
        number: round.number,
        title: round.title,
        cardIds: round.cardIds,
        budget: round.budget,
        anonymous: round.anonymous,
        status: round.status,
        openedAt: round.openedAt,
        closedAt: round.status === 'closed' ? round.closedAt : null,
        results: round.status === 'closed' ? round.results : null,
        voterCount: round.status === 'closed' ? round.voterCount : null,
      })),
    }
  },
  conversation(conversation: Y.Doc): ConversationPart {
    return {
      threads: listThreads(conversation).sort((a, b) => (a.anchorId < b.anchorId ? -1 : a.anchorId > b.anchorId ? 1 : 0)),
      reactions: readAllReactions(conversation),
      tours: readTours(conversation),
    }
  },
  people(people: Y.Doc): PeoplePart {
    return listMembers(people).sort(byTimeThenIdMember)
  },
}

export function assembleBoardFile(
  parts: { canvas: CanvasPart; control: ControlPart; conversation: ConversationPart; people: PeoplePart },
  now: number,
): BoardFile {
  return {
    format: BOARD_FILE_FORMAT,
    version: BOARD_FILE_VERSION,
    exportedAt: now,
    board: parts.control.board,
    canvas: parts.canvas,
    session: parts.control.session,
    conversation: parts.conversation,
    rounds: parts.control.rounds,
    members: parts.people,
  }
}

export function readBoardFile(docs: BoardDocs, now: number): BoardFile {
  return assembleBoardFile(
    {
      canvas: readBoardParts.canvas(docs.canvas),
      control: readBoardParts.control(docs.control),
      conversation: readBoardParts.conversation(docs.conversation),
      people: readBoardParts.people(docs.people),
    },
    now,
  )
}

function byTimeThenIdMember(a: { firstSeenAt: number; id: string }, b: { firstSeenAt: number; id: string }): number {
  return a.firstSeenAt - b.firstSeenAt || byId(a, b)
}
