/**
 * Map analysis, a board feature (client/board/features.ts): `register` starts this tab's analysis
 * session (analysisSession.ts), ties it to the Map panel being open, and wires the panel's
 * shortcut (Alt+Shift+M); the Map panel in the board's dock (MapOverlay.tsx: the map analysis and
 * "How my understanding moved"), and the highlight of the chosen result's cards in front of the
 * canvas.
 */
import type { Editor } from 'tldraw'
import type { BoardContextValue } from '../board/boardContext'
import type { BoardFeature } from '../board/features'
import { useDockStore } from '../dock/dockStore'
import { useAnalysisHighlight } from './analysisHighlight'
import { activeAnalysisSession, createAnalysisSession } from './analysisSession'
import { MapOverlay, MapPanelBody } from './MapOverlay'
import { isMapOpen, MAP_PANEL_ID, MAP_SHORTCUT, useMapPanelStore } from './mapPanelStore'

function isMapShortcut(event: KeyboardEvent): boolean {
  return event.altKey && event.shiftKey && !event.ctrlKey && !event.metaKey && event.code === 'KeyM'
}

function registerAnalysis(_editor: Editor, board: BoardContextValue): () => void {
  const session = createAnalysisSession(board)
  activeAnalysisSession.set(session)
  session.setActive(isMapOpen())
  const stopFollowingPanel = useDockStore.subscribe((state, previous) => {
    const open = state.openPanel === MAP_PANEL_ID
    if (open === (previous.openPanel === MAP_PANEL_ID)) return
    session.setActive(open)
    if (!open) useAnalysisHighlight.getState().clear()
  })
  const onKeyDown = (event: KeyboardEvent) => {
    if (!isMapShortcut(event)) return
    event.preventDefault()
    event.stopPropagation()
    useMapPanelStore.getState().toggle()
  }
  window.addEventListener('keydown', onKeyDown, true)
  return () => {
    window.removeEventListener('keydown', onKeyDown, true)
    stopFollowingPanel()
    session.dispose()
    useAnalysisHighlight.getState().clear()
    if (activeAnalysisSession.get() === session) activeAnalysisSession.set(null)
  }
}

export const analysisFeature: BoardFeature = {
  id: 'analysis',
  register: registerAnalysis,
  Overlay: MapOverlay,
  panel: { id: MAP_PANEL_ID, label: 'Map', title: 'Map of the board', toggleTestId: 'map-toggle', shortcut: MAP_SHORTCUT, Body: MapPanelBody },
}
