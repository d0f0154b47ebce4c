/**
 * Each board is made of several Yjs documents, each with its own access rule, enforced by the
 * relay for every connection:
 *
 * | document | name | who may write |
 * | --- | --- | --- |
 * | canvas | `<boardId>` | facilitators and members |
 * | control | `<boardId>.control` | facilitators only (the problem statement, later phases and timer) |
 *
 * Everyone with a valid link for the board may read every one of them.
 */
import { isValidBoardId } from './boardId'
import type { BoardRole } from './roles'

export const BOARD_DOC_KINDS = ['canvas', 'control'] as const
export type BoardDocKind = (typeof BOARD_DOC_KINDS)[number]

export interface BoardDocName {
  boardId: string
  kind: BoardDocKind
}

export function canvasDocName(boardId: string): string {
  return boardId
}

export function controlDocName(boardId: string): string {
  return `${boardId}.control`
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
  return null
}

/** Whether a role may change a document of this kind. Reading is open to every role. */
export function canWriteDoc(role: BoardRole, kind: BoardDocKind): boolean {
  switch (kind) {
    case 'canvas':
      return role === 'facilitator' || role === 'member'
    case 'control':
      return role === 'facilitator'
    default: {
      const unreachable: never = kind
      throw new Error(`unknown document kind ${String(unreachable)}`)
    }
  }
}
