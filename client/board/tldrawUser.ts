/**
 * Hands the person's identity (client/state/identityStore.ts) to tldraw, both ways:
 * - `user`: tldraw's user preferences (name, colour, id, dark mode, ...), so the people menu,
 *   following and cursor chat show this person; changes made in tldraw's menus are written back.
 * - `users`: the current user record tldraw stamps on what this person creates (attribution).
 */
import {
  atom,
  computed,
  createTLCurrentUser,
  createUserId,
  UserRecordType,
  type TLCurrentUser,
  type TLUserPreferences,
  type TLUserStore,
} from 'tldraw'
import { useIdentityStore, type IdentityState } from '../state/identityStore'

/** Shown until the person has told us their name. */
export const UNNAMED_PERSON = 'New participant'

function preferencesOf({ userId, name, color, preferences }: IdentityState): TLUserPreferences {
  return { ...preferences, id: userId, name: name ?? UNNAMED_PERSON, color }
}

export interface TldrawIdentity {
  readonly user: TLCurrentUser
  readonly users: TLUserStore
  dispose(): void
}

export function createTldrawIdentity(): TldrawIdentity {
  const preferences = atom<TLUserPreferences>('think-together user preferences', preferencesOf(useIdentityStore.getState()))
  const unsubscribe = useIdentityStore.subscribe((state) => preferences.set(preferencesOf(state)))
  const user = createTLCurrentUser({
    userPreferences: preferences,
    setUserPreferences: (next) => useIdentityStore.getState().applyTldrawPreferences(next),
  })
  const currentUser = computed('think-together current user', () => {
    const { id, name, color } = preferences.get()
    return UserRecordType.create({ id: createUserId(id), name: name ?? UNNAMED_PERSON, color: color ?? '' })
  })
  return { user, users: { currentUser }, dispose: unsubscribe }
}
