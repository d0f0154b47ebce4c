/**
 * The board's rules as the relay enforces them, in-process (tests/helpers/relayHarness.ts): real
 * SQLite, the real policy and update screen, peers over a test socket pair. Each rule is tried
 * the way a workshop meets it, and the way a modified client would: members who wrote before the
 * lock, changes racing a lock, forged presence, another person's id.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import * as Y from 'yjs'
import { controlDocName, conversationDocName, peopleDocName } from '../../shared/board/docNames'
import { FACILITATION_MAP, setBoardLocked } from '../../shared/board/facilitation'
import { MEMBERS_MAP, REACTIONS_MAP, THREADS_MAP, TOURS_MAP } from '../../shared/board/docLayout'
import { addReply, createCard, listMembers, readThread, upsertMember } from '../../shared/board/boardModel'
import { startRelayHarness, until, type HarnessBoard, type RelayHarness, type TestPeer } from '../helpers/relayHarness'

let harness: RelayHarness

beforeAll(async () => {
  harness = await startRelayHarness()
})

afterAll(async () => {
  await harness.close()
})

const shapes = (peer: TestPeer) => peer.doc.getMap<unknown>('shapes')

/** A presence as another member receives it. */
interface PresenceState {
  role?: string
  person?: { id?: string; name?: string; color?: string; practice?: string } | null
  presence: { userId?: string; userName?: string; color?: string; cursor?: { x: number; y: number } }
}

async function openBoard(): Promise<{ board: HarnessBoard; control: TestPeer; facilitator: TestPeer; member: TestPeer }> {
  const board = await harness.createBoard()
  const control = harness.connect(controlDocName(board.id), board.tokens.facilitator)
  const facilitator = harness.connect(board.id, board.tokens.facilitator)
  const member = harness.connect(board.id, board.tokens.member)
  await until(() => control.synced && facilitator.synced && member.synced, 'sync')
  return { board, control, facilitator, member }
}

/** Sets phases and the current one in the control document, as the facilitator's client does. */
function setPhase(control: TestPeer, current: string): void {
  const facilitation = control.doc.getMap<unknown>(FACILITATION_MAP)
  control.doc.transact(() => {
    if (!(facilitation.get('phases') instanceof Y.Array)) {
      const phases = new Y.Array<unknown>()
      facilitation.set('phases', phases)
      phases.push([
        { id: 'alone', name: 'Think alone', instructions: '', durationMs: 300_000, memberActions: [] },
        { id: 'share', name: 'Share', instructions: '', durationMs: 300_000, memberActions: ['reply', 'react'] },
        { id: 'link', name: 'Link and cluster', instructions: '', durationMs: 300_000, memberActions: ['add-cards', 'arrange', 'link', 'reply', 'react'] },
        { id: 'vote', name: 'Vote', instructions: '', durationMs: 300_000, memberActions: ['vote'] },
      ])
    }
    facilitation.set('currentPhaseId', current)
  })
}

/** Waits until the relay's copy of the control document has a change: another reader sees it. */
async function relayHas(board: HarnessBoard, check: (doc: Y.Doc) => boolean): Promise<void> {
  const reader = harness.connect(controlDocName(board.id), board.tokens.observer)
  await until(() => reader.synced && check(reader.doc), 'the relay to have the control change')
  reader.disconnect()
}

