/**
 * A board nobody has open is stored as one snapshot (unloading compacts it). The first client to
 * open it again, holding nothing, is answered with those stored bytes while the server is still
 * loading them (it applies the board while the server does), then with what came after the
 * snapshot once its connection opens; the loaded snapshot answers clients that hold nothing only
 * until something changes the board: from the first change on, every answer is the document as
 * it is now. In-process
 * (tests/helpers/relayHarness.ts), with the idle unload driven by the harness clock.
 */
import { afterEach, expect, test } from 'vitest'
import * as Y from 'yjs'
import * as decoding from 'lib0/decoding'
import * as syncProtocol from 'y-protocols/sync'
import { MessageType } from '../../shared/protocol/messages'
import { DEFAULT_RELAY_LIMITS } from '../../server/relay/limits'
import { startRelayHarness, until, type RelayHarness, type TestPeer } from '../helpers/relayHarness'

let harness: RelayHarness | null = null

afterEach(async () => {
  await harness?.close()
  harness = null
})

const notes = (peer: TestPeer) => peer.doc.getMap<string>('notes')

/** Which sync message each frame the server sent this peer was, in order. */
function syncKinds(peer: TestPeer): string[] {
  return peer.frames.flatMap((frame) => {
    const decoder = decoding.createDecoder(frame)
    if (decoding.readVarUint(decoder) !== MessageType.sync) return []
    const kind = decoding.readVarUint(decoder)
    return [kind === syncProtocol.messageYjsSyncStep1 ? 'step1' : kind === syncProtocol.messageYjsSyncStep2 ? 'step2' : 'update']
  })
}

/** The update of the first sync step 2 the server sent this peer. */
function firstSyncAnswer(peer: TestPeer): Uint8Array {
  for (const frame of peer.frames) {
    const decoder = decoding.createDecoder(frame)
    if (decoding.readVarUint(decoder) !== MessageType.sync) continue
    if (decoding.readVarUint(decoder) !== syncProtocol.messageYjsSyncStep2) continue
    return decoding.readVarUint8Array(decoder)
  }
  throw new Error('no sync step 2 was received')
}

async function eventually(condition: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 5000
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setImmediate(resolve))
  }
}

test('a client holding nothing gets the stored snapshot as loaded; after a change every client gets the change', async () => {
  harness = await startRelayHarness()
  const h = harness
  const board = await h.createBoard()
  const ada = h.connect(board.id, board.tokens.member)
  const bea = h.connect(board.id, board.tokens.member)
  await until(() => ada.synced && bea.synced, 'the first two to sync')
  notes(ada).set('first', 'written before the board was unloaded')
  await until(() => notes(bea).get('first') !== undefined, 'Bea to see the first note')
  ada.disconnect()
  bea.disconnect()
  h.clock.advance(DEFAULT_RELAY_LIMITS.documentIdleMs + 1)
  await eventually(async () => {
    const stored = await h.storage.loadDocument(board.id)
    return stored.snapshot !== null && stored.updates.length === 0
  }, 'the unloaded board to be one snapshot')
  const { snapshot } = await h.storage.loadDocument(board.id)

  const cleo = h.connect(board.id, board.tokens.member)
  await until(() => cleo.synced, 'Cleo to sync')
  expect(notes(cleo).get('first')).toBe('written before the board was unloaded')
  expect(Buffer.from(firstSyncAnswer(cleo)).equals(Buffer.from(snapshot!))).toBe(true)
  // Answered while the server was still loading the board: before its own sync step 1, which it
  // sends once the connection opens; then, for what came after the snapshot, a second answer.
  await until(() => syncKinds(cleo).length >= 3, "the server's own sync step 1 and its second answer")
  expect(syncKinds(cleo).slice(0, 3)).toEqual(['step2', 'step1', 'step2'])

  // Once the board changed, the loaded snapshot is no answer any more.
  notes(cleo).set('second', 'written after the load')
  const sentinel = h.connect(board.id, board.tokens.member)
  await until(() => notes(sentinel).get('second') !== undefined, 'the second note to be stored and relayed')
  const dan = h.connect(board.id, board.tokens.member)
  await until(() => dan.synced, 'Dan to sync')
  // The board is in memory now: Dan is answered once his connection is open.
  await until(() => syncKinds(dan).length >= 2, "the server's sync step 1 and its answer")
  expect(syncKinds(dan).slice(0, 2)).toEqual(['step1', 'step2'])
  expect(notes(dan).toJSON()).toEqual({ first: 'written before the board was unloaded', second: 'written after the load' })
  expect(Y.equalSnapshots(Y.snapshot(dan.doc), Y.snapshot(cleo.doc))).toBe(true)

  // A client that holds part of the board (Ada, back with what she had) gets what she lacks.
  ada.connect()
  await until(() => ada.synced && notes(ada).get('second') !== undefined, 'Ada to catch up')
  expect(notes(ada).toJSON()).toEqual(notes(dan).toJSON())
})
