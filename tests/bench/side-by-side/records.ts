/**
 * The records the side-by-side benchmark's members write, and how a receiver finds the send stamp
 * in the bytes it receives without applying the update.
 *
 * A record is shaped like a tldraw shape (about 200 bytes as JSON) and ends with
 * `stamp: [from, seq, window, sentAt]`: the sender's index on its board, its edit counter, the
 * measurement window the edit belongs to (0 = warm-up) and `performance.now()` at sending. In a
 * Yjs update (v1) a Y.Map value is written with lib0's `writeAny`, so the stamp appears as the
 * key `stamp` (a varString) followed by an array tag; `findStamps` looks for those bytes with
 * Buffer.indexOf (native) and decodes only the array behind each hit. However many edits a server
 * merged into one frame, each edit's stamp is in it once. tests/unit/benchRecords.test.ts checks
 * this against Y.decodeUpdate.
 *
 * @example
 *   members.set(recordKey(from, 0), shapeRecord(from, 0, [from, seq, window, performance.now()]))
 *   findStamps(frame, (stamp) => delays.push(performance.now() - stamp[3]))
 */
import * as decoding from 'lib0/decoding'

export const RECORDS_MAP = 'records'

/** [from, seq, window, sentAt] */
export type Stamp = [number, number, number, number]

const STAMP_KEY = 'stamp'
const ARRAY_TAG = 117
const STAMP_PATTERN = Buffer.from([STAMP_KEY.length, ...Buffer.from(STAMP_KEY), ARRAY_TAG])

export function recordKey(from: number, shape: number): string {
  return `shape:m${from}s${shape}`
}

/** A tldraw-like geo shape; `stamp` must stay the last key (see findStamps). */
export function shapeRecord(from: number, shape: number, stamp: Stamp): Record<string, unknown> {
  return {
    id: recordKey(from, shape),
    typeName: 'shape',
    type: 'geo',
    x: (stamp[1] * 37) % 1600,
    y: (stamp[1] * 53) % 900,
    index: `a${shape}`,
    parentId: 'page:page',
    props: { w: 160, h: 90, geo: 'rectangle', color: 'blue', fill: 'semi', text: 'A note' },
    stamp,
  }
}

/** Calls `found` for every stamp in a frame (any framing: it scans the bytes). */
export function findStamps(frame: Buffer, found: (stamp: Stamp) => void): void {
  let at = frame.indexOf(STAMP_PATTERN)
  while (at >= 0) {
    const decoder = decoding.createDecoder(frame)
    decoder.pos = at + STAMP_PATTERN.length - 1
    const value = decoding.readAny(decoder) as unknown
    if (Array.isArray(value) && value.length === 4 && value.every((part) => typeof part === 'number')) {
      found(value as Stamp)
    }
    at = frame.indexOf(STAMP_PATTERN, decoder.pos)
  }
}
