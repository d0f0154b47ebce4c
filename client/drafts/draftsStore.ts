/**
 * The drafts UI's state for the open board: this person's drafts connection (once their personal
 * token is known), whether drafts are posted anonymously, and which draft to focus next.
 */
import { create } from 'zustand'
import type { DraftsConnection } from './draftsConnection'

interface DraftsUiState {
  readonly connection: DraftsConnection | null
  /** Why drafts cannot be written here, for people; null when they can. */
  readonly problem: string | null
  readonly anonymous: boolean
  /** The draft whose text field should take focus once it renders. */
  readonly focusDraftId: string | null
  setConnection(connection: DraftsConnection | null): void
  setProblem(problem: string | null): void
  setAnonymous(anonymous: boolean): void
  focusDraft(draftId: string | null): void
}

export const useDraftsUi = create<DraftsUiState>()((set) => ({
  connection: null,
  problem: null,
  anonymous: false,
  focusDraftId: null,
  setConnection: (connection) => set({ connection }),
  setProblem: (problem) => set({ problem }),
  setAnonymous: (anonymous) => set({ anonymous }),
  focusDraft: (focusDraftId) => set({ focusDraftId }),
}))
