/**
 * Guided tours, a board feature (client/board/features.ts): `register` starts this tab's tour
 * session when the editor mounts, the Tours panel in the board's dock lists them, and the overlay
 * (ToursOverlay.tsx) is the recorder, the player, and the "is presenting a tour — Follow" notice. Tours live in the
 * conversation document.
 */
import type { Editor } from 'tldraw'
import type { BoardContextValue } from '../board/boardContext'
import type { BoardFeature } from '../board/features'
import { activeTourSession, createTourSession } from './tourSession'
import { TOURS_PANEL_ID, ToursOverlay, ToursPanelBody } from './ToursOverlay'

function registerTours(editor: Editor, board: BoardContextValue): () => void {
  const session = createTourSession(editor, board)
  activeTourSession.set(session)
  return () => {
    session.dispose()
    if (activeTourSession.get() === session) activeTourSession.set(null)
  }
}

export const toursFeature: BoardFeature = {
  id: 'tours',
  register: registerTours,
  Overlay: ToursOverlay,
  panel: { id: TOURS_PANEL_ID, label: 'Tours', toggleTestId: 'tours-toggle', Body: ToursPanelBody },
}
