/**
 * What our panels inside tldraw's UI need to know about the open board. tldraw renders its
 * component slots without props, so they read this context instead.
 */
import { createContext, useContext } from 'react'
import type * as Y from 'yjs'
import type { BoardRole } from '../../shared/board/roles'

export interface BoardContextValue {
  /** The canvas document. */
  readonly doc: Y.Doc
  /** The control document (title, problem statement). */
  readonly controlDoc: Y.Doc
  readonly role: BoardRole
  /** The title the server confirmed, shown until the document's own title has synced. */
  readonly initialTitle: string
}

export const BoardContext = createContext<BoardContextValue | null>(null)

export function useBoardContext(): BoardContextValue {
  const value = useContext(BoardContext)
  if (!value) throw new Error('useBoardContext must be used inside a board')
  return value
}
