/**
 * The outline, a board feature (client/board/features.ts): the Outline panel in the board's dock
 * (OutlinePanel.tsx), toggled with Alt+Shift+O, which tldraw does not use; and the announcer
 * (Announcer.tsx) in the chrome, for phase changes, the timer's last minute and reveals.
 */
import type { BoardFeature } from '../board/features'
import { useDockStore } from '../dock/dockStore'
import { Announcer } from './Announcer'
import { OUTLINE_PANEL_ID, OUTLINE_SHORTCUT, OutlinePanelBody } from './OutlinePanel'

function isOutlineShortcut(event: KeyboardEvent): boolean {
  return event.altKey && event.shiftKey && !event.ctrlKey && !event.metaKey && event.code === 'KeyO'
}

function registerOutline(): () => void {
  const onKeyDown = (event: KeyboardEvent) => {
    if (!isOutlineShortcut(event)) return
    event.preventDefault()
    event.stopPropagation()
    useDockStore.getState().toggle(OUTLINE_PANEL_ID)
  }
  window.addEventListener('keydown', onKeyDown, true)
  return () => window.removeEventListener('keydown', onKeyDown, true)
}

export const outlineFeature: BoardFeature = {
  id: 'outline',
  register: registerOutline,
  Chrome: Announcer,
  panel: {
    id: OUTLINE_PANEL_ID,
    label: 'Outline',
    title: 'Outline of the board',
    toggleTestId: 'outline-toggle',
    shortcut: OUTLINE_SHORTCUT,
    Body: OutlinePanelBody,
  },
}
