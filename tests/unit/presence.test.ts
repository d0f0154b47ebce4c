// @vitest-environment jsdom
/**
 * Presence over Yjs awareness (client/board/presenceBinding.ts): two editors, each with its own
 * y-protocols Awareness, connected by forwarding awareness updates as the relay would. Presence is
 * published a microtask after the editor state changes, so tests await `settle()` before looking.
 */
import {
  Editor,
  InstancePresenceRecordType,
  TLPOINTER_ID,
  createShapeId,
  createTLStore,
  defaultAddFontsFromNode,
  defaultBindingUtils,
  defaultShapeUtils,
  tipTapDefaultExtensions,
  type TLInstancePresence,
  type TLStore,
} from 'tldraw'
import { afterEach, describe, expect, test } from 'vitest'
import { Awareness, applyAwarenessUpdate, encodeAwarenessUpdate, removeAwarenessStates } from 'y-protocols/awareness'
import * as Y from 'yjs'
import { bindPresence, type PresenceBinding, type PresenceUser } from '../../client/board/presenceBinding'

interface Client {
  store: TLStore
  editor: Editor
  awareness: Awareness
  user: PresenceUser
  presence: PresenceBinding
}

const cleanups: Array<() => void> = []
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup()
})

function createEditor(store: TLStore): Editor {
  const editor = new Editor({
    store,
    shapeUtils: defaultShapeUtils,
    bindingUtils: defaultBindingUtils,
    tools: [],
    getContainer: () => document.body,
    options: {
      text: { addFontsFromNode: defaultAddFontsFromNode, tipTapConfig: { extensions: tipTapDefaultExtensions } },
    },
  })
  cleanups.push(() => editor.dispose())
  return editor
}

function createAwareness(): Awareness {
  const awareness = new Awareness(new Y.Doc())
  cleanups.push(() => awareness.destroy())
  return awareness
}

function createClient(user: PresenceUser, awareness = createAwareness()): Client {
  const store = createTLStore({ shapeUtils: defaultShapeUtils, bindingUtils: defaultBindingUtils })
  const editor = createEditor(store)
  const client: Client = { store, editor, awareness, user, presence: undefined as unknown as PresenceBinding }
  client.presence = bindPresence(store, awareness, () => client.user)
  cleanups.push(() => client.presence.dispose())
  return client
}

/** Forwards each awareness's changes to the other, as the relay would. */
function connectAwareness(a: Awareness, b: Awareness): void {
  const forward = (from: Awareness, to: Awareness) => {
    applyAwarenessUpdate(to, encodeAwarenessUpdate(from, [...from.getStates().keys()]), 'remote')
    from.on('update', ({ added, updated, removed }: Record<string, number[]>, origin: unknown) => {
      if (origin === 'remote') return
      applyAwarenessUpdate(to, encodeAwarenessUpdate(from, [...added, ...updated, ...removed]), 'remote')
    })
  }
  forward(a, b)
  forward(b, a)
}

/** Lets the deferred presence publication run. */
function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0))
}

function presenceOf(client: Client, inStore: TLStore): TLInstancePresence | undefined {
  return inStore.get(InstancePresenceRecordType.createId(String(client.awareness.clientID)))
}

function movePointer(client: Client, x: number, y: number): void {
  client.store.update(TLPOINTER_ID, (pointer) => ({ ...pointer, x, y, lastActivityTimestamp: Date.now() }))
}

const ada: PresenceUser = { id: 'user-ada', name: 'Ada', color: '#F2555A' }
const grace: PresenceUser = { id: 'user-grace', name: 'Grace', color: '#39B178' }

