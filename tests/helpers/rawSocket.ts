/**
 * Hostile clients for attack tests: a raw `ws` client that sends whatever bytes it is given and
 * records how the server answered (HTTP status of a refused upgrade, messages, close code), a
 * hand-written websocket handshake over a bare TCP socket for what the `ws` client will not send
 * (unnormalized paths, frames glued to the upgrade request, broken framing), builders for
 * y-websocket frames, and a small seeded PRNG so a fuzz run can be replayed from its seed.
 *
 * @example
 *   const raw = await openRawClient(`${server.wsUrl}/${board.id}?token=${token}`)
 *   raw.send(Buffer.from([0xff]))
 *   expect((await raw.closed).code).toBe(CloseCode.protocolError)
 */
import { connect } from 'node:net'
import { randomBytes } from 'node:crypto'
import WebSocket from 'ws'
import * as encoding from 'lib0/encoding'
import * as decoding from 'lib0/decoding'
import { MessageType, SyncMessageType } from '../../shared/protocol/messages'

/** mulberry32: a tiny seeded PRNG with a uniform float in [0, 1). */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

// ---------------------------------------------------------------------------------------------
// y-websocket frames

function syncFrame(syncType: number, payload: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, MessageType.sync)
  encoding.writeVarUint(encoder, syncType)
  encoding.writeVarUint8Array(encoder, payload)
  return encoding.toUint8Array(encoder)
}

export const frames = {
  syncStep1: (stateVector: Uint8Array) => syncFrame(SyncMessageType.step1, stateVector),
  syncStep2: (update: Uint8Array) => syncFrame(SyncMessageType.step2, update),
  syncUpdate: (update: Uint8Array) => syncFrame(SyncMessageType.update, update),
  awareness: (awarenessUpdate: Uint8Array) => {
    const encoder = encoding.createEncoder()
    encoding.writeVarUint(encoder, MessageType.awareness)
    encoding.writeVarUint8Array(encoder, awarenessUpdate)
    return encoding.toUint8Array(encoder)
  },
  queryAwareness: () => Uint8Array.of(MessageType.queryAwareness),
}

export interface AwarenessClaim {
  clientId: number
  clock: number
  /** `null` removes the client's state. */
  state: unknown
}

/** An awareness update in y-protocols' encoding, for any client ids we like. */
export function encodeAwareness(entries: AwarenessClaim[]): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, entries.length)
  for (const entry of entries) {
    encoding.writeVarUint(encoder, entry.clientId)
    encoding.writeVarUint(encoder, entry.clock)
    encoding.writeVarString(encoder, JSON.stringify(entry.state))
  }
  return encoding.toUint8Array(encoder)
}

export type ServerMessage =
  | { kind: 'syncStep1'; stateVector: Uint8Array }
  | { kind: 'syncStep2' | 'syncUpdate'; update: Uint8Array }
  | { kind: 'awareness'; update: Uint8Array }
  | { kind: 'permissionDenied'; reason: string }
  | { kind: 'other'; bytes: Uint8Array }

/** Decodes a frame the relay sent (the relay is trusted here; this is test bookkeeping). */
export function decodeServerMessage(bytes: Uint8Array): ServerMessage {
  try {
    const decoder = decoding.createDecoder(bytes)
    const type = decoding.readVarUint(decoder)
    if (type === MessageType.sync) {
      const syncType = decoding.readVarUint(decoder)
      const payload = decoding.readVarUint8Array(decoder)
      if (syncType === SyncMessageType.step1) return { kind: 'syncStep1', stateVector: payload }
      return { kind: syncType === SyncMessageType.step2 ? 'syncStep2' : 'syncUpdate', update: payload }
    }
    if (type === MessageType.awareness) return { kind: 'awareness', update: decoding.readVarUint8Array(decoder) }
    if (type === MessageType.auth && decoding.readVarUint(decoder) === 0) {
      return { kind: 'permissionDenied', reason: decoding.readVarString(decoder) }
    }
  } catch {
    // fall through
  }
  return { kind: 'other', bytes }
}

