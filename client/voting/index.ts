/**
 * Placeholder wiring for the voting feature (replaced by its implementation).
 */
import type { Editor } from 'tldraw'
import type { BoardContextValue } from '../board/boardContext'

export function registerVoting(_editor: Editor, _board: BoardContextValue): () => void {
  return () => {}
}

export function VotingOverlay() {
  return null
}