describe('presence over awareness', () => {
  test('one client’s name, colour and cursor appear in the other’s store as an instance_presence', async () => {
    const a = createClient(ada)
    const b = createClient(grace)
    connectAwareness(a.awareness, b.awareness)
    movePointer(a, 120, 80)
    await settle()

    expect(presenceOf(a, b.store)).toMatchObject({
      typeName: 'instance_presence',
      userId: 'user-ada',
      userName: 'Ada',
      color: '#F2555A',
      cursor: { x: 120, y: 80 },
      currentPageId: a.editor.getCurrentPageId(),
    })
    expect(presenceOf(b, a.store)).toMatchObject({ userName: 'Grace' })
  })

  test('a client never mirrors its own presence into its own store', async () => {
    const a = createClient(ada)
    const b = createClient(grace)
    connectAwareness(a.awareness, b.awareness)
    await settle()
    expect(presenceOf(a, a.store)).toBeUndefined()
    expect(a.store.query.records('instance_presence').get()).toHaveLength(1)
  })

  test('carries what tldraw’s people menu and follow mode need: selection, camera, viewport, chat', async () => {
    const a = createClient(ada)
    const b = createClient(grace)
    connectAwareness(a.awareness, b.awareness)
    const shapeId = createShapeId('selected')
    a.editor.createShape({ id: shapeId, type: 'geo', props: { w: 10, h: 10 } })
    a.editor.select(shapeId)
    a.editor.setCamera({ x: -200, y: -100, z: 2 })
    a.editor.updateInstanceState({ chatMessage: 'look here' })
    await settle()

    const seenByB = presenceOf(a, b.store)
    expect(seenByB).toMatchObject({
      selectedShapeIds: [shapeId],
      camera: { x: -200, y: -100, z: 2 },
      screenBounds: a.editor.getInstanceState().screenBounds,
      chatMessage: 'look here',
    })
    expect(b.editor.getCollaborators().map((collaborator) => collaborator.userId)).toEqual(['user-ada'])

    b.editor.startFollowingUser('user-ada')
    await settle()
    expect(presenceOf(b, a.store)).toMatchObject({ followingUserId: 'user-ada' })
  })

  test('the presence record id comes from the sender’s awareness client id, whatever id it claims', async () => {
    const a = createClient(ada)
    const b = createClient(grace)
    connectAwareness(a.awareness, b.awareness)
    await settle()
    const claimed = { ...presenceOf(a, b.store), id: InstancePresenceRecordType.createId('impostor') }
    a.awareness.setLocalStateField('presence', claimed)

    expect(b.store.has(InstancePresenceRecordType.createId('impostor'))).toBe(false)
    expect(presenceOf(a, b.store)).toBeDefined()
  })

  test('removing a client’s awareness state removes its presence record', async () => {
    const a = createClient(ada)
    const b = createClient(grace)
    connectAwareness(a.awareness, b.awareness)
    await settle()
    expect(presenceOf(a, b.store)).toBeDefined()

    removeAwarenessStates(a.awareness, [a.awareness.clientID], 'disconnect')
    expect(presenceOf(a, b.store)).toBeUndefined()
  })

  test('dispose withdraws our presence from others and removes mirrored records locally', async () => {
    const a = createClient(ada)
    const b = createClient(grace)
    connectAwareness(a.awareness, b.awareness)
    await settle()

    a.presence.dispose()
    await settle()
    expect(presenceOf(a, b.store)).toBeUndefined()
    expect(presenceOf(b, a.store)).toBeUndefined()
    movePointer(a, 5, 5)
    await settle()
    expect(presenceOf(a, b.store)).toBeUndefined()
  })

  test('awareness states that exist before binding are imported at bind time', async () => {
    const awarenessA = createAwareness()
    const awarenessB = createAwareness()
    connectAwareness(awarenessA, awarenessB)
    const a = createClient(ada, awarenessA)
    await settle()
    expect(awarenessB.getStates().get(awarenessA.clientID)).toBeDefined()

    const b = createClient(grace, awarenessB)
    expect(presenceOf(a, b.store)).toMatchObject({ userName: 'Ada' })
  })

  test('a name change is republished after refreshUser', async () => {
    const a = createClient(ada)
    const b = createClient(grace)
    connectAwareness(a.awareness, b.awareness)
    await settle()

    a.user = { ...ada, name: 'Ada L.' }
    a.presence.refreshUser()
    await settle()
    expect(presenceOf(a, b.store)).toMatchObject({ userName: 'Ada L.' })
  })

  test('a malformed presence from another client is ignored', async () => {
    const a = createClient(ada)
    const stranger = createAwareness()
    connectAwareness(a.awareness, stranger)
    stranger.setLocalStateField('presence', { userName: 42, cursor: 'everywhere' })
    await settle()

    expect(a.store.has(InstancePresenceRecordType.createId(String(stranger.clientID)))).toBe(false)
  })
})
