/**
 * What guided tours add to the board (wired in client/board/BoardCanvas.tsx): `registerTours` on
 * editor mount, and `ToursOverlay` in front of the canvas — the Tours button and list, the
 * recorder, the player, and the "is presenting a tour — Follow" notice.
 */
import type { Editor } from 'tldraw'
import type { BoardContextValue } from '../board/boardContext'
import { activeTourSession, createTourSession } from './tourSession'

export { ToursOverlay } from './ToursOverlay'

/** Called when the editor mounts; returns the clean-up. */
export function registerTours(editor: Editor, board: BoardContextValue): () => void {
  const session = createTourSession(editor, board)
  activeTourSession.set(session)
  return () => {
    session.dispose()
    if (activeTourSession.get() === session) activeTourSession.set(null)
  }
}
