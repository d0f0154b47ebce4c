/**
 * What the conversation features (threads, members, what's new, find and filter) add to the
 * board (wired in client/board/BoardCanvas.tsx).
 */
import type { Editor, TLShape } from 'tldraw'
import type { BoardContextValue } from '../board/boardContext'

/** Called when the editor mounts; returns the clean-up. */
export function registerConversation(_editor: Editor, _board: BoardContextValue): () => void {
  return () => {}
}

/** Rendered in front of the canvas, inside tldraw's context. */
export function ConversationOverlay() {
  return null
}

/** Hides shapes the current filter excludes (tldraw's getShapeVisibility). */
export function canvasShapeVisibility(_shape: TLShape, _editor: Editor): 'visible' | 'hidden' | 'inherit' {
  return 'inherit'
}
