/**
 * Which of the Map panel's two views it shows (the map analysis, or how a member's understanding
 * moved) and whose understanding, and opening and closing the panel, which is one of the dock's
 * (client/dock/dockStore.ts keeps whether it is open). Per browser tab, not shared with others.
 */
import { create } from 'zustand'
import { useDockStore } from '../dock/dockStore'

export type MapView = 'analysis' | 'understanding'

/** The Map panel's id in the dock. */
export const MAP_PANEL_ID = 'map'

/** The keyboard shortcut that opens and closes the panel, as aria-keyshortcuts spells it. */
export const MAP_SHORTCUT = 'Alt+Shift+M'

export interface MapPanelState {
  readonly view: MapView
  /** Whose understanding is shown; null for this person. */
  readonly memberId: string | null
  open(view?: MapView): void
  close(): void
  toggle(): void
  setView(view: MapView): void
  setMember(memberId: string | null): void
}

export const useMapPanelStore = create<MapPanelState>()((set) => ({
  view: 'analysis',
  memberId: null,
  open: (view) => {
    if (view) set({ view })
    useDockStore.getState().open(MAP_PANEL_ID)
  },
  close: () => {
    if (useDockStore.getState().openPanel === MAP_PANEL_ID) useDockStore.getState().close()
  },
  toggle: () => useDockStore.getState().toggle(MAP_PANEL_ID),
  setView: (view) => set({ view }),
  setMember: (memberId) => set({ memberId }),
}))

/** Whether the Map panel is the dock's open one. */
export function isMapOpen(): boolean {
  return useDockStore.getState().openPanel === MAP_PANEL_ID
}