// ---------------------------------------------------------------------------------------------
// A raw client on the `ws` package

export interface CloseEvent {
  code: number
  reason: string
  /** True when this side sent the close frame first. */
  byClient: boolean
}

export interface RawClient {
  ws: WebSocket
  /** Resolves when the socket is open; rejects when the upgrade is refused or fails. */
  opened: Promise<void>
  /** Resolves once the socket is closed, however that happened. */
  closed: Promise<CloseEvent>
  /** HTTP status when the upgrade was refused. */
  httpStatus: number | null
  messages: ServerMessage[]
  isOpen(): boolean
  send(frame: Uint8Array | string): void
  close(): void
}

export function createRawClient(url: string, options: { localAddress?: string; maxPayload?: number; headers?: Record<string, string> } = {}): RawClient {
  const ws = new WebSocket(url, {
    localAddress: options.localAddress,
    maxPayload: options.maxPayload ?? 256 * 1024 * 1024,
    perMessageDeflate: false,
    headers: options.headers,
  })
  const messages: ServerMessage[] = []
  let byClient = false
  let httpStatus: number | null = null
  const client: RawClient = {
    ws,
    opened: new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve())
      ws.once('unexpected-response', (_request, response) => {
        httpStatus = response.statusCode ?? null
        client.httpStatus = httpStatus
        response.resume()
        reject(new Error(`upgrade refused with HTTP ${httpStatus}`))
        ws.terminate()
      })
      ws.once('error', (error) => reject(error))
    }),
    closed: new Promise<CloseEvent>((resolve) => {
      ws.once('close', (code, reason) => resolve({ code, reason: reason.toString(), byClient }))
    }),
    httpStatus,
    messages,
    isOpen: () => ws.readyState === WebSocket.OPEN,
    send: (frame) => {
      if (ws.readyState !== WebSocket.OPEN) return
      if (typeof frame === 'string') ws.send(frame)
      else ws.send(frame, { binary: true })
    },
    close: () => {
      byClient = true
      if (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING) ws.close(1000)
    },
  }
  // Errors after a refused upgrade or a server close are expected; they are read from `closed`.
  ws.on('error', () => {})
  client.opened.catch(() => {})
  ws.on('message', (data, isBinary) => {
    if (isBinary) messages.push(decodeServerMessage(new Uint8Array(data as Buffer)))
  })
  return client
}

/** Opens a raw client and waits until it is open. */
export async function openRawClient(url: string, options: { localAddress?: string } = {}): Promise<RawClient> {
  const client = createRawClient(url, options)
  await client.opened
  return client
}

/** Resolves with the close event, or rejects after `timeoutMs`. */
export function closedWithin(client: RawClient, timeoutMs = 5000): Promise<CloseEvent> {
  return Promise.race([
    client.closed,
    new Promise<CloseEvent>((_, reject) => setTimeout(() => reject(new Error(`not closed within ${timeoutMs} ms`)), timeoutMs)),
  ])
}

// ---------------------------------------------------------------------------------------------
// A hand-made handshake over TCP

export interface WsFrameOptions {
  opcode: number
  payload: Uint8Array
  fin?: boolean
  /** RSV1-3 bits, 0-7. */
  rsv?: number
  mask?: boolean
  /** Length written in the header instead of the payload's (a lie). */
  declaredLength?: bigint
}

