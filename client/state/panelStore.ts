/**
 * Which of our own board panels are open. Per browser, not shared with others.
 */
import { create } from 'zustand'
import { persist } from 'zustand/middleware'

export interface PanelState {
  /** Whether the problem panel shows the whole problem statement or only its first lines. */
  readonly isProblemExpanded: boolean
  setProblemExpanded(expanded: boolean): void
}

export const usePanelStore = create<PanelState>()(
  persist(
    (set) => ({
      isProblemExpanded: true,
      setProblemExpanded: (expanded) => set({ isProblemExpanded: expanded }),
    }),
    { name: 'think-together:panels', version: 1 },
  ),
)
