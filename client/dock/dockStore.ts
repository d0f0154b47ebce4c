/**
 * Which panel of the board's dock is open (at most one), per browser and kept for the next visit
 * in localStorage; not shared with others. Panels open and close through here, whether from the
 * dock's rail, a keyboard shortcut or a feature that brings its panel up (a thread, a new round).
 */
import { create } from 'zustand'
import { persist } from 'zustand/middleware'

export interface DockState {
  /** The open panel's id (a feature's `panel.id`), or null when the dock is down to its rail. */
  readonly openPanel: string | null
  open(panelId: string): void
  close(): void
  toggle(panelId: string): void
}

export const useDockStore = create<DockState>()(
  persist(
    (set) => ({
      openPanel: null,
      open: (panelId) => set({ openPanel: panelId }),
      close: () => set({ openPanel: null }),
      toggle: (panelId) => set((state) => ({ openPanel: state.openPanel === panelId ? null : panelId })),
    }),
    { name: 'think-together:dock', version: 1 },
  ),
)
