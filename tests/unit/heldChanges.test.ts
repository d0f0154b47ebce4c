/**
 * A refused change is held, not swallowed: what a member may do now follows the control
 * document's lock and phase (client/board/permissions.ts); a refusal from the relay marks the
 * document's changes as waiting until writing is allowed again (heldChanges.ts); and the relay's
 * refusal message is handed to the page without printing anything, since the stock y-websocket
 * handler prints the provider's URL, which holds the token (syncedDoc.ts).
 */
import * as encoding from 'lib0/encoding'
import * as decoding from 'lib0/decoding'
import { afterEach, describe, expect, test, vi } from 'vitest'
import { writePermissionDenied } from 'y-protocols/auth'
import { writeSyncStep1, writeSyncStep2 } from 'y-protocols/sync'
import { WebsocketProvider } from 'y-websocket'
import WebSocket from 'ws'
import * as Y from 'yjs'
import { createHeldChanges } from '../../client/board/heldChanges'
import { createBoardPermissions } from '../../client/board/permissions'
import { holdsMoreThan, refusalHandler, watchingSyncHandler } from '../../client/board/syncedDoc'
import { FACILITATION_MAP, setBoardLocked, type MemberAction } from '../../shared/board/facilitation'
import { MessageType } from '../../shared/protocol/messages'

function controlWithPhase(memberActions: MemberAction[] | undefined): Y.Doc {
  const doc = new Y.Doc()
  const phases = new Y.Array<unknown>()
  phases.push([{ id: 'p', name: 'Phase', instructions: '', durationMs: 60_000, memberActions }])
  doc.getMap(FACILITATION_MAP).set('phases', phases)
  doc.getMap(FACILITATION_MAP).set('currentPhaseId', 'p')
  return doc
}

function setPhaseActions(doc: Y.Doc, memberActions: MemberAction[]): void {
  const phases = doc.getMap(FACILITATION_MAP).get('phases') as Y.Array<unknown>
  doc.transact(() => {
    phases.delete(0, 1)
    phases.push([{ id: 'p', name: 'Phase', instructions: '', durationMs: 60_000, memberActions }])
  })
}

const SHARE: MemberAction[] = ['reply', 'react']

describe('what a member may do now', () => {
  test('in Share, members reply and react but the canvas is not theirs to change', () => {
    const permissions = createBoardPermissions(controlWithPhase(SHARE), 'member')
    expect([permissions.may('reply'), permissions.may('react'), permissions.may('add-cards')]).toEqual([true, true, false])
    expect(permissions.mayWriteDoc('conversation')).toBe(true)
    expect(permissions.mayWriteDoc('canvas')).toBe(false)
    permissions.dispose()
  })

  test('a lock stops everything for members; facilitators may always, observers never', () => {
    const control = controlWithPhase(undefined)
    const member = createBoardPermissions(control, 'member')
    const facilitator = createBoardPermissions(control, 'facilitator')
    const observer = createBoardPermissions(control, 'observer')
    expect([member.mayWriteDoc('canvas'), member.mayWriteDoc('conversation'), member.isLocked()]).toEqual([true, true, false])
    setBoardLocked(control, true)
    expect([member.mayWriteDoc('canvas'), member.mayWriteDoc('conversation'), member.isLocked()]).toEqual([false, false, true])
    expect([facilitator.mayWriteDoc('canvas'), facilitator.may('reply')]).toEqual([true, true])
    expect([observer.mayWriteDoc('conversation'), observer.may('react')]).toEqual([false, false])
    for (const permissions of [member, facilitator, observer]) permissions.dispose()
  })
})

describe('held changes', () => {
  test('a refusal holds the document’s changes until the control document lets members write it again', () => {
    const control = controlWithPhase(undefined)
    setBoardLocked(control, true)
    const permissions = createBoardPermissions(control, 'member')
    const held = createHeldChanges({ mayWrite: (kind) => permissions.mayWriteDoc(kind) })
    held.refuse('canvas', 'board locked')
    held.refuse('conversation', 'board locked')
    expect([...held.kinds.get()].sort()).toEqual(['canvas', 'conversation'])
    // Moving to Share while still locked changes nothing; unlocking releases the conversation only.
    setPhaseActions(control, SHARE)
    expect(held.kinds.get().size).toBe(2)
    setBoardLocked(control, false)
    expect([...held.kinds.get()]).toEqual(['canvas'])
    setPhaseActions(control, ['arrange'])
    expect(held.kinds.get().size).toBe(0)
    held.dispose()
    permissions.dispose()
  })

  test('a refusal that arrives before the lock does (another connection) waits for the unlock', () => {
    const control = controlWithPhase(undefined)
    const permissions = createBoardPermissions(control, 'member')
    const held = createHeldChanges({ mayWrite: (kind) => permissions.mayWriteDoc(kind) })
    held.refuse('canvas', 'board locked')
    // The relay's own "send me what you hold" is no release while this tab still thinks it may
    // write only because the lock has not reached it: it comes at the start of every connection.
    setBoardLocked(control, true)
    held.serverAsked('canvas', true)
    expect([...held.kinds.get()]).toEqual(['canvas'])
    setBoardLocked(control, false)
    expect(held.kinds.get().size).toBe(0)
    held.dispose()
    permissions.dispose()
  })

  test('changes made offline count as held when the relay, asking for them on reconnecting, may not take them now', () => {
    const control = controlWithPhase(undefined)
    setBoardLocked(control, true)
    const permissions = createBoardPermissions(control, 'member')
    const held = createHeldChanges({ mayWrite: (kind) => permissions.mayWriteDoc(kind) })
    held.serverAsked('canvas', false)
    expect(held.kinds.get().size).toBe(0)
    held.serverAsked('canvas', true)
    expect([...held.kinds.get()]).toEqual(['canvas'])
    setBoardLocked(control, false)
    expect(held.kinds.get().size).toBe(0)
    held.serverAsked('conversation', true)
    expect(held.kinds.get().size).toBe(0)
    held.dispose()
    permissions.dispose()
  })

  test('an unlock that arrives before the refusal is made good by the relay asking for the changes', () => {
    const control = controlWithPhase(undefined)
    const permissions = createBoardPermissions(control, 'member')
    const held = createHeldChanges({ mayWrite: (kind) => permissions.mayWriteDoc(kind) })
    setBoardLocked(control, true)
    setBoardLocked(control, false)
    held.refuse('conversation', 'board locked')
    expect([...held.kinds.get()]).toEqual(['conversation'])
    held.serverAsked('conversation', true)
    expect(held.kinds.get().size).toBe(0)
    held.dispose()
    permissions.dispose()
  })
})

