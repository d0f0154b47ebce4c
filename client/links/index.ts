/**
 * Typed links (wired in client/board/BoardCanvas.tsx): an arrow a member binds between two cards
 * becomes a link of a type (builds on, leads to, ...), shown on the arrow as a label and a style;
 * the type is changed in a small toolbar under the selected link. See linkRecords.ts for the
 * records and registerLinks.ts for when an arrow becomes a link.
 */
import type { Editor } from 'tldraw'
import type { BoardContextValue } from '../board/boardContext'
import { registerLinkSideEffects } from './registerLinks'

export { LinksOverlay } from './LinksOverlay'

/** Called when the editor mounts; returns the clean-up. */
export function registerLinks(editor: Editor, board: BoardContextValue): () => void {
  return registerLinkSideEffects(editor, board)
}
