/**
 * Hands the person's identity on this board to tldraw, both ways:
 * - `user`: tldraw's user preferences (id, name, colour, dark mode, ...), so the people menu,
 *   following and cursor chat show this person. The id is the person id of their personal token,
 *   which is what the relay stamps on their presence. A name or colour changed in tldraw's people
 *   menu goes to the identity store, from where the board identity sends it to the server.
 * - `users`: the current user record tldraw stamps on what this person creates (attribution).
 */
import { atom, computed, createTLCurrentUser, createUserId, react, UserRecordType, type TLCurrentUser, type TLUserPreferences, type TLUserStore } from 'tldraw'
import { useIdentityStore } from '../state/identityStore'
import type { BoardIdentity } from './boardIdentity'

/** Shown until the person has told us their name. */
export const UNNAMED_PERSON = 'New participant'

export interface TldrawIdentity {
  readonly user: TLCurrentUser
  readonly users: TLUserStore
  dispose(): void
}

function preferencesOf(identity: BoardIdentity): TLUserPreferences {
  const { id, name, color } = identity.me.get()
  return { ...useIdentityStore.getState().preferences, id, name, color }
}

export function createTldrawIdentity(identity: BoardIdentity): TldrawIdentity {
  const preferences = atom<TLUserPreferences>('think-together user preferences', preferencesOf(identity))
  const stopFollowingMe = react('tldraw preferences follow me', () => preferences.set(preferencesOf(identity)))
  const stopFollowingStore = useIdentityStore.subscribe(() => preferences.set(preferencesOf(identity)))
  const user = createTLCurrentUser({
    userPreferences: preferences,
    // tldraw hands back all its preferences on any change: a name or colour counts only when it differs from what it was shown.
    setUserPreferences: (next) => {
      const shown = identity.me.get()
      useIdentityStore.getState().applyTldrawPreferences({
        ...next,
        name: next.name !== shown.name ? next.name : undefined,
        color: next.color !== shown.color ? next.color : undefined,
      })
    },
  })
  const currentUser = computed('think-together current user', () => {
    const { id, name, color } = preferences.get()
    return UserRecordType.create({ id: createUserId(id), name: name ?? UNNAMED_PERSON, color: color ?? '' })
  })
  return {
    user,
    users: { currentUser },
    dispose: () => {
      stopFollowingMe()
      stopFollowingStore()
    },
  }
}
