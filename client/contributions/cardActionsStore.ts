/**
 * The keyboard path to a card's actions. The buttons on a card stay out of the page's Tab order
 * (cards are reached with tldraw's own keyboard navigation: Tab, arrows); with one card selected,
 * the card actions bar under it offers the same actions, and CARD_ACTIONS_SHORTCUT moves the
 * focus into that bar (Escape gives it back to the canvas).
 */
import { create } from 'zustand'

/** Not one of tldraw's keys (the shortcuts dialog lists ours beside theirs). */
export const CARD_ACTIONS_SHORTCUT = 'm'

interface CardActionsState {
  /** Bumped to ask the bar to take the focus. */
  readonly focusRequest: number
  requestFocus(): void
}

export const useCardActions = create<CardActionsState>()((set) => ({
  focusRequest: 0,
  requestFocus: () => set((state) => ({ focusRequest: state.focusRequest + 1 })),
}))
