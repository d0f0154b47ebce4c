/**
 * Facilitation rules the relay enforces, end to end through the real server process with stock
 * y-websocket clients holding a member token: members cannot change phases, the timer or the
 * lock (the control document is the facilitators'), and their canvas changes are held while the
 * board is locked (tests/integration/relay.rules.test.ts tries each rule in-process, in detail).
 */
import { describe, expect, test } from 'vitest'
import * as Y from 'yjs'
import { controlDocName, draftsDocName } from '../../shared/board/docNames'
import { CloseCode } from '../../shared/protocol/messages'
import { FACILITATION_MAP, isBoardLocked, readTimer, setBoardLocked, startTimer } from '../../shared/board/facilitation'
import { useBoardServer } from '../helpers/boardServer'
import { waitFor, waitForSync, type TestClient } from '../helpers/boardClient'

const suite = useBoardServer()
const client = (docName: string, token: string): TestClient => suite.client(docName, token)

describe('facilitation rules enforced by the relay', () => {
  test('GET /api/time gives the server clock the shared timer counts on', async () => {
    const before = Date.now()
    const { now } = (await (await fetch(`${suite.server.url}/api/time`)).json()) as { now: number }
    expect(now).toBeGreaterThanOrEqual(before - 1000)
    expect(now).toBeLessThanOrEqual(Date.now() + 1000)
  })

  test('a member cannot start the timer, change phases or unlock: the control document refuses them', async () => {
    const facilitator = client(controlDocName(suite.board.id), suite.board.tokens.facilitator)
    const member = client(controlDocName(suite.board.id), suite.board.tokens.member)
    await Promise.all([waitForSync(facilitator), waitForSync(member)])
    startTimer(member.doc, 60_000, Date.now())
    member.doc.getMap(FACILITATION_MAP).set('currentPhaseId', 'vote')
    setBoardLocked(member.doc, false)
    await waitFor(() => member.denials.length > 0, 5000, 'denial')
    expect(member.denials[0]).toMatch(/only facilitators/)
    // The facilitator's own change goes through, and the member's never reached anyone.
    startTimer(facilitator.doc, 5 * 60_000, Date.now())
    const observer = client(controlDocName(suite.board.id), suite.board.tokens.observer)
    await waitFor(() => readTimer(observer.doc).durationMs === 5 * 60_000, 5000, 'facilitator timer')
    expect(observer.doc.getMap(FACILITATION_MAP).get('currentPhaseId')).toBeUndefined()
  })

  test('while the board is locked a member’s canvas changes are held: refused once, the connection kept, and sent after unlocking', async () => {
    const facilitatorControl = client(controlDocName(suite.board.id), suite.board.tokens.facilitator)
    const observerControl = client(controlDocName(suite.board.id), suite.board.tokens.observer)
    const member = client(suite.board.id, suite.board.tokens.member)
    const facilitatorCanvas = client(suite.board.id, suite.board.tokens.facilitator)
    await Promise.all([waitForSync(facilitatorControl), waitForSync(observerControl), waitForSync(member), waitForSync(facilitatorCanvas)])
    // The member wrote before the lock: their later changes depend on this one.
    member.doc.getMap('shapes').set('shape:before-lock', { x: 0 })
    await waitFor(() => facilitatorCanvas.doc.getMap('shapes').has('shape:before-lock'), 5000, 'change before the lock')
    setBoardLocked(facilitatorControl.doc, true)
    // The relay applies a change before relaying it: once another reader has the lock, so does the relay.
    await waitFor(() => isBoardLocked(observerControl.doc), 5000, 'the lock reaches the relay')

    member.doc.getMap('shapes').set('shape:while-locked', { x: 1 })
    member.doc.getMap('shapes').set('shape:while-locked-2', { x: 2 })
    await waitFor(() => member.denials.includes('the board is locked'), 5000, 'lock denial')
    // The facilitator can still change the board; their change is the sentinel that the member's did not travel.
    facilitatorCanvas.doc.getMap('shapes').set('shape:facilitator', { x: 2 })
    await waitFor(() => member.doc.getMap('shapes').has('shape:facilitator'), 5000, 'facilitator change')
    expect(facilitatorCanvas.doc.getMap('shapes').has('shape:while-locked')).toBe(false)
    expect(member.denials).toEqual(['the board is locked'])
    expect(member.closeCodes).toEqual([])
    expect(member.provider.wsconnected).toBe(true)

    const unlockedAt = Date.now()
    setBoardLocked(facilitatorControl.doc, false)
    await waitFor(
      () => facilitatorCanvas.doc.getMap('shapes').has('shape:while-locked') && facilitatorCanvas.doc.getMap('shapes').has('shape:while-locked-2'),
      5000,
      'held changes after unlock',
    )
    expect(Date.now() - unlockedAt).toBeLessThan(1000)
    member.doc.getMap('shapes').set('shape:after-unlock', { x: 3 })
    await waitFor(() => facilitatorCanvas.doc.getMap('shapes').has('shape:after-unlock'), 5000, 'a later change')
    expect(member.closeCodes).toEqual([])
    const fresh = client(suite.board.id, suite.board.tokens.observer)
    await waitForSync(fresh)
    expect(fresh.doc.getMap('shapes').has('shape:while-locked-2')).toBe(true)
  })
})

