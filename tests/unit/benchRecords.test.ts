/**
 * The side-by-side benchmark finds each edit's send stamp in the bytes a member receives
 * (tests/bench/side-by-side/records.ts) instead of applying the update. These tests hold that
 * reading to what Y.decodeUpdate says, for single updates, for updates merged the way relays merge
 * them, and inside a y-websocket sync frame.
 */
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { findStamps, RECORDS_MAP, recordKey, shapeRecord, type Stamp } from '../bench/side-by-side/records'
import { syncFrame } from '../bench/side-by-side/member'

function memberUpdates(from: number, edits: number): { updates: Uint8Array[]; stamps: Stamp[] } {
  const doc = new Y.Doc()
  const updates: Uint8Array[] = []
  const stamps: Stamp[] = []
  doc.on('update', (update: Uint8Array) => updates.push(update))
  for (let seq = 0; seq < edits; seq++) {
    const stamp: Stamp = [from, seq, 1, performance.now() + seq / 3]
    stamps.push(stamp)
    doc.getMap(RECORDS_MAP).set(recordKey(from, seq % 4), shapeRecord(from, seq % 4, stamp))
  }
  return { updates, stamps }
}

function decodedStamps(update: Uint8Array): Stamp[] {
  return Y.decodeUpdate(update)
    .structs.filter((struct): struct is Y.Item => struct instanceof Y.Item && struct.content instanceof Y.ContentAny)
    .flatMap((item) => (item.content as Y.ContentAny).arr.map((value) => (value as { stamp: Stamp }).stamp))
}

function scanned(bytes: Uint8Array): Stamp[] {
  const found: Stamp[] = []
  findStamps(Buffer.from(bytes), (stamp) => found.push(stamp))
  return found
}

describe('bench records', () => {
  it('a record is about 200 bytes of JSON', () => {
    const json = JSON.stringify(shapeRecord(12, 3, [12, 345, 1, 12345.678]))
    expect(json.length).toBeGreaterThan(180)
    expect(json.length).toBeLessThan(240)
  })

  it('finds the stamp of a single update, as Y.decodeUpdate reads it', () => {
    const { updates, stamps } = memberUpdates(3, 1)
    expect(scanned(updates[0])).toEqual(stamps)
    expect(decodedStamps(updates[0])).toEqual(stamps)
  })

  it("finds every stamp of many members' updates merged into one, in each sender's order", () => {
    const members = [memberUpdates(0, 7), memberUpdates(1, 5), memberUpdates(2, 9)]
    const merged = Y.mergeUpdates(members.flatMap((member) => member.updates))
    const found = scanned(merged)
    expect(found).toHaveLength(21)
    expect([...found].sort()).toEqual([...decodedStamps(merged)].sort())
    for (const [from, member] of members.entries()) {
      expect(found.filter((stamp) => stamp[0] === from)).toEqual(member.stamps)
    }
  })

  it('finds stamps inside a y-websocket sync update frame', () => {
    const { updates, stamps } = memberUpdates(5, 3)
    expect(scanned(syncFrame(2, Y.mergeUpdates(updates)))).toEqual(stamps)
  })
})