describe('a refused change is held, never swallowed', () => {
  test('a member who wrote before the lock keeps editing while locked: told once, never disconnected, and everything arrives after unlock', async () => {
    const { board, control, facilitator, member } = await openBoard()
    shapes(member).set('shape:before', { x: 0 })
    await until(() => shapes(facilitator).has('shape:before'), 'the member’s earlier change')

    setBoardLocked(control.doc, true)
    await relayHas(board, (doc) => doc.getMap(FACILITATION_MAP).get('locked') === true)
    // Later edits depend on the earlier ones (same client, next clocks): the case that used to be swallowed.
    for (let i = 0; i < 5; i++) shapes(member).set(`shape:locked-${i}`, { x: i })
    shapes(member).delete('shape:before')
    await until(() => member.denials.length === 1, 'the refusal')
    expect(member.denials).toEqual(['the board is locked'])
    // The facilitator's own change still goes through: a sentinel that nothing of the member's came with it.
    shapes(facilitator).set('shape:facilitator-while-locked', { x: 9 })
    await until(() => shapes(member).has('shape:facilitator-while-locked'), 'the facilitator’s sentinel')
    expect([...shapes(facilitator).keys()].filter((key) => key.startsWith('shape:locked-'))).toEqual([])
    expect(shapes(facilitator).has('shape:before')).toBe(true)
    expect(member.isOpen).toBe(true)
    expect(member.connects).toBe(1)

    setBoardLocked(control.doc, false)
    await until(() => shapes(facilitator).has('shape:locked-4') && !shapes(facilitator).has('shape:before'), 'held changes after unlock')
    // And the member's next edit, which depends on the held ones, is not stuck behind them.
    shapes(member).set('shape:after', { x: 10 })
    await until(() => shapes(facilitator).has('shape:after'), 'a later edit')
    expect(member.denials).toHaveLength(1)
    expect(member.connects).toBe(1)
    const fresh = harness.connect(board.id, board.tokens.observer)
    await until(() => fresh.synced && shapes(fresh).has('shape:locked-4') && shapes(fresh).has('shape:after'), 'a fresh reader sees it all')
  })

  test('a member’s sync answer while locked (what they wrote offline) is held too and sent after unlock', async () => {
    const { board, control, facilitator } = await openBoard()
    setBoardLocked(control.doc, true)
    await relayHas(board, (doc) => doc.getMap(FACILITATION_MAP).get('locked') === true)
    const offline = new Y.Doc()
    offline.getMap('shapes').set('shape:written-offline', { x: 1 })
    const member = harness.connect(board.id, board.tokens.member, offline)
    await until(() => member.synced, 'the returning member syncs')
    shapes(facilitator).set('shape:sentinel', { x: 2 })
    await until(() => shapes(member).has('shape:sentinel'), 'sentinel')
    expect(shapes(facilitator).has('shape:written-offline')).toBe(false)
    setBoardLocked(control.doc, false)
    await until(() => shapes(facilitator).has('shape:written-offline'), 'the offline change after unlock')
    expect(member.connects).toBe(1)
  })

  test('an update being screened when the lock lands is held, not applied', async () => {
    const { board, facilitator, member } = await openBoard()
    // Large enough to be screened in the worker (small edits are applied the moment they arrive).
    shapes(member).set('shape:racing', { x: 1, text: 'x'.repeat(20_000) })
    // Same turn: the update is in the screening worker; the lock is set before it comes back.
    await harness.relay.changeDocument(controlDocName(board.id), (document) => setBoardLocked(document.doc, true))
    await until(() => member.denials.length === 1, 'the refusal at apply time')
    shapes(facilitator).set('shape:sentinel', { x: 2 })
    await until(() => shapes(member).has('shape:sentinel'), 'sentinel')
    expect(shapes(facilitator).has('shape:racing')).toBe(false)
    await harness.relay.changeDocument(controlDocName(board.id), (document) => setBoardLocked(document.doc, false))
    await until(() => shapes(facilitator).has('shape:racing'), 'the racing change after unlock')
  })

  test('while locked a member never reconnects, however long they keep editing', async () => {
    const { board, control, member } = await openBoard()
    setBoardLocked(control.doc, true)
    await relayHas(board, (doc) => doc.getMap(FACILITATION_MAP).get('locked') === true)
    for (let i = 0; i < 200; i++) {
      shapes(member).set('shape:dragged', { x: i })
      harness.clock.advance(50)
      await new Promise((resolve) => setImmediate(resolve))
    }
    await until(() => member.denials.length === 1, 'the refusal')
    expect(member.connects).toBe(1)
    expect(member.isOpen).toBe(true)
    expect(member.denials).toHaveLength(1)
  })
})

