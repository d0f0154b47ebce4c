/**
 * The relay's fast path for everyday edits: a bounded walk over a Yjs (v1) update's structure,
 * without decoding it into a document. An update this walk calls `plain` is small, every length
 * and count in it fits inside the bytes that remain, every struct and content kind is one whose
 * decoding costs no more than its size, nesting is shallow, and nothing trails it: decoding and
 * applying it cannot loop or allocate beyond its size, so the relay applies it on the main thread
 * at once. Anything else (large, unusual or malformed) is `unsure` and goes to the screening
 * worker (updateScreen.ts) as before, which alone decides whether it is malformed.
 *
 * Format (yjs UpdateDecoderV1): structs — client count, then per client a struct count, client
 * id, first clock, and the structs (info byte; GC/Skip with a length; items with origins, parent
 * and content by `info & 31`); then the delete set — client count, then per client a range
 * count and (clock, length) pairs.
 *
 * @example
 *   if (updateShape(update) === 'plain') Y.applyUpdate(doc, update)
 *   else await screen.check(update)
 */

/** Updates larger than this always go to the worker. */
export const FAST_PATH_MAX_BYTES = 16 * 1024
/** A length (of a GC, skip, deleted content or delete range) beyond this is unusual for one edit. */
const MAX_PLAIN_LENGTH = 1 << 20
const MAX_ANY_DEPTH = 16
const MAX_SAFE = Number.MAX_SAFE_INTEGER

export type UpdateShape = 'plain' | 'unsure'

class Unsure extends Error {}

class Reader {
  pos = 0
  constructor(readonly bytes: Uint8Array) {}

  get remaining(): number {
    return this.bytes.length - this.pos
  }

  uint8(): number {
    if (this.pos >= this.bytes.length) throw new Unsure()
    return this.bytes[this.pos++]
  }

  /** An unsigned varint of at most 53 bits (as lib0 writes them). */
  varUint(): number {
    let value = 0
    let multiplier = 1
    for (let i = 0; i < 8; i++) {
      const byte = this.uint8()
      value += (byte & 0x7f) * multiplier
      if (byte < 0x80) {
        if (value > MAX_SAFE) throw new Unsure()
        return value
      }
      multiplier *= 128
    }
    throw new Unsure()
  }

  /** An item id: client, then clock. */
  id(): void {
    this.varUint()
    this.varUint()
  }

  /** A signed varint (lib0 readVarInt: sign in the first byte's bit 6). */
  varInt(): void {
    let byte = this.uint8()
    for (let i = 0; byte & 0x80; i++) {
      if (i >= 8) throw new Unsure()
      byte = this.uint8()
    }
  }

  /** A count of things that each take at least one byte: never more than what remains. */
  count(): number {
    const n = this.varUint()
    if (n > this.remaining) throw new Unsure()
    return n
  }

  length(): number {
    const n = this.varUint()
    if (n > MAX_PLAIN_LENGTH) throw new Unsure()
    return n
  }

  skip(n: number): void {
    if (n > this.remaining) throw new Unsure()
    this.pos += n
  }

  /** A length-prefixed byte string (strings are UTF-8 inside). */
  bytesField(): void {
    this.skip(this.varUint())
  }

  jsonString(): void {
    const length = this.varUint()
    if (length > this.remaining) throw new Unsure()
    const text = new TextDecoder('utf-8', { fatal: true }).decode(this.bytes.subarray(this.pos, this.pos + length))
    this.pos += length
    try {
      JSON.parse(text)
    } catch {
      throw new Unsure()
    }
  }

  /** lib0's readAny, bounded in depth. */
  any(depth: number): void {
    if (depth > MAX_ANY_DEPTH) throw new Unsure()
    const type = this.uint8()
    switch (type) {
      case 127: // undefined
      case 126: // null
      case 121: // false
      case 120: // true
        return
      case 125:
        this.varInt()
        return
      case 124:
        this.skip(4)
        return
      case 123:
      case 122:
        this.skip(8)
        return
      case 119:
      case 116:
        this.bytesField()
        return
      case 118: {
        const entries = this.count()
        for (let i = 0; i < entries; i++) {
          this.bytesField()
          this.any(depth + 1)
        }
        return
      }
      case 117: {
        const items = this.count()
        for (let i = 0; i < items; i++) this.any(depth + 1)
        return
      }
      default:
        throw new Unsure()
    }
  }
}

const BIT6 = 32
const BIT7 = 64
const BIT8 = 128

function readContent(reader: Reader, info: number): void {
  switch (info & 31) {
    case 1: // deleted
      reader.length()
      return
    case 2: {
      // JSON: strings of JSON (or 'undefined')
      const n = reader.count()
      for (let i = 0; i < n; i++) reader.bytesField()
      return
    }
    case 3: // binary
    case 4: // string
      reader.bytesField()
      return
    case 5: // embed: JSON
      reader.jsonString()
      return
    case 6: // format: key, JSON
      reader.bytesField()
      reader.jsonString()
      return
    case 7: {
      // type: a type ref, and a node name for XML elements and hooks
      const typeRef = reader.varUint()
      if (typeRef > 6) throw new Unsure()
      if (typeRef === 3 || typeRef === 5) reader.bytesField()
      return
    }
    case 8: {
      // any
      const n = reader.count()
      for (let i = 0; i < n; i++) reader.any(0)
      return
    }
    default:
      // 9 (a subdocument) and anything unknown are for the worker to judge.
      throw new Unsure()
  }
}

function readStructs(reader: Reader): void {
  const clients = reader.count()
  for (let c = 0; c < clients; c++) {
    const structs = reader.count()
    const client = reader.varUint()
    let clock = reader.varUint()
    if (client > 0xffffffff) throw new Unsure()
    for (let s = 0; s < structs; s++) {
      const info = reader.uint8()
      const ref = info & 31
      if (ref === 0 || ref === 10) {
        clock += reader.length()
      } else {
        if (info & BIT8) reader.id() // origin
        if (info & BIT7) reader.id() // right origin
        if ((info & (BIT7 | BIT8)) === 0) {
          // The parent: a root type's name, or the id of the item that holds it.
          if (reader.varUint() === 1) reader.bytesField()
          else reader.id()
          if (info & BIT6) reader.bytesField()
        }
        readContent(reader, info)
      }
      if (clock > MAX_SAFE) throw new Unsure()
    }
  }
}

function readDeleteSet(reader: Reader): void {
  const clients = reader.count()
  for (let c = 0; c < clients; c++) {
    if (reader.varUint() > 0xffffffff) throw new Unsure()
    const ranges = reader.count()
    for (let r = 0; r < ranges; r++) {
      reader.varUint()
      reader.length()
    }
  }
}

/** Whether an update is a plain everyday edit the main thread may apply at once. */
export function updateShape(update: Uint8Array): UpdateShape {
  if (update.length === 0 || update.length > FAST_PATH_MAX_BYTES) return 'unsure'
  const reader = new Reader(update)
  try {
    readStructs(reader)
    readDeleteSet(reader)
  } catch (error) {
    if (error instanceof Unsure || error instanceof TypeError) return 'unsure'
    throw error
  }
  return reader.remaining === 0 ? 'plain' : 'unsure'
}
