/**
 * Who this person is on the open board. Their id is the person id of their personal token; their
 * name and practice line are what they chose in this browser (client/state/identityStore.ts, the
 * same on every board), and so is their colour once they picked one; until then, the colour this
 * board's server gave them (the one fewest others there have). The server alone records people (the people document, which this
 * browser only reads), so whenever what the people document holds for this person differs from
 * what they chose, once it has synced, the choice is sent to the server (PUT .../people/me), which
 * writes the entry and re-stamps this person's presence for everyone. That covers a first visit,
 * a rename in the name dialog, the members tab or tldraw's people menu, and a rename made on another
 * board. Nothing here writes into a document.
 *
 * @example
 *   const identity = createBoardIdentity({ boardId, person, peopleDoc, peopleProvider })
 *   identity.getMe() // { id: person.personId, name, color }
 *   identity.dispose()
 */
import { atom, computed, type Atom, type Computed } from 'tldraw'
import type * as Y from 'yjs'
import type { Person } from '../../shared/board/boardModel'
import { MEMBERS_MAP } from '../../shared/board/docLayout'
import { ApiError } from '../api/apiRequest'
import { updateMe } from '../api/peopleApi'
import type { UpdateMeBody } from '../../shared/api/people'
import { useIdentityStore, type IdentityState } from '../state/identityStore'
import type { PersonalToken } from './personalToken'
import { UNNAMED_PERSON } from './tldrawUser'

export interface MyProfile extends Person {
  readonly practice: string
}

/** Whether the server has what this person chose: `failed` carries a sentence for people. */
export type ProfileSync = { readonly state: 'saved' } | { readonly state: 'saving' } | { readonly state: 'failed'; readonly message: string }

export interface BoardIdentity {
  readonly personId: string
  /** This person as they chose to be known (before they chose a name: a placeholder). */
  readonly me: Computed<MyProfile>
  readonly sync: Atom<ProfileSync>
  getMe(): Person
  dispose(): void
}

/** What BoardIdentity needs of the people document's provider. */
export interface PeopleSyncSource {
  readonly synced: boolean
  on(event: 'sync', listener: (isSynced: boolean) => void): void
  off(event: 'sync', listener: (isSynced: boolean) => void): void
}

export interface BoardIdentityOptions {
  readonly boardId: string
  readonly person: PersonalToken
  readonly peopleDoc: Y.Doc
  readonly peopleProvider: PeopleSyncSource
  /** PUT .../people/me; replaceable in tests. */
  readonly send?: (boardId: string, personToken: string, me: UpdateMeBody) => Promise<unknown>
  /**
   * Called once the server has what this person chose. The relay stamps the name it knows on each
   * presence message as it passes, so the board sends its presence again then.
   */
  readonly onSaved?: () => void
}

interface Chosen {
  readonly name: string | null
  readonly color: string
  readonly practice: string
}

function recordedEntry(peopleDoc: Y.Doc, personId: string): Chosen | null {
  const value = peopleDoc.getMap<unknown>(MEMBERS_MAP).get(personId) as Record<string, unknown> | undefined
  if (!value || typeof value.name !== 'string') return null
  return { name: value.name, color: String(value.color ?? ''), practice: String(value.practice ?? '') }
}

function sameProfile(a: Chosen, b: Chosen | null): boolean {
  return !!b && a.name === b.name && a.color.toLowerCase() === b.color.toLowerCase() && a.practice === b.practice
}

export function createBoardIdentity({ boardId, person, peopleDoc, peopleProvider, send = updateMe, onSaved = () => {} }: BoardIdentityOptions): BoardIdentity {
  /** The colour the server gave this person on this board: what it recorded, else what it said when it issued the token. */
  const boardColor = atom<string | null>('board colour', recordedEntry(peopleDoc, person.personId)?.color || person.person?.color || null)
  const chosenOf = ({ name, color, hasChosenColor, practice }: IdentityState): Chosen => ({
    name,
    color: hasChosenColor ? color : (boardColor.get() ?? color),
    practice,
  })
  const chosen = atom<Chosen>('chosen identity', chosenOf(useIdentityStore.getState()))
  const sync = atom<ProfileSync>('profile sync', { state: 'saved' })
  const me = computed<MyProfile>('me on this board', () => {
    const { name, color, practice } = chosen.get()
    return { id: person.personId, name: name ?? UNNAMED_PERSON, color, practice }
  })

  let isDisposed = false
  let inFlight = false
  /** The profile last sent successfully, or refused for good: not sent again until the choice changes. */
  let settledKey: string | null = null

  const reconcile = async () => {
    if (isDisposed || inFlight || !peopleProvider.synced) return
    const wanted = chosen.get()
    if (wanted.name === null) return
    if (sameProfile(wanted, recordedEntry(peopleDoc, person.personId))) {
      sync.set({ state: 'saved' })
      return
    }
    const key = JSON.stringify(wanted)
    if (key === settledKey) return
    inFlight = true
    sync.set({ state: 'saving' })
    try {
      await send(boardId, person.personToken, { name: wanted.name, color: wanted.color, practice: wanted.practice })
      settledKey = key
      if (!isDisposed) {
        sync.set({ state: 'saved' })
        onSaved()
      }
    } catch (error) {
      // A refusal stands until the choice changes; a lost connection is tried again on the next sync.
      if (error instanceof ApiError && error.kind !== 'network' && error.kind !== 'rateLimited' && error.kind !== 'unavailable') {
        settledKey = key
      }
      if (!isDisposed) {
        sync.set({ state: 'failed', message: error instanceof ApiError ? error.message : 'Your name could not be saved.' })
      }
    } finally {
      inFlight = false
    }
    if (JSON.stringify(chosen.get()) !== key) void reconcile()
  }

  const follow = () => {
    const next = chosenOf(useIdentityStore.getState())
    const previous = chosen.get()
    if (next.name === previous.name && next.color === previous.color && next.practice === previous.practice) return
    chosen.set(next)
    void reconcile()
  }
  const stopFollowingChoice = useIdentityStore.subscribe(follow)
  const members = peopleDoc.getMap(MEMBERS_MAP)
  const onMembers = () => {
    const recorded = recordedEntry(peopleDoc, person.personId)?.color
    if (recorded && recorded !== boardColor.get()) boardColor.set(recorded)
    follow()
    void reconcile()
  }
  members.observe(onMembers)
  const onSync = (isSynced: boolean) => {
    if (isSynced) void reconcile()
  }
  peopleProvider.on('sync', onSync)
  void reconcile()

  return {
    personId: person.personId,
    me,
    sync,
    getMe: () => {
      const { id, name, color } = me.get()
      return { id, name, color }
    },
    dispose: () => {
      isDisposed = true
      stopFollowingChoice()
      members.unobserve(onMembers)
      peopleProvider.off('sync', onSync)
    },
  }
}
