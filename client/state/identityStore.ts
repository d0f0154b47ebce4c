/**
 * Who this person chose to be, on every board they open from this browser: a display name and a
 * line about their practice (both asked for on the first visit), and a colour. Kept in
 * localStorage. On a board they are known by the person id of their personal token, and the server
 * records the name, colour and practice it is sent (client/board/boardIdentity.ts); the random
 * `userId` here only picks the default colour before any board has given them an id. Also keeps the
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
  /**
   * Whether they picked `color` themselves (tldraw's people menu). Until they do, each board shows
   * them in the colour its server gave them (the one fewest others there have).
   */
  readonly hasChosenColor: boolean
  /** A short line about their practice ("ward nurse, 8 years in acute care"); may be empty. */
  readonly practice: string
  readonly preferences: OtherTldrawPreferences
  setName(name: string): void
  setColor(color: string): void
  setPractice(practice: string): void
  /**
   * Takes what tldraw's menus changed: its other preferences, and a name or colour when the person
   * changed them in the people menu (pass them only then).
   */
  applyTldrawPreferences(preferences: TLUserPreferences): void
}

export function normalizeDisplayName(name: string): string {
  return name.replace(/\s+/g, ' ').trim().slice(0, MAX_DISPLAY_NAME_LENGTH)
}

/** One line, trimmed, at most MAX_PRACTICE_LENGTH characters. */
export function normalizePractice(practice: string): string {
  return practice.replace(/\s+/g, ' ').trim().slice(0, MAX_PRACTICE_LENGTH)
}

function createIdentity(): Pick<IdentityState, 'userId' | 'name' | 'color' | 'hasChosenColor' | 'practice' | 'preferences'> {
  const userId = createUserId()
  return { userId, name: null, color: colorForUserId(userId), hasChosenColor: false, practice: '', preferences: {} }
}

export const useIdentityStore = create<IdentityState>()(
  persist(
    (set) => ({
      ...createIdentity(),
      setName: (name) => {
        const normalized = normalizeDisplayName(name)
        if (normalized) set({ name: normalized })
      },
      setColor: (color) => set({ color, hasChosenColor: true }),
      setPractice: (practice) => set({ practice: normalizePractice(practice) }),
      applyTldrawPreferences: ({ id: _id, name, color, ...preferences }) =>
        set((state) => ({
          name: (name && normalizeDisplayName(name)) || state.name,
          ...(color ? { color, hasChosenColor: true } : {}),
          preferences,
        })),
    }),
    {
      name: 'think-together:identity',
      version: 1,
      partialize: ({ userId, name, color, hasChosenColor, practice, preferences }) => ({ userId, name, color, hasChosenColor, practice, preferences }),
    },
  ),
)
