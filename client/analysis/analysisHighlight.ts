/**
 * Which cards the Map panel highlights on the canvas: the result a person chose (its key, so the
 * panel can show it as chosen and follow it as the board changes) and the shapes of its cards.
 * Kept apart from client/state/highlightStore.ts, which "What's new" rewrites on every change.
 */
import { create } from 'zustand'

export interface AnalysisHighlightState {
  /** The chosen result's key, or null when nothing is highlighted. */
  readonly key: string | null
  /** What is highlighted, in words, for the canvas notice. */
  readonly label: string
  readonly shapeIds: readonly string[]
  show(key: string, label: string, shapeIds: readonly string[]): void
  clear(): void
}

export const useAnalysisHighlight = create<AnalysisHighlightState>()((set) => ({
  key: null,
  label: '',
  shapeIds: [],
  show: (key, label, shapeIds) => set({ key, label, shapeIds }),
  clear: () => set({ key: null, label: '', shapeIds: [] }),
}))
