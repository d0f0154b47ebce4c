// @vitest-environment jsdom
/**
 * Who this person is on a board (client/board/boardIdentity.ts): their id is their personal
 * token's person id; what they chose (name, colour, practice) goes to the server whenever the
 * people document — which only the server writes — holds something else for them, once it has
 * synced; and this browser never writes a members entry itself.
 */
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import * as Y from 'yjs'
import { ApiError } from '../../client/api/apiRequest'
import { createBoardIdentity, type PeopleSyncSource } from '../../client/board/boardIdentity'
import { useIdentityStore } from '../../client/state/identityStore'
import type { UpdateMeBody } from '../../shared/api/people'
import { MEMBERS_MAP } from '../../shared/board/docLayout'

const person = { personId: 'AbCdEfGhIjKlMnOpQrStUv', personToken: 'person-token' }

function fakeProvider(): PeopleSyncSource & { sync(): void } {
  const listeners = new Set<(isSynced: boolean) => void>()
  const provider = {
    synced: false,
    on: (_event: 'sync', listener: (isSynced: boolean) => void) => void listeners.add(listener),
    off: (_event: 'sync', listener: (isSynced: boolean) => void) => void listeners.delete(listener),
    sync() {
      provider.synced = true
      for (const listener of listeners) listener(true)
    },
  }
  return provider
}

/** Lets the pending promise callbacks run. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0))

let cleanups: Array<() => void> = []
beforeEach(() => {
  useIdentityStore.setState({ name: 'Ada', color: '#FF802B', hasChosenColor: false, practice: 'ward nurse' })
})
afterEach(() => {
  for (const cleanup of cleanups) cleanup()
  cleanups = []
})

function open(
  send: (boardId: string, token: string, me: UpdateMeBody) => Promise<unknown>,
  issued: typeof person & { person?: { id: string; name: null; color: string; practice: string } } = person,
) {
  const peopleDoc = new Y.Doc()
  const provider = fakeProvider()
  const identity = createBoardIdentity({ boardId: 'board-1', person: issued, peopleDoc, peopleProvider: provider, send })
  cleanups.push(() => identity.dispose())
  return { peopleDoc, provider, identity }
}

/** The server writes the entry (in its own document) and it arrives. */
function recordOnServer(peopleDoc: Y.Doc, me: { name: string; color: string; practice: string }) {
  const server = new Y.Doc()
  Y.applyUpdate(server, Y.encodeStateAsUpdate(peopleDoc))
  server.getMap(MEMBERS_MAP).set(person.personId, { id: person.personId, ...me, firstSeenAt: 1, lastSeenAt: 1 })
  Y.applyUpdate(peopleDoc, Y.encodeStateAsUpdate(server))
}

describe('this person on a board', () => {
  test('is known by the person id of the personal token, with the name and colour they chose', () => {
    const { identity } = open(async () => ({}))
    expect(identity.getMe()).toEqual({ id: person.personId, name: 'Ada', color: '#FF802B' })
    useIdentityStore.getState().setName('Ada L.')
    expect(identity.getMe().name).toBe('Ada L.')
  })

  test('tells the server who they are once the people document has synced and does not hold them, and writes no document', async () => {
    const sent: Array<[string, string, UpdateMeBody]> = []
    const { peopleDoc, provider } = open(async (...request) => void sent.push(request))
    await settle()
    expect(sent).toEqual([])
    provider.sync()
    await settle()
    expect(sent).toEqual([['board-1', 'person-token', { name: 'Ada', color: '#FF802B', practice: 'ward nurse' }]])
    // The server writes the entry; nothing is sent again for it.
    recordOnServer(peopleDoc, { name: 'Ada', color: '#FF802B', practice: 'ward nurse' })
    provider.sync()
    await settle()
    expect(sent).toHaveLength(1)
    expect(peopleDoc.store.clients.size).toBe(1)
    expect([...peopleDoc.store.clients.keys()]).not.toContain(peopleDoc.clientID)
  })

  test('a rename (dialog, members tab, tldraw’s menu) goes to the server; a board that already knows them gets nothing', async () => {
    const sent: UpdateMeBody[] = []
    const { peopleDoc, provider } = open(async (_board, _token, me) => void sent.push(me))
    recordOnServer(peopleDoc, { name: 'Ada', color: '#FF802B', practice: 'ward nurse' })
    provider.sync()
    await settle()
    expect(sent).toEqual([])
    useIdentityStore.getState().setPractice('ward nurse, 9 years')
    await settle()
    useIdentityStore.getState().applyTldrawPreferences({ id: 'ignored', name: 'Ada Lovelace', color: '#02B1CC' })
    await settle()
    expect(sent).toEqual([
      { name: 'Ada', color: '#FF802B', practice: 'ward nurse, 9 years' },
      { name: 'Ada Lovelace', color: '#02B1CC', practice: 'ward nurse, 9 years' },
    ])
  })

  test('until they pick a colour, they keep the one the board’s server gave them; once they pick one, it is theirs', async () => {
    const sent: UpdateMeBody[] = []
    const issued = { ...person, person: { id: person.personId, name: null, color: '#39B178', practice: '' } }
    const { provider, identity } = open(async (_board, _token, me) => void sent.push(me), issued)
    expect(identity.getMe().color).toBe('#39B178')
    provider.sync()
    await settle()
    expect(sent.map((me) => me.color)).toEqual(['#39B178'])
    useIdentityStore.getState().applyTldrawPreferences({ id: 'ignored', color: '#F04F88' })
    await settle()
    expect(identity.getMe().color).toBe('#F04F88')
    expect(sent.map((me) => me.color)).toEqual(['#39B178', '#F04F88'])
  })

  test('nothing is sent before they have a name', async () => {
    useIdentityStore.setState({ name: null })
    const sent: UpdateMeBody[] = []
    const { provider } = open(async (_board, _token, me) => void sent.push(me))
    provider.sync()
    await settle()
    expect(sent).toEqual([])
    useIdentityStore.getState().setName('Bea')
    await settle()
    expect(sent.map((me) => me.name)).toEqual(['Bea'])
  })

  test('a refusal is not sent again until the choice changes; a lost connection is tried again on the next sync', async () => {
    const answers: Array<() => Promise<unknown>> = [
      async () => {
        throw new ApiError('invalidInput', 'That name is too long.', 400)
      },
      async () => {
        throw new ApiError('network', 'The server could not be reached.')
      },
      async () => ({}),
    ]
    const sent: UpdateMeBody[] = []
    const { provider, identity } = open(async (_board, _token, me) => {
      sent.push(me)
      return answers.shift()!()
    })
    provider.sync()
    await settle()
    expect(identity.sync.get()).toEqual({ state: 'failed', message: 'That name is too long.' })
    provider.sync()
    await settle()
    expect(sent).toHaveLength(1)
    useIdentityStore.getState().setName('Ada')
    useIdentityStore.getState().setName('A.')
    await settle()
    expect(sent.map((me) => me.name)).toEqual(['Ada', 'A.'])
    expect(identity.sync.get().state).toBe('failed')
    provider.sync()
    await settle()
    expect(sent.map((me) => me.name)).toEqual(['Ada', 'A.', 'A.'])
    expect(identity.sync.get()).toEqual({ state: 'saved' })
  })
})
