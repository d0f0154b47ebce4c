/**
 * The y-websocket wire protocol as pure functions over bytes: decoding what a client sends into a
 * typed message (or a named error), and encoding what the relay sends. No sockets, no documents
 * held here, so every rule can be unit-tested with byte arrays.
 *
 * Every frame from a client is treated as hostile: lengths are checked against what remains in
 * the frame, trailing bytes are an error, and nothing is allocated from a length claim.
 *
 * @example
 *   const result = decodeClientMessage(frame)
 *   if (!result.ok) connection.close(CloseCode.protocolError, result.error)
 */
import * as encoding from 'lib0/encoding'
import * as decoding from 'lib0/decoding'
import { AuthMessageType, MessageType, SyncMessageType } from '../../shared/protocol/messages'

export type ClientMessage =
  | { kind: 'syncStep1'; stateVector: Uint8Array }
  | { kind: 'syncStep2'; update: Uint8Array }
  | { kind: 'syncUpdate'; update: Uint8Array }
  | { kind: 'awareness'; update: Uint8Array }
  | { kind: 'queryAwareness' }

export type ProtocolErrorKind =
  | 'empty-frame'
  | 'unknown-message-type'
  | 'unknown-sync-message-type'
  | 'truncated-frame'
  | 'length-exceeds-frame'
  | 'trailing-bytes'
  | 'unexpected-auth-message'
  | 'malformed-state-vector'

export type DecodeResult = { ok: true; message: ClientMessage } | { ok: false; error: ProtocolErrorKind }

/** A varint that claims more bytes than remain, or does not end, within the frame. */
class TruncatedError extends Error {}

/** Reads an unsigned varint (at most 53 bits, as lib0 writes them) without trusting the input. */
function readBoundedVarUint(decoder: decoding.Decoder): number {
  const bytes = decoder.arr
  let value = 0
  let multiplier = 1
  for (let i = 0; i < 8; i++) {
    if (decoder.pos >= bytes.length) throw new TruncatedError()
    const byte = bytes[decoder.pos++]
    value += (byte & 0x7f) * multiplier
    if (byte < 0x80) return value
    multiplier *= 128
  }
  throw new TruncatedError()
}

function readBoundedBytes(decoder: decoding.Decoder): Uint8Array | 'length-exceeds-frame' {
  const length = readBoundedVarUint(decoder)
  const remaining = decoder.arr.length - decoder.pos
  if (length > remaining) return 'length-exceeds-frame'
  const view = decoder.arr.subarray(decoder.pos, decoder.pos + length)
  decoder.pos += length
  return view
}

/**
 * A state vector is a count, then that many (client id, clock) varint pairs, and nothing else.
 * Checked here because Yjs trusts it when computing what a client lacks.
 */
function isWellFormedStateVector(bytes: Uint8Array): boolean {
  const decoder = decoding.createDecoder(bytes)
  try {
    const count = readBoundedVarUint(decoder)
    // Each pair takes at least two bytes.
    if (count > (bytes.length - decoder.pos) / 2) return false
    for (let i = 0; i < count; i++) {
      const client = readBoundedVarUint(decoder)
      const clock = readBoundedVarUint(decoder)
      if (client > 0xffffffff || clock > Number.MAX_SAFE_INTEGER) return false
    }
    return decoder.pos === bytes.length
  } catch (error) {
    if (error instanceof TruncatedError) return false
    throw error
  }
}

/** Decodes one binary frame from a client. Never throws. */
export function decodeClientMessage(frame: Uint8Array): DecodeResult {
  if (frame.length === 0) return { ok: false, error: 'empty-frame' }
  const decoder = decoding.createDecoder(frame)
  try {
    const type = readBoundedVarUint(decoder)
    let message: ClientMessage
    switch (type) {
      case MessageType.sync: {
        const syncType = readBoundedVarUint(decoder)
        const payload = readBoundedBytes(decoder)
        if (payload === 'length-exceeds-frame') return { ok: false, error: payload }
        switch (syncType) {
          case SyncMessageType.step1:
            if (!isWellFormedStateVector(payload)) return { ok: false, error: 'malformed-state-vector' }
            message = { kind: 'syncStep1', stateVector: payload }
            break
          case SyncMessageType.step2:
            message = { kind: 'syncStep2', update: payload }
            break
          case SyncMessageType.update:
            message = { kind: 'syncUpdate', update: payload }
            break
          default:
            return { ok: false, error: 'unknown-sync-message-type' }
        }
        break
      }
      case MessageType.awareness: {
        const payload = readBoundedBytes(decoder)
        if (payload === 'length-exceeds-frame') return { ok: false, error: payload }
        message = { kind: 'awareness', update: payload }
        break
      }
      case MessageType.queryAwareness:
        message = { kind: 'queryAwareness' }
        break
      case MessageType.auth:
        return { ok: false, error: 'unexpected-auth-message' }
      default:
        return { ok: false, error: 'unknown-message-type' }
    }
    if (decoder.pos !== frame.length) return { ok: false, error: 'trailing-bytes' }
    return { ok: true, message }
  } catch (error) {
    if (error instanceof TruncatedError) return { ok: false, error: 'truncated-frame' }
    throw error
  }
}

