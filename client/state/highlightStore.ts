/**
 * Which cards and links are highlighted as new or changed since this person's last visit. The
 * "What's new" list fills it; card shapes and links read it to draw their highlight.
 */
import { create } from 'zustand'

export interface HighlightState {
  /** Card ids and link shape ids to highlight. */
  readonly highlighted: ReadonlySet<string>
  /** The one item the "What's new" walk is showing now, drawn more strongly. */
  readonly focused: string | null
  setHighlighted(ids: Iterable<string>): void
  setFocused(id: string | null): void
}

export const useHighlightStore = create<HighlightState>()((set) => ({
  highlighted: new Set(),
  focused: null,
  setHighlighted: (ids) => set({ highlighted: new Set(ids) }),
  setFocused: (focused) => set({ focused }),
}))
