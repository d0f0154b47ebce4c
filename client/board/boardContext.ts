/**
 * What our panels inside tldraw's UI need to know about the open board. tldraw renders its
 * component slots without props, so they read this context instead.
 */
import { createContext, useContext } from 'react'
import type * as Y from 'yjs'
import type { Awareness } from 'y-protocols/awareness'
import type { BoardRole } from '../../shared/board/roles'
import type { Person } from '../../shared/board/boardModel'

export interface BoardContextValue {
  readonly boardId: string
  /** The board link's token, for API calls. */
  readonly token: string
  /** The canvas document. */
  readonly doc: Y.Doc
  /** The control document (title, problem statement, facilitation). */
  readonly controlDoc: Y.Doc
  /** Presence of everyone on the canvas (the canvas provider's awareness). */
  readonly awareness: Awareness
  readonly role: BoardRole
  /** Whether this person may change the canvas (facilitators and members). */
  readonly canEdit: boolean
  /** Who this person is right now (name and colour can change while the board is open). */
  getMe(): Person
  /** The title the server confirmed, shown until the document's own title has synced. */
  readonly initialTitle: string
}

export const BoardContext = createContext<BoardContextValue | null>(null)

export function useBoardContext(): BoardContextValue {
  const value = useContext(BoardContext)
  if (!value) throw new Error('useBoardContext must be used inside a board')
  return value
}