/** Encodes one websocket frame as a client would (masked unless told otherwise). */
export function encodeWsFrame(options: WsFrameOptions): Buffer {
  const { opcode, payload, fin = true, rsv = 0, mask = true } = options
  const length = options.declaredLength ?? BigInt(payload.length)
  const header: number[] = [(fin ? 0x80 : 0) | ((rsv & 7) << 4) | (opcode & 0x0f)]
  const maskBit = mask ? 0x80 : 0
  if (length < 126n) header.push(maskBit | Number(length))
  else if (length < 65536n) header.push(maskBit | 126, Number(length >> 8n) & 0xff, Number(length) & 0xff)
  else {
    header.push(maskBit | 127)
    for (let shift = 56n; shift >= 0n; shift -= 8n) header.push(Number((length >> shift) & 0xffn))
  }
  if (!mask) return Buffer.concat([Buffer.from(header), Buffer.from(payload)])
  const key = randomBytes(4)
  const masked = Buffer.from(payload)
  for (let i = 0; i < masked.length; i++) masked[i] ^= key[i % 4]
  return Buffer.concat([Buffer.from(header), key, masked])
}

export const WsOpcode = { text: 1, binary: 2, close: 8, ping: 9, pong: 10 } as const

export interface RawUpgradeResult {
  /** HTTP status of the answer to the upgrade request (101 when accepted). */
  status: number
  messages: ServerMessage[]
  closeCode: number | null
  closeReason: string
  /** Milliseconds from sending the request to the close frame (or the end of the socket). */
  elapsedMs: number
}

/**
 * Sends a websocket upgrade request for exactly `path` (no URL normalization) over a bare TCP
 * socket, followed at once by `framesAfter` (pre-encoded frames, sent in the same write so they reach the
 * server before it has admitted the connection). Resolves when the server sends a close frame,
 * ends the socket, or `timeoutMs` passes.
 */
export function rawUpgrade(options: {
  port: number
  path: string
  framesAfter?: Buffer
  localAddress?: string
  timeoutMs?: number
}): Promise<RawUpgradeResult> {
  const started = Date.now()
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port: options.port, localAddress: options.localAddress })
    let buffered = Buffer.alloc(0)
    let status = 0
    const messages: ServerMessage[] = []
    let closeCode: number | null = null
    let closeReason = ''
    let done = false
    const finish = () => {
      if (done) return
      done = true
      clearTimeout(timer)
      socket.destroy()
      resolve({ status, messages, closeCode, closeReason, elapsedMs: Date.now() - started })
    }
    const timer = setTimeout(finish, options.timeoutMs ?? 5000)
    socket.on('connect', () => {
      const request =
        `GET ${options.path} HTTP/1.1\r\nHost: 127.0.0.1:${options.port}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n` +
        `Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\n\r\n`
      socket.write(options.framesAfter ? Buffer.concat([Buffer.from(request, 'latin1'), options.framesAfter]) : request)
    })
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk])
      if (status === 0) {
        const end = buffered.indexOf('\r\n\r\n')
        if (end < 0) return
        status = Number(/^HTTP\/1\.1 (\d{3})/.exec(buffered.subarray(0, end).toString('latin1'))?.[1] ?? -1)
        buffered = buffered.subarray(end + 4)
        if (status !== 101) return finish()
      }
      // Server frames are never masked.
      for (;;) {
        if (buffered.length < 2) return
        const opcode = buffered[0] & 0x0f
        let length = buffered[1] & 0x7f
        let offset = 2
        if (length === 126) {
          if (buffered.length < 4) return
          length = buffered.readUInt16BE(2)
          offset = 4
        } else if (length === 127) {
          if (buffered.length < 10) return
          length = Number(buffered.readBigUInt64BE(2))
          offset = 10
        }
        if (buffered.length < offset + length) return
        const payload = buffered.subarray(offset, offset + length)
        buffered = buffered.subarray(offset + length)
        if (opcode === WsOpcode.binary) messages.push(decodeServerMessage(new Uint8Array(payload)))
        if (opcode === WsOpcode.close) {
          closeCode = payload.length >= 2 ? payload.readUInt16BE(0) : 1005
          closeReason = payload.subarray(2).toString()
          return finish()
        }
      }
    })
    socket.on('error', finish)
    socket.on('close', finish)
  })
}