export interface AwarenessEntry {
  clientId: number
  clock: number
  /** The parsed state; `null` means the client removed its state. */
  state: unknown
}

export type AwarenessDecodeResult =
  | { ok: true; entries: AwarenessEntry[] }
  | { ok: false; error: 'truncated-frame' | 'length-exceeds-frame' | 'trailing-bytes' | 'invalid-json' }

/** Decodes the payload of an awareness message (y-protocols' encoding). Never throws. */
export function decodeAwarenessUpdate(update: Uint8Array): AwarenessDecodeResult {
  const decoder = decoding.createDecoder(update)
  const entries: AwarenessEntry[] = []
  try {
    const count = readBoundedVarUint(decoder)
    for (let i = 0; i < count; i++) {
      // Each entry takes at least three bytes; a larger count than that cannot be honest.
      if (decoder.pos >= update.length) return { ok: false, error: 'truncated-frame' }
      const clientId = readBoundedVarUint(decoder)
      const clock = readBoundedVarUint(decoder)
      const stateBytes = readBoundedBytes(decoder)
      if (stateBytes === 'length-exceeds-frame') return { ok: false, error: stateBytes }
      let state: unknown
      try {
        state = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(stateBytes))
      } catch {
        return { ok: false, error: 'invalid-json' }
      }
      entries.push({ clientId, clock, state })
    }
    if (decoder.pos !== update.length) return { ok: false, error: 'trailing-bytes' }
    return { ok: true, entries }
  } catch (error) {
    if (error instanceof TruncatedError) return { ok: false, error: 'truncated-frame' }
    throw error
  }
}

/** Encodes awareness entries the way y-protocols does, e.g. to pass on only some of a message. */
export function encodeAwarenessEntries(entries: AwarenessEntry[]): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, entries.length)
  for (const entry of entries) {
    encoding.writeVarUint(encoder, entry.clientId)
    encoding.writeVarUint(encoder, entry.clock)
    encoding.writeVarString(encoder, JSON.stringify(entry.state))
  }
  return encoding.toUint8Array(encoder)
}

function encodeSync(syncType: number, payload: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, MessageType.sync)
  encoding.writeVarUint(encoder, syncType)
  encoding.writeVarUint8Array(encoder, payload)
  return encoding.toUint8Array(encoder)
}

export function encodeSyncStep1(stateVector: Uint8Array): Uint8Array {
  return encodeSync(SyncMessageType.step1, stateVector)
}

export function encodeSyncStep2(update: Uint8Array): Uint8Array {
  return encodeSync(SyncMessageType.step2, update)
}

export function encodeSyncUpdate(update: Uint8Array): Uint8Array {
  return encodeSync(SyncMessageType.update, update)
}

export function encodeAwarenessMessage(awarenessUpdate: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, MessageType.awareness)
  encoding.writeVarUint8Array(encoder, awarenessUpdate)
  return encoding.toUint8Array(encoder)
}

/** The y-protocols auth message that tells a client it may not do what it tried. */
export function encodePermissionDenied(reason: string): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, MessageType.auth)
  encoding.writeVarUint(encoder, AuthMessageType.permissionDenied)
  encoding.writeVarString(encoder, reason)
  return encoding.toUint8Array(encoder)
}

/** An empty Yjs update (no structs, empty delete set), as clients send in sync step 2 when they have nothing new. */
export function isEmptyUpdate(update: Uint8Array): boolean {
  return update.length === 2 && update[0] === 0 && update[1] === 0
}
