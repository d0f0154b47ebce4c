/**
 * Each board is made of several Yjs documents, split by who may write them when. The relay
 * enforces each rule for every connection (see server/policy/boardPolicy.ts):
 *
 * | document | name | holds | who may write |
 * | --- | --- | --- | --- |
 * | canvas | `<boardId>` | shapes, cards, links | facilitators; members unless the board is locked or the phase allows them no add-cards / arrange / link |
 * | conversation | `<boardId>.conversation` | threads, replies, reactions, tours | facilitators; members unless locked or the phase allows them neither reply nor react |
 * | control | `<boardId>.control` | title, problem, phases, timer, lock, spotlight | facilitators only |
 * | people | `<boardId>.people` | the members who have been on the board | the server only (renaming goes through the HTTP API) |
 * | drafts | `<boardId>.drafts.<personId>` | one person's think-alone drafts | only that person, who alone may also read it |
 *
 * Everyone with a valid link for the board may read every document but drafts. A drafts document
 * is private: only a personal token for that person opens it (POST /api/boards/:id/people).
 */
import { isValidBoardId } from './boardId'
import type { BoardRole } from './roles'

export const BOARD_DOC_KINDS = ['canvas', 'conversation', 'control', 'people', 'drafts'] as const
export type BoardDocKind = (typeof BOARD_DOC_KINDS)[number]

export interface BoardDocName {
  boardId: string
  kind: BoardDocKind
  /** The owner of a drafts document. */
  personId?: string
}

const PERSON_ID = /^[A-Za-z0-9_-]{22}$/

export function canvasDocName(boardId: string): string {
  return boardId
}

export function controlDocName(boardId: string): string {
  return `${boardId}.control`
}

export function conversationDocName(boardId: string): string {
  return `${boardId}.conversation`
}

export function peopleDocName(boardId: string): string {
  return `${boardId}.people`
}

export function draftsDocName(boardId: string, personId: string): string {
  return `${boardId}.drafts.${personId}`
}

/** Parses a document name from the network; null for anything that is not exactly one of ours. */
export function parseDocName(name: unknown): BoardDocName | null {
  if (typeof name !== 'string' || name.length > 64) return null
  const dot = name.indexOf('.')
  const boardId = dot === -1 ? name : name.slice(0, dot)
  const suffix = dot === -1 ? null : name.slice(dot + 1)
  if (!isValidBoardId(boardId)) return null
  if (suffix === null) return { boardId, kind: 'canvas' }
  if (suffix === 'control') return { boardId, kind: 'control' }
  if (suffix === 'conversation') return { boardId, kind: 'conversation' }
  if (suffix === 'people') return { boardId, kind: 'people' }
  if (suffix.startsWith('drafts.') && PERSON_ID.test(suffix.slice('drafts.'.length))) {
    return { boardId, kind: 'drafts', personId: suffix.slice('drafts.'.length) }
  }
  return null
}

/**
 * Whether a role may ever change a document of this kind (what the current phase and the board
 * lock allow on top is decided by the server's policy). Every document but drafts is readable by
 * every role; who may open a drafts document at all is checked with canOpenDoc.
 */
export function canWriteDoc(role: BoardRole, kind: BoardDocKind): boolean {
  switch (kind) {
    case 'canvas':
    case 'conversation':
      return role === 'facilitator' || role === 'member'
    case 'people':
      return false
    case 'control':
      return role === 'facilitator'
    case 'drafts':
      return role === 'facilitator' || role === 'member'
    default: {
      const unreachable: never = kind
      throw new Error(`unknown document kind ${String(unreachable)}`)
    }
  }
}

/** Whether someone (a role, and the person a personal token names, if any) may open a document. */
export function canOpenDoc(doc: BoardDocName, role: BoardRole, personId: string | undefined): boolean {
  if (doc.kind !== 'drafts') return true
  return role !== 'observer' && personId !== undefined && personId === doc.personId
}