describe('the relay’s messages, as the provider reads them', () => {
  afterEach(() => vi.restoreAllMocks())

  const TOKEN = 'eyJ.personal-token.secret'

  function providerWithTokenInUrl(): WebsocketProvider {
    return new WebsocketProvider('ws://localhost:1/sync', 'board', new Y.Doc(), {
      connect: false,
      params: { token: TOKEN },
      disableBc: true,
      WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    })
  }

  function authRefusal(reason: string): decoding.Decoder {
    const encoder = encoding.createEncoder()
    writePermissionDenied(encoder, reason)
    return decoding.createDecoder(encoding.toUint8Array(encoder))
  }

  test('a refusal reaches the page with its reason and prints nothing (the stock handler prints the URL and its token)', () => {
    const printed: string[] = []
    for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
      vi.spyOn(console, method).mockImplementation((...args: unknown[]) => printed.push(args.join(' ')))
    }
    const provider = providerWithTokenInUrl()
    const stock = provider.messageHandlers[MessageType.auth]
    stock(encoding.createEncoder(), authRefusal('board locked'), provider, true, MessageType.auth)
    expect(printed.join('\n')).toContain(TOKEN)

    printed.length = 0
    const reasons: string[] = []
    refusalHandler((reason) => reasons.push(reason))(encoding.createEncoder(), authRefusal('board locked'), provider, true, MessageType.auth)
    expect(reasons).toEqual(['board locked'])
    expect(printed).toEqual([])
    provider.destroy()
  })

  test('the server’s sync step 1 is told apart from its step 2, and still answered by the stock handler', () => {
    const provider = providerWithTokenInUrl()
    const server = new Y.Doc()
    server.getMap('cards').set('card:1', 'from the server')
    let step1s = 0
    const told: boolean[] = []
    const handler = watchingSyncHandler(provider.messageHandlers[MessageType.sync], (holdsMore) => {
      step1s++
      told.push(holdsMore)
    })
    const message = (write: (encoder: encoding.Encoder) => void) => {
      const encoder = encoding.createEncoder()
      write(encoder)
      return decoding.createDecoder(encoding.toUint8Array(encoder))
    }
    const answer = encoding.createEncoder()
    handler(
      answer,
      message((encoder) => writeSyncStep1(encoder, server)),
      provider,
      true,
      MessageType.sync,
    )
    expect(step1s).toBe(1)
    expect(encoding.length(answer)).toBeGreaterThan(1)
    handler(
      encoding.createEncoder(),
      message((encoder) => writeSyncStep2(encoder, server)),
      provider,
      true,
      MessageType.sync,
    )
    expect(step1s).toBe(1)
    expect(provider.doc.getMap('cards').get('card:1')).toBe('from the server')
    // Now this tab writes something the server has not got: the next step 1 says so.
    provider.doc.getMap('cards').set('card:2', 'offline')
    handler(
      encoding.createEncoder(),
      message((encoder) => writeSyncStep1(encoder, server)),
      provider,
      true,
      MessageType.sync,
    )
    expect(told).toEqual([false, true])
    provider.destroy()
  })

  test('holding more than the server means content past its state vector; deleting alone is not', () => {
    const server = new Y.Doc()
    server.getText('t').insert(0, 'shared text')
    const tab = new Y.Doc()
    Y.applyUpdate(tab, Y.encodeStateAsUpdate(server))
    expect(holdsMoreThan(tab, Y.encodeStateVector(server))).toBe(false)
    tab.getText('t').delete(0, 7)
    expect(holdsMoreThan(tab, Y.encodeStateVector(server))).toBe(false)
    tab.getText('t').insert(0, 'my ')
    expect(holdsMoreThan(tab, Y.encodeStateVector(server))).toBe(true)
  })
})