describe('private drafts documents', () => {
  async function personalToken(linkToken: string): Promise<{ personId: string; personToken: string }> {
    const response = await fetch(`${suite.server.url}/api/boards/${suite.board.id}/people`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${linkToken}` },
    })
    expect(response.status).toBe(201)
    return (await response.json()) as { personId: string; personToken: string }
  }

  test('only the person a personal token names opens their drafts; links and other people are refused', async () => {
    const ada = await personalToken(suite.board.tokens.member)
    const bea = await personalToken(suite.board.tokens.member)
    expect(ada.personId).not.toBe(bea.personId)
    const own = client(draftsDocName(suite.board.id, ada.personId), ada.personToken)
    await waitForSync(own)
    own.doc.getMap('cards').set('draft-1', 'my private thought')
    // Her own second device (same personal token) sees it.
    const ownAgain = client(draftsDocName(suite.board.id, ada.personId), ada.personToken)
    await waitFor(() => ownAgain.doc.getMap('cards').get('draft-1') === 'my private thought', 5000, 'own drafts')

    for (const [token, name] of [
      [bea.personToken, 'another member'],
      [suite.board.tokens.member, 'the member link'],
      [suite.board.tokens.facilitator, 'the facilitator link'],
      [(await personalToken(suite.board.tokens.facilitator)).personToken, 'the facilitator in person'],
    ] as const) {
      const intruder = client(draftsDocName(suite.board.id, ada.personId), token)
      await waitFor(() => intruder.closeCodes.length > 0, 5000, `refusal of ${name}`)
      intruder.provider.disconnect()
      expect(intruder.closeCodes[0], name).toBe(CloseCode.unauthorized)
      expect(intruder.doc.getMap('cards').size, name).toBe(0)
    }
  })

  test('an observer’s personal token opens no drafts, and a personal token needs a valid link', async () => {
    const observer = await personalToken(suite.board.tokens.observer)
    const own = client(draftsDocName(suite.board.id, observer.personId), observer.personToken)
    await waitFor(() => own.closeCodes.length > 0, 5000, 'observer refused')
    own.provider.disconnect()
    expect(own.closeCodes[0]).toBe(CloseCode.unauthorized)
    const noLink = await fetch(`${suite.server.url}/api/boards/${suite.board.id}/people`, { method: 'POST' })
    expect(noLink.status).toBe(401)
  })
})

describe('roles in presence', () => {
  test('the relay stamps each connection’s presence with the role its token grants, whatever the client claims', async () => {
    const member = client(suite.board.id, suite.board.tokens.member)
    const watcher = client(suite.board.id, suite.board.tokens.observer)
    await Promise.all([waitForSync(member), waitForSync(watcher)])
    member.provider.awareness.setLocalStateField('role', 'facilitator')
    member.provider.awareness.setLocalStateField('user', { name: 'Mallory' })
    await waitFor(
      () => (watcher.provider.awareness.getStates().get(member.doc.clientID) as { user?: unknown } | undefined)?.user !== undefined,
      5000,
      'presence',
    )
    expect(watcher.provider.awareness.getStates().get(member.doc.clientID)).toMatchObject({ role: 'member', user: { name: 'Mallory' } })
  })
})

describe('what members may do in a phase', () => {
  test('in a phase that allows members nothing on the board their canvas changes are held; in the next they go through', async () => {
    const control = client(controlDocName(suite.board.id), suite.board.tokens.facilitator)
    const reader = client(controlDocName(suite.board.id), suite.board.tokens.observer)
    const member = client(suite.board.id, suite.board.tokens.member)
    const facilitatorCanvas = client(suite.board.id, suite.board.tokens.facilitator)
    await Promise.all([waitForSync(control), waitForSync(reader), waitForSync(member), waitForSync(facilitatorCanvas)])
    const phases = new Y.Array<unknown>()
    control.doc.transact(() => {
      const facilitation = control.doc.getMap(FACILITATION_MAP)
      facilitation.set('phases', phases)
      phases.push([
        { id: 'alone', name: 'Think alone', instructions: '', durationMs: 300_000, memberActions: [] },
        { id: 'link', name: 'Link and cluster', instructions: '', durationMs: 300_000, memberActions: ['arrange', 'link'] },
      ])
      facilitation.set('currentPhaseId', 'alone')
    })
    await waitFor(() => reader.doc.getMap(FACILITATION_MAP).get('currentPhaseId') === 'alone', 5000, 'the phase reaches the relay')
    member.doc.getMap('shapes').set('shape:in-think-alone', { x: 1 })
    await waitFor(() => member.denials.includes('this phase does not allow changes to the board'), 5000, 'phase denial')
    facilitatorCanvas.doc.getMap('shapes').set('shape:sentinel', { x: 0 })
    await waitFor(() => member.doc.getMap('shapes').has('shape:sentinel'), 5000, 'sentinel')
    expect(facilitatorCanvas.doc.getMap('shapes').has('shape:in-think-alone')).toBe(false)
    expect(member.closeCodes).toEqual([])

    control.doc.getMap(FACILITATION_MAP).set('currentPhaseId', 'link')
    await waitFor(() => facilitatorCanvas.doc.getMap('shapes').has('shape:in-think-alone'), 5000, 'change in the next phase')
  })
})
