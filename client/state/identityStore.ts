/**
 * Who this person is, on every board they open from this browser: a stable random user id, a
 * display name and a line about their practice (both asked for on the first visit), and a colour.
 * Kept in localStorage. Also keeps the
 * tldraw preferences a person changes in tldraw's own menus (dark mode, snapping, ...), because
 * the board hands tldraw this store as its user (see client/board/tldrawUser.ts).
 */
import type { TLUserPreferences } from 'tldraw'
import { create } from 'zustand'
import { persist } from 'zustand/middleware'
import { MAX_PRACTICE_LENGTH } from '../../shared/board/vocabulary'
import { colorForUserId, createUserId, MAX_DISPLAY_NAME_LENGTH } from '../identity/palette'

/** tldraw preferences other than the identity fields this store owns itself. */
export type OtherTldrawPreferences = Omit<TLUserPreferences, 'id' | 'name' | 'color'>

export interface IdentityState {
  readonly userId: string
  /** `null` until the person has told us their name. */
  readonly name: string | null
  readonly color: string
  /** A short line about their practice ("ward nurse, 8 years in acute care"); may be empty. */
  readonly practice: string
  readonly preferences: OtherTldrawPreferences
  setName(name: string): void
  setColor(color: string): void
  setPractice(practice: string): void
  /** Takes what tldraw's menus changed (name and colour in the people menu included). */
  applyTldrawPreferences(preferences: TLUserPreferences): void
}

export function normalizeDisplayName(name: string): string {
  return name.replace(/\s+/g, ' ').trim().slice(0, MAX_DISPLAY_NAME_LENGTH)
}

/** One line, trimmed, at most MAX_PRACTICE_LENGTH characters. */
export function normalizePractice(practice: string): string {
  return practice.replace(/\s+/g, ' ').trim().slice(0, MAX_PRACTICE_LENGTH)
}

function createIdentity(): Pick<IdentityState, 'userId' | 'name' | 'color' | 'practice' | 'preferences'> {
  const userId = createUserId()
  return { userId, name: null, color: colorForUserId(userId), practice: '', preferences: {} }
}

export const useIdentityStore = create<IdentityState>()(
  persist(
    (set) => ({
      ...createIdentity(),
      setName: (name) => {
        const normalized = normalizeDisplayName(name)
        if (normalized) set({ name: normalized })
      },
      setColor: (color) => set({ color }),
      setPractice: (practice) => set({ practice: normalizePractice(practice) }),
      applyTldrawPreferences: ({ id: _id, name, color, ...preferences }) =>
        set((state) => ({
          name: (name && normalizeDisplayName(name)) || state.name,
          color: color || state.color,
          preferences,
        })),
    }),
    {
      name: 'think-together:identity',
      version: 1,
      partialize: ({ userId, name, color, practice, preferences }) => ({ userId, name, color, practice, preferences }),
    },
  ),
)
