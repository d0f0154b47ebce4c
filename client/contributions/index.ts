/**
 * What the contributions feature adds to the board (wired in client/board/BoardCanvas.tsx).
 */
import type { Editor, TLAnyShapeUtilConstructor } from 'tldraw'
import type { BoardContextValue } from '../board/boardContext'

/** Shape utils for the store (boardConnection.ts) and the editor (BoardCanvas.tsx). */
export const contributionShapeUtils: TLAnyShapeUtilConstructor[] = []

/** Called when the editor mounts; returns the clean-up. */
export function registerContributions(_editor: Editor, _board: BoardContextValue): () => void {
  return () => {}
}

/** Rendered in front of the canvas, inside tldraw's context. */
export function ContributionOverlay() {
  return null
}
