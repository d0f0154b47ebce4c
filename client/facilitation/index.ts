/**
 * What facilitation (phases, shared timer, lock, spotlight and summons, roles) adds to the board
 * (wired in client/board/BoardCanvas.tsx).
 */
import type { Editor } from 'tldraw'
import type { BoardContextValue } from '../board/boardContext'

/** Called when the editor mounts; returns the clean-up. */
export function registerFacilitation(_editor: Editor, _board: BoardContextValue): () => void {
  return () => {}
}

/** Rendered in front of the canvas, inside tldraw's context. */
export function FacilitationOverlay() {
  return null
}