describe('what members may do in each phase, by document', () => {
  test('in Share a member replies and reacts, but cannot add a card or delete the facilitator’s; in Link and cluster the card goes through', async () => {
    const { board, control, facilitator, member } = await openBoard()
    const facilitatorTalk = harness.connect(conversationDocName(board.id), board.tokens.facilitator)
    const memberTalk = harness.connect(conversationDocName(board.id), board.tokens.member)
    await until(() => facilitatorTalk.synced && memberTalk.synced, 'conversation sync')
    createCard(facilitator.doc, {
      id: 'card:aaaaaaaaaaaaaaaaaaaaaaaa',
      kind: 'question',
      text: 'Why?',
      author: { id: 'f', name: 'Fiona', color: '#FF802B' },
      anonymous: false,
      now: 1,
    })
    await until(() => member.doc.getMap('cards').has('card:aaaaaaaaaaaaaaaaaaaaaaaa'), 'the facilitator’s card')

    setPhase(control, 'share')
    await relayHas(board, (doc) => doc.getMap(FACILITATION_MAP).get('currentPhaseId') === 'share')
    createCard(member.doc, {
      id: 'card:bbbbbbbbbbbbbbbbbbbbbbbb',
      kind: 'idea',
      text: 'Mine',
      author: { id: 'm', name: 'Mo', color: '#39B178' },
      anonymous: false,
      now: 2,
    })
    member.doc.getMap('cards').delete('card:aaaaaaaaaaaaaaaaaaaaaaaa')
    addReply(memberTalk.doc, 'card:aaaaaaaaaaaaaaaaaaaaaaaa', { author: { id: 'm', name: 'Mo', color: '#39B178' }, text: 'Because of shift changes', now: 3 })
    await until(() => readThread(facilitatorTalk.doc, 'card:aaaaaaaaaaaaaaaaaaaaaaaa')?.replies.length === 1, 'the reply')
    await until(() => member.denials.length === 1, 'the canvas refusal')
    expect(member.denials[0]).toBe('this phase does not allow changes to the board')
    expect(memberTalk.denials).toEqual([])
    shapes(facilitator).set('shape:sentinel', { x: 1 })
    await until(() => shapes(member).has('shape:sentinel'), 'sentinel')
    expect(facilitator.doc.getMap('cards').has('card:bbbbbbbbbbbbbbbbbbbbbbbb')).toBe(false)
    expect(facilitator.doc.getMap('cards').has('card:aaaaaaaaaaaaaaaaaaaaaaaa')).toBe(true)

    setPhase(control, 'link')
    await until(() => facilitator.doc.getMap('cards').has('card:bbbbbbbbbbbbbbbbbbbbbbbb'), 'the held card in the next phase')
    // The member's deletion was theirs too: it is held and arrives with it.
    await until(() => !facilitator.doc.getMap('cards').has('card:aaaaaaaaaaaaaaaaaaaaaaaa'), 'the held deletion')
  })

  test('in Vote (members may only vote) replies are held as well; the facilitator still writes both documents', async () => {
    const { board, control } = await openBoard()
    const facilitatorTalk = harness.connect(conversationDocName(board.id), board.tokens.facilitator)
    const memberTalk = harness.connect(conversationDocName(board.id), board.tokens.member)
    await until(() => facilitatorTalk.synced && memberTalk.synced, 'conversation sync')
    setPhase(control, 'vote')
    await relayHas(board, (doc) => doc.getMap(FACILITATION_MAP).get('currentPhaseId') === 'vote')
    addReply(memberTalk.doc, 'card:cccccccccccccccccccccccc', { author: { id: 'm', name: 'Mo', color: '#39B178' }, text: 'held', now: 1 })
    await until(() => memberTalk.denials.length === 1, 'refusal')
    expect(memberTalk.denials[0]).toBe('this phase does not allow replies or reactions')
    addReply(facilitatorTalk.doc, 'card:dddddddddddddddddddddddd', { author: { id: 'f', name: 'Fiona', color: '#FF802B' }, text: 'sentinel', now: 2 })
    await until(() => readThread(memberTalk.doc, 'card:dddddddddddddddddddddddd') !== null, 'sentinel')
    expect(readThread(facilitatorTalk.doc, 'card:cccccccccccccccccccccccc')).toBeNull()
    setPhase(control, 'share')
    await until(() => readThread(facilitatorTalk.doc, 'card:cccccccccccccccccccccccc')?.replies.length === 1, 'held reply in Share')
  })

  test('observers are read-only on every document, told once, and stay connected', async () => {
    const board = await harness.createBoard()
    const observer = harness.connect(conversationDocName(board.id), board.tokens.observer)
    await until(() => observer.synced, 'sync')
    for (let i = 0; i < 3; i++) observer.doc.getMap(REACTIONS_MAP).set(`card:${i}`, i)
    await until(() => observer.denials.length === 1, 'refusal')
    expect(observer.denials).toEqual(['observers cannot reply or react'])
    expect(observer.isOpen).toBe(true)
  })

  test('only the server writes the people document: not even a facilitator can forge a member', async () => {
    const board = await harness.createBoard()
    const facilitator = harness.connect(peopleDocName(board.id), board.tokens.facilitator)
    await until(() => facilitator.synced, 'sync')
    upsertMember(facilitator.doc, { id: 'fake', name: 'Fiona', color: '#FF802B', practice: '' }, Date.now())
    await until(() => facilitator.denials.length === 1, 'refusal')
    const reader = harness.connect(peopleDocName(board.id), board.tokens.member)
    await until(() => reader.synced, 'reader sync')
    expect(listMembers(reader.doc)).toEqual([])
  })
})

