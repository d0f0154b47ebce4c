/**
 * The drafts UI's state for the open board: this person's drafts connection, whether drafts are
 * posted anonymously, and which draft to focus next.
 */
import { create } from 'zustand'
import type { DraftsConnection } from './draftsConnection'

interface DraftsUiState {
  readonly connection: DraftsConnection | null
  readonly anonymous: boolean
  /** The draft whose text field should take focus once it renders. */
  readonly focusDraftId: string | null
  setConnection(connection: DraftsConnection | null): void
  setAnonymous(anonymous: boolean): void
  focusDraft(draftId: string | null): void
}

export const useDraftsUi = create<DraftsUiState>()((set) => ({
  connection: null,
  anonymous: false,
  focusDraftId: null,
  setConnection: (connection) => set({ connection }),
  setAnonymous: (anonymous) => set({ anonymous }),
  focusDraft: (focusDraftId) => set({ focusDraftId }),
}))
