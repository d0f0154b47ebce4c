/**
 * A member whose connection does not keep up (a train, a congested hotel network) is neither
 * queued for without bound nor disconnected: past MAX_BUFFERED_BYTES the relay skips relayed
 * frames for it and, once it has read what was queued, sends it one catch-up. In-process
 * (tests/helpers/relayHarness.ts), with a peer that stops reading and a clock moved by hand.
 */
import { afterEach, describe, expect, test } from 'vitest'
import * as Y from 'yjs'
import { CloseCode } from '../../shared/protocol/messages'
import { startRelayHarness, until, type RelayHarness, type TestPeer } from '../helpers/relayHarness'

const MAX_BUFFERED_BYTES = 64 * 1024
const TIMEOUT_MS = 10_000
const BLOB_BYTES = 8 * 1024

let harness: RelayHarness | null = null

afterEach(async () => {
  await harness?.close()
  harness = null
})

async function start(): Promise<RelayHarness> {
  harness = await startRelayHarness({ limits: { maxBufferedBytes: MAX_BUFFERED_BYTES, slowConsumerTimeoutMs: TIMEOUT_MS } })
  return harness
}

const blobs = (peer: TestPeer) => peer.doc.getMap<Uint8Array>('blobs')

/** The blobs each holds, in key order (maps list keys in the order changes arrived). */
function contents(peer: TestPeer): string {
  return JSON.stringify([...blobs(peer).entries()].sort(([a], [b]) => a.localeCompare(b)).map(([key, value]) => [key, Buffer.from(value).toString('base64')]))
}

function sameDocument(a: TestPeer, b: TestPeer): boolean {
  return Y.equalSnapshots(Y.snapshot(a.doc), Y.snapshot(b.doc)) && contents(a) === contents(b)
}

/** Each writer writes `count` blobs of its own, overwriting and deleting some as it goes. */
function write(writers: TestPeer[], count: number, tag: string): void {
  for (let i = 0; i < count; i++) {
    for (const [index, writer] of writers.entries()) {
      blobs(writer).set(`${tag}-${index}-${i % 7}`, new Uint8Array(BLOB_BYTES).fill(i))
      if (i % 5 === 4) blobs(writer).delete(`${tag}-${index}-${(i + 3) % 7}`)
    }
  }
}

describe('a connection that does not keep up (MAX_BUFFERED_BYTES)', () => {
  test('falls behind instead of being queued for without bound, and once it reads gets one catch-up: the same document and presence, never disconnected', async () => {
    const relay = await start()
    const board = await relay.createBoard()
    const first = relay.connect(board.id, board.tokens.member)
    const second = relay.connect(board.id, board.tokens.member)
    const slow = relay.connect(board.id, board.tokens.member)
    const leaver = relay.connect(board.id, board.tokens.member)
    leaver.awareness.setLocalState({ presence: { cursor: { x: 1, y: 1 } } })
    await until(() => [first, second, slow, leaver].every((peer) => peer.synced), 'sync')
    await until(() => slow.awareness.getStates().has(leaver.doc.clientID), 'the leaver’s presence')

    slow.stopReading()
    // Two members writing in the same turns: the catch-up must cover frames that mixed senders.
    const rounds = 16
    for (let round = 0; round < rounds; round++) {
      write([first, second], 4, `round${round}`)
      await until(() => sameDocument(first, second), `round ${round} relayed between the writers`)
    }
    leaver.disconnect()
    second.awareness.setLocalState({ presence: { cursor: { x: 2, y: 2 } } })
    await until(() => first.awareness.getStates().has(second.doc.clientID), 'the second writer’s presence at the first')
    const written = rounds * 4 * 2 * BLOB_BYTES
    // Bounded: what was queued before it fell behind (the last frame is one round: 8 blobs), and not one relayed frame after.
    expect(slow.unreadBytes).toBeLessThan(MAX_BUFFERED_BYTES + 9 * BLOB_BYTES)
    expect(slow.unreadBytes).toBeLessThan(written / 4)

    slow.resumeReading()
    // The relay looks every 25 ms whether it has read enough (what is queued drains in turns).
    await until(() => {
      relay.clock.advance(25)
      return sameDocument(slow, first)
    }, 'the catch-up')
    expect(slow.closed).toBeNull()
    expect(slow.connects).toBe(1)
    await until(() => slow.awareness.getStates().has(second.doc.clientID), 'presence set while behind')
    expect(slow.awareness.getStates().has(leaver.doc.clientID)).toBe(false)

    // Caught up, it is relayed to as before, and what it writes reaches the others.
    blobs(first).set('after', new Uint8Array([1]))
    blobs(slow).set('from-slow', new Uint8Array([2]))
    await until(() => blobs(slow).has('after') && blobs(first).has('from-slow') && sameDocument(slow, first), 'edits after the catch-up')
  })

  test('a connection that reads nothing for SLOW_CONSUMER_TIMEOUT_MS is closed with 4508 and resyncs when it reconnects', async () => {
    const relay = await start()
    const board = await relay.createBoard()
    const writer = relay.connect(board.id, board.tokens.member)
    const slow = relay.connect(board.id, board.tokens.member)
    await until(() => writer.synced && slow.synced, 'sync')

    slow.stopReading()
    const sentinel = relay.connect(board.id, board.tokens.observer)
    for (let round = 0; round < 12; round++) {
      write([writer], 2, `stalled${round}`)
      await until(() => sentinel.synced && sameDocument(sentinel, writer), `round ${round} stored and relayed`)
    }
    expect(slow.unreadBytes).toBeGreaterThan(MAX_BUFFERED_BYTES)
    relay.clock.advance(TIMEOUT_MS - 100)
    expect(slow.closed).toBeNull()
    relay.clock.advance(200)
    expect(slow.closed?.code).toBe(CloseCode.slowConsumer)
    expect(writer.closed).toBeNull()

    slow.resumeReading()
    slow.connect()
    await until(() => slow.synced && sameDocument(slow, writer), 'the resync after reconnecting')
  })

  test('answers to the client’s own requests are never skipped, but a client that keeps asking without reading is closed', async () => {
    const relay = await start()
    const board = await relay.createBoard()
    const writer = relay.connect(board.id, board.tokens.member)
    write([writer], 30, 'big')
    const greedy = relay.connect(board.id, board.tokens.member)
    await until(() => writer.synced && greedy.synced, 'sync')
    greedy.stopReading()
    // A modified client asks for the whole document again and again (sync step 1, empty state vector).
    const askAll = new Uint8Array([0, 0, 1, 0])
    for (let i = 0; i < 200 && greedy.closed === null; i++) {
      greedy.send(askAll)
      await until(() => greedy.closed !== null || greedy.unreadBytes > (i + 1) * BLOB_BYTES, `answer ${i}`)
    }
    expect(greedy.closed?.code).toBe(CloseCode.slowConsumer)
    expect(greedy.unreadBytes).toBeLessThan(2 * MAX_BUFFERED_BYTES + 40 * BLOB_BYTES)
    expect(writer.closed).toBeNull()
  })
})
