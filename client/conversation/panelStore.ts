/**
 * Whether the conversation panel is open and which tab it shows. Per browser, kept for the next
 * visit; not shared with others.
 */
import { create } from 'zustand'
import { persist } from 'zustand/middleware'

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
  readonly isOpen: boolean
  readonly tab: ConversationTab
  open(tab?: ConversationTab): void
  close(): void
  toggle(): void
  setTab(tab: ConversationTab): void
}

export const useConversationPanelStore = create<ConversationPanelState>()(
  persist(
    (set) => ({
      isOpen: false,
      tab: 'threads',
      open: (tab) => set((state) => ({ isOpen: true, tab: tab ?? state.tab })),
      close: () => set({ isOpen: false }),
      toggle: () => set((state) => ({ isOpen: !state.isOpen })),
      setTab: (tab) => set({ tab }),
    }),
    { name: 'think-together:conversation-panel', version: 1 },
  ),
)
