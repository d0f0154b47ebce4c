/**
 * The wire protocol as bytes in, typed messages (or named errors) out.
 */
import { describe, expect, test } from 'vitest'
import * as Y from 'yjs'
import * as encoding from 'lib0/encoding'
import * as syncProtocol from 'y-protocols/sync'
import * as awarenessProtocol from 'y-protocols/awareness'
import * as authProtocol from 'y-protocols/auth'
import * as decoding from 'lib0/decoding'
import {
  decodeAwarenessUpdate,
  decodeClientMessage,
  encodeAwarenessEntries,
  encodeAwarenessMessage,
  encodePermissionDenied,
  encodeSyncStep1,
  encodeSyncStep2,
  encodeSyncUpdate,
  isEmptyUpdate,
} from '../../server/relay/protocol'

function bytes(...values: number[]): Uint8Array {
  return new Uint8Array(values)
}

function docWithText(text: string): Y.Doc {
  const doc = new Y.Doc()
  doc.getText('t').insert(0, text)
  return doc
}

describe('decodeClientMessage: what y-protocols writes decodes', () => {
  test('sync step 1 carries the state vector', () => {
    const doc = docWithText('a')
    const encoder = encoding.createEncoder()
    encoding.writeVarUint(encoder, 0)
    syncProtocol.writeSyncStep1(encoder, doc)
    const result = decodeClientMessage(encoding.toUint8Array(encoder))
    expect(result).toEqual({ ok: true, message: { kind: 'syncStep1', stateVector: Y.encodeStateVector(doc) } })
  })

  test('sync step 2 and update carry the update', () => {
    const update = Y.encodeStateAsUpdate(docWithText('hello'))
    for (const [kind, write] of [
      ['syncStep2', (e: encoding.Encoder) => syncProtocol.writeSyncStep2(e, docWithText('hello'))],
      ['syncUpdate', (e: encoding.Encoder) => syncProtocol.writeUpdate(e, update)],
    ] as const) {
      const encoder = encoding.createEncoder()
      encoding.writeVarUint(encoder, 0)
      write(encoder)
      const result = decodeClientMessage(encoding.toUint8Array(encoder))
      expect(result.ok && result.message.kind).toBe(kind)
    }
  })

  test('awareness carries its payload, which decodes into entries', () => {
    const doc = new Y.Doc()
    const awareness = new awarenessProtocol.Awareness(doc)
    awareness.setLocalState({ user: { name: 'Ada' } })
    const payload = awarenessProtocol.encodeAwarenessUpdate(awareness, [doc.clientID])
    const result = decodeClientMessage(encodeAwarenessMessage(payload))
    expect(result).toEqual({ ok: true, message: { kind: 'awareness', update: payload } })
    const entries = decodeAwarenessUpdate(payload)
    expect(entries).toEqual({ ok: true, entries: [{ clientId: doc.clientID, clock: 1, state: { user: { name: 'Ada' } } }] })
    awareness.destroy()
  })

  test('query awareness is a one-byte message', () => {
    expect(decodeClientMessage(bytes(3))).toEqual({ ok: true, message: { kind: 'queryAwareness' } })
  })
})

describe('decodeClientMessage: malformed frames get a named error and never throw', () => {
  test.each([
    ['empty frame', bytes(), 'empty-frame'],
    ['unknown message type', bytes(9), 'unknown-message-type'],
    ['unknown sync type', bytes(0, 7, 0), 'unknown-sync-message-type'],
    ['auth message from a client', bytes(2, 0, 0), 'unexpected-auth-message'],
    ['truncated varint type', bytes(0x80), 'truncated-frame'],
    ['varint that never ends', bytes(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff), 'truncated-frame'],
    ['sync without payload length', bytes(0, 2), 'truncated-frame'],
    ['length claim of 2^32', bytes(0, 2, 0x80, 0x80, 0x80, 0x80, 0x10, 1, 2), 'length-exceeds-frame'],
    ['length claim past the end', bytes(1, 5, 1, 2), 'length-exceeds-frame'],
    ['trailing bytes', bytes(3, 0), 'trailing-bytes'],
    ['trailing bytes after sync payload', bytes(0, 2, 1, 0, 9), 'trailing-bytes'],
  ])('%s', (_name, frame, error) => {
    expect(decodeClientMessage(frame)).toEqual({ ok: false, error })
  })
})

describe('decodeAwarenessUpdate rejects bad payloads', () => {
  test.each([
    ['count larger than the entries present', bytes(5, 1, 1, 2, 0x7b, 0x7d), 'truncated-frame'],
    ['state length past the end', bytes(1, 1, 1, 50, 0x7b), 'length-exceeds-frame'],
    ['state that is not JSON', bytes(1, 1, 1, 1, 0x7b), 'invalid-json'],
    ['trailing bytes', bytes(0, 1), 'trailing-bytes'],
  ])('%s', (_name, payload, error) => {
    expect(decodeAwarenessUpdate(payload)).toEqual({ ok: false, error })
  })

  test('entries re-encode to what y-protocols reads', () => {
    const payload = encodeAwarenessEntries([{ clientId: 42, clock: 3, state: { cursor: { x: 1 } } }])
    const doc = new Y.Doc()
    const awareness = new awarenessProtocol.Awareness(doc)
    awarenessProtocol.applyAwarenessUpdate(awareness, payload, 'test')
    expect(awareness.getStates().get(42)).toEqual({ cursor: { x: 1 } })
    awareness.destroy()
  })
})

describe('encoders produce what the stock client reads', () => {
  test('sync step 1, step 2 and update round-trip through y-protocols', () => {
    const source = docWithText('abc')
    const target = new Y.Doc()
    for (const frame of [encodeSyncStep2(Y.encodeStateAsUpdate(source)), encodeSyncUpdate(Y.encodeStateAsUpdate(source))]) {
      const decoder = decoding.createDecoder(frame)
      expect(decoding.readVarUint(decoder)).toBe(0)
      syncProtocol.readSyncMessage(decoder, encoding.createEncoder(), target, null)
    }
    expect(target.getText('t').toString()).toBe('abc')
    const step1 = decoding.createDecoder(encodeSyncStep1(Y.encodeStateVector(target)))
    expect(decoding.readVarUint(step1)).toBe(0)
    const reply = encoding.createEncoder()
    syncProtocol.readSyncMessage(step1, reply, source, null)
    expect(encoding.length(reply)).toBeGreaterThan(0)
  })

  test('permission denied carries its reason', () => {
    const decoder = decoding.createDecoder(encodePermissionDenied('observers cannot change the board'))
    expect(decoding.readVarUint(decoder)).toBe(2)
    let reason = ''
    authProtocol.readAuthMessage(decoder, new Y.Doc(), (_doc, r) => (reason = r))
    expect(reason).toBe('observers cannot change the board')
  })

  test('isEmptyUpdate recognises the update of an empty document only', () => {
    expect(isEmptyUpdate(Y.encodeStateAsUpdate(new Y.Doc()))).toBe(true)
    expect(isEmptyUpdate(Y.encodeStateAsUpdate(docWithText('x')))).toBe(false)
  })
})