describe('identity in presence comes from the server', () => {
  test('a personal token’s presence carries the server’s name, colour and id, whatever the client claims; a rename shows at the next update', async () => {
    const board = await harness.createBoard()
    const ada = await harness.person(board.id, 'member', 'Ada')
    const adaPeer = harness.connect(board.id, ada.token)
    const watcher = harness.connect(board.id, board.tokens.observer)
    await until(() => adaPeer.synced && watcher.synced, 'sync')
    adaPeer.awareness.setLocalState({
      role: 'facilitator',
      person: { id: 'fiona', name: 'Fiona' },
      presence: { userId: 'fiona', userName: 'Facilitator Fiona', color: '#000000', cursor: { x: 1, y: 2 } },
    })
    const seen = () => watcher.awareness.getStates().get(adaPeer.doc.clientID) as PresenceState | undefined
    await until(() => seen()?.presence?.cursor?.x === 1, 'presence')
    expect(seen()).toMatchObject({
      role: 'member',
      person: { id: ada.personId, name: 'Ada' },
      presence: { userId: ada.personId, userName: 'Ada', cursor: { x: 1, y: 2 } },
    })
    expect(seen()!.presence.color).not.toBe('#000000')

    await harness.policy.people.rename(board.id, ada.personId, { name: 'Ada L.', color: '#11B3A3', practice: 'ward nurse' })
    adaPeer.awareness.setLocalStateField('presence', { userId: 'x', userName: 'x', color: '#000000', cursor: { x: 5, y: 5 } })
    await until(() => seen()?.presence?.cursor?.x === 5, 'next presence')
    expect(seen()).toMatchObject({ person: { name: 'Ada L.', color: '#11B3A3', practice: 'ward nurse' }, presence: { userName: 'Ada L.', color: '#11B3A3' } })
  })

  test('a second client claiming Fiona’s id and name shows as a guest, never as Fiona', async () => {
    const board = await harness.createBoard()
    const fiona = await harness.person(board.id, 'facilitator', 'Fiona')
    const impostor = harness.connect(board.id, board.tokens.member)
    const watcher = harness.connect(board.id, board.tokens.observer)
    await until(() => impostor.synced && watcher.synced, 'sync')
    impostor.awareness.setLocalState({
      person: { id: fiona.personId, name: 'Fiona' },
      presence: { userId: fiona.personId, userName: 'Fiona', color: '#FF802B' },
    })
    const seen = () => watcher.awareness.getStates().get(impostor.doc.clientID) as PresenceState | undefined
    await until(() => seen() !== undefined, 'presence')
    expect(seen()!.person).toBeNull()
    expect(seen()!.presence.userId).not.toBe(fiona.personId)
    expect(seen()!.presence.userName).toBe('Guest')
  })

  test('the people document lists who named themselves, as the server knows them', async () => {
    const board = await harness.createBoard()
    const bea = await harness.person(board.id, 'member', 'Bea')
    await harness.person(board.id, 'observer', 'Otto')
    const reader = harness.connect(peopleDocName(board.id), board.tokens.member)
    await until(() => reader.synced && listMembers(reader.doc).length === 1, 'the member entry')
    expect(listMembers(reader.doc)[0]).toMatchObject({ id: bea.personId, name: 'Bea' })
  })
})

describe('boards made before the split', () => {
  test('threads, reactions, tours and members move out of the canvas on load, once, and nothing is lost', async () => {
    const board = await harness.createBoard()
    // Write the old layout straight into storage, as the previous release did.
    const old = new Y.Doc()
    createCard(old, {
      id: 'card:eeeeeeeeeeeeeeeeeeeeeeee',
      kind: 'idea',
      text: 'Old card',
      author: { id: 'a', name: 'Ada', color: '#FF802B' },
      anonymous: false,
      now: 1,
    })
    addReply(old, 'card:eeeeeeeeeeeeeeeeeeeeeeee', { author: { id: 'b', name: 'Bea', color: '#39B178' }, text: 'An old reply', now: 2 })
    old.getMap(REACTIONS_MAP).set('card:eeeeeeeeeeeeeeeeeeeeeeee', new Y.Map())
    old.getMap(TOURS_MAP).set('tour:1', new Y.Map())
    upsertMember(old, { id: 'a', name: 'Ada', color: '#FF802B', practice: 'nurse' }, 5)
    await harness.storage.appendUpdates(board.id, [Y.encodeStateAsUpdate(old)])

    const canvas = harness.connect(board.id, board.tokens.observer)
    const talk = harness.connect(conversationDocName(board.id), board.tokens.observer)
    const people = harness.connect(peopleDocName(board.id), board.tokens.observer)
    await until(() => canvas.synced && talk.synced && people.synced, 'sync')
    expect(canvas.doc.getMap('cards').has('card:eeeeeeeeeeeeeeeeeeeeeeee')).toBe(true)
    for (const map of [THREADS_MAP, REACTIONS_MAP, TOURS_MAP, MEMBERS_MAP]) expect(canvas.doc.getMap(map).size).toBe(0)
    expect(readThread(talk.doc, 'card:eeeeeeeeeeeeeeeeeeeeeeee')?.replies[0].text).toBe('An old reply')
    expect(talk.doc.getMap(REACTIONS_MAP).has('card:eeeeeeeeeeeeeeeeeeeeeeee')).toBe(true)
    expect(talk.doc.getMap(TOURS_MAP).has('tour:1')).toBe(true)
    expect(listMembers(people.doc)).toMatchObject([{ id: 'a', name: 'Ada', practice: 'nurse' }])
  })
})
