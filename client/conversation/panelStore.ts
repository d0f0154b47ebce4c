/**
 * Which tab the conversation panel shows, and opening and closing the panel, which is one of the
 * dock's (client/dock/dockStore.ts keeps whether it is open). Per browser, kept for the next
 * visit; not shared with others.
 */
import { create } from 'zustand'
import { persist } from 'zustand/middleware'
import { useDockStore } from '../dock/dockStore'

/** The conversation panel's id in the dock. */
export const CONVERSATION_PANEL_ID = 'conversation'

export const CONVERSATION_TABS = ['threads', 'new', 'members', 'find'] as const
export type ConversationTab = (typeof CONVERSATION_TABS)[number]

export const CONVERSATION_TAB_LABELS: Record<ConversationTab, string> = {
  threads: 'Threads',
  new: 'What’s new',
  members: 'Members',
  find: 'Find',
}

/** The keyboard shortcut that opens and closes the panel, as aria-keyshortcuts spells it. */
export const CONVERSATION_SHORTCUT = 'Alt+Shift+C'

export interface ConversationPanelState {
  readonly tab: ConversationTab
  open(tab?: ConversationTab): void
  close(): void
  toggle(): void
  setTab(tab: ConversationTab): void
}

export const useConversationPanelStore = create<ConversationPanelState>()(
  persist(
    (set) => ({
      tab: 'threads',
      open: (tab) => {
        if (tab) set({ tab })
        useDockStore.getState().open(CONVERSATION_PANEL_ID)
      },
      close: () => {
        if (useDockStore.getState().openPanel === CONVERSATION_PANEL_ID) useDockStore.getState().close()
      },
      toggle: () => useDockStore.getState().toggle(CONVERSATION_PANEL_ID),
      setTab: (tab) => set({ tab }),
    }),
    { name: 'think-together:conversation-panel', version: 2, partialize: (state) => ({ tab: state.tab }) },
  ),
)

export function useIsConversationOpen(): boolean {
  return useDockStore((state) => state.openPanel === CONVERSATION_PANEL_ID)
}
