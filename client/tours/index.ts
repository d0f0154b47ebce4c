/**
 * Placeholder wiring for the tours feature (replaced by its implementation).
 */
import type { Editor } from 'tldraw'
import type { BoardContextValue } from '../board/boardContext'

export function registerTours(_editor: Editor, _board: BoardContextValue): () => void {
  return () => {}
}

export function ToursOverlay() {
  return null
}
