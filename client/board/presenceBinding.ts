/**
 * Presence over Yjs awareness: publishes this client's tldraw presence (cursor, selection, camera
 * and viewport for following, page, name, colour, chat message) in the `presence` field of its
 * awareness state, and mirrors every other client's presence into the store as an
 * `instance_presence` record, which is what tldraw's cursors, people menu and follow mode read.
 *
 * Presence is derived from the editor's session records (instance, pointer, camera, page state),
 * so nothing is published until an Editor has been created on the store; binding earlier is fine.
 *
 * @example
 * ```ts
 * const presence = bindPresence(store, provider.awareness, () => ({ id: userId, name, color }))
 * // after the person renames themselves: presence.refreshUser()
 * // on unmount: presence.dispose()
 * ```
 */
import {
  InstancePresenceRecordType,
  UserRecordType,
  atom,
  computed,
  getDefaultUserPresence,
  react,
  type TLInstancePresence,
  type TLShapeId,
  type TLStore,
  type TLUser,
} from 'tldraw'
import type { Awareness } from 'y-protocols/awareness'

export interface PresenceUser {
  id: string
  name: string
  color: string
}

export interface PresenceBinding {
  dispose(): void
  /**
   * Republishes presence with what getUser returns now. Needed after a name or colour change
   * unless getUser reads tldraw signals (e.g. `editor.user.getName()`), which are tracked anyway.
   */
  refreshUser(): void
}

/** The awareness state field that carries a client's tldraw presence record. */
export const PRESENCE_AWARENESS_FIELD = 'presence'

interface AwarenessChange {
  added: number[]
  updated: number[]
  removed: number[]
}

/**
 * Publishes the local user's tldraw presence (cursor, selection, camera/viewport for following,
 * name, colour) into awareness, and mirrors every other client's awareness state into the store
 * as instance_presence records.
 */
export interface PresenceOptions {
  /**
   * Shapes whose selection must not be published: selecting one's own anonymous card would
   * otherwise show everyone who wrote it.
   */
  isPrivateShape?: (shapeId: TLShapeId) => boolean
}

export function bindPresence(store: TLStore, awareness: Awareness, getUser: () => PresenceUser, options: PresenceOptions = {}): PresenceBinding {
  const localClientId = awareness.clientID
  const userRevision = atom('presenceUserRevision', 0)

  const localPresence = computed<TLInstancePresence | null>('localPresence', () => {
    userRevision.get()
    const user = getUser()
    const state = getDefaultUserPresence(store, toTLUser(user))
    if (!state) return null
    const isPrivateShape = options.isPrivateShape
    return InstancePresenceRecordType.create({
      ...state,
      selectedShapeIds: isPrivateShape ? state.selectedShapeIds.filter((id) => !isPrivateShape(id)) : state.selectedShapeIds,
      // tldraw compares presence userIds with `editor.user.getId()`, the raw preference id.
      userId: user.id,
      id: presenceIdFor(localClientId),
    })
  })

  // Writing awareness synchronously inside a reaction re-enters the store through awareness
  // listeners while tldraw is still propagating, which it forbids; so publish once, just after.
  let pendingPresence: TLInstancePresence | null = null
  let isPublishScheduled = false
  let isBound = true
  const publishPending = () => {
    isPublishScheduled = false
    if (isBound) awareness.setLocalStateField(PRESENCE_AWARENESS_FIELD, pendingPresence)
  }
  const stopPublishing = react('publishPresence', () => {
    pendingPresence = localPresence.get()
    if (isPublishScheduled) return
    isPublishScheduled = true
    queueMicrotask(publishPending)
  })

  const mirroredIds = new Set<TLInstancePresence['id']>()
  const mirrorClients = (clientIds: Iterable<number>) => {
    const toPut: TLInstancePresence[] = []
    const toRemove: TLInstancePresence['id'][] = []
    const states = awareness.getStates()
    for (const clientId of clientIds) {
      if (clientId === localClientId) continue
      const id = presenceIdFor(clientId)
      const record = readRemotePresence(store, id, states.get(clientId)?.[PRESENCE_AWARENESS_FIELD])
      if (record) {
        toPut.push(record)
        mirroredIds.add(id)
      } else if (mirroredIds.delete(id)) {
        toRemove.push(id)
      }
    }
    if (toPut.length === 0 && toRemove.length === 0) return
    store.mergeRemoteChanges(() => {
      if (toRemove.length > 0) store.remove(toRemove)
      if (toPut.length > 0) store.put(toPut)
    })
  }
  const onAwarenessChange = ({ added, updated, removed }: AwarenessChange) => {
    mirrorClients([...added, ...updated, ...removed])
  }
  awareness.on('change', onAwarenessChange)
  mirrorClients(awareness.getStates().keys())

  return {
    refreshUser: () => userRevision.update((revision) => revision + 1),
    dispose: () => {
      if (!isBound) return
      isBound = false
      stopPublishing()
      awareness.off('change', onAwarenessChange)
      awareness.setLocalStateField(PRESENCE_AWARENESS_FIELD, null)
      const stillMirrored = [...mirroredIds].filter((id) => store.has(id))
      mirroredIds.clear()
      if (stillMirrored.length > 0) store.mergeRemoteChanges(() => store.remove(stillMirrored))
    },
  }
}

/** One record per awareness client, so two tabs of the same person show as two cursors. */
function presenceIdFor(clientId: number): TLInstancePresence['id'] {
  return InstancePresenceRecordType.createId(String(clientId))
}

function toTLUser(user: PresenceUser): TLUser {
  return {
    id: UserRecordType.createId(user.id),
    typeName: 'user',
    name: user.name,
    color: user.color,
    imageUrl: '',
    meta: {},
  }
}

/**
 * Awareness states come from other clients unchecked: keep only a presence that validates as an
 * instance_presence record, under the id we assign to its sender (never the id it claims). A
 * presence we cannot read (a peer on another tldraw version, or a broken one) is treated as
 * absent: the cost is one missing cursor, which is no reason to interrupt anyone.
 */
function readRemotePresence(store: TLStore, id: TLInstancePresence['id'], raw: unknown): TLInstancePresence | null {
  if (typeof raw !== 'object' || raw === null) return null
  const candidate = { ...raw, id, typeName: 'instance_presence' } as TLInstancePresence
  const before = store.get(id) ?? null
  try {
    return store.schema.validateRecord(store, candidate, before ? 'updateRecord' : 'createRecord', before) as TLInstancePresence
  } catch {
    return null
  }
}
