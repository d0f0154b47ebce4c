/**
 * Placeholder wiring for the drafts feature (replaced by its implementation).
 */
import type { Editor } from 'tldraw'
import type { BoardContextValue } from '../board/boardContext'

export function registerDrafts(_editor: Editor, _board: BoardContextValue): () => void {
  return () => {}
}

export function DraftsOverlay() {
  return null
}
