/**
 * Each board is made of several Yjs documents, each with its own access rule, enforced by the
 * relay for every connection:
 *
 * | document | name | who may write |
 * | --- | --- | --- |
 * | canvas | `<boardId>` | facilitators and members |
 * | control | `<boardId>.control` | facilitators only (the problem statement, phases, timer, lock) |
 * | drafts | `<boardId>.drafts.<personId>` | only that person, who alone may also read it |
 *
 * Everyone with a valid link for the board may read the canvas and control documents. A drafts
 * document is private: only a personal token for that person opens it (see server/http/peopleApi.ts).
 */
import { isValidBoardId } from './boardId'
import type { BoardRole } from './roles'

export const BOARD_DOC_KINDS = ['canvas', 'control', 'drafts'] as const
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
  if (suffix.startsWith('drafts.') && PERSON_ID.test(suffix.slice('drafts.'.length))) {
    return { boardId, kind: 'drafts', personId: suffix.slice('drafts.'.length) }
  }
  return null
}

/**
 * Whether a role may change a document of this kind. Canvas and control documents are readable
 * by every role; who may open a drafts document at all is checked with canOpenDoc.
 */
export function canWriteDoc(role: BoardRole, kind: BoardDocKind): boolean {
  switch (kind) {
    case 'canvas':
      return role === 'facilitator' || role === 'member'
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
