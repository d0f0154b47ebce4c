/**
 * One board member of the side-by-side benchmark's load generator: a raw `ws` socket speaking the
 * y-websocket protocol (y-protocols sync framing; awareness as y-websocket sends it), with its own
 * Y.Doc holding only its own records. It does not apply what others send (a WebsocketProvider
 * would integrate every update into a Y.Doc: at 76,000 deliveries a second that is several cores
 * of work for the generator, more than the servers it measures); it finds the send stamps in the
 * received bytes instead (./records.ts). Its own records only ever depend on its own earlier
 * items, so every server accepts them without the member having seen anyone else's.
 *
 * @example
 *   const member = new RawMember({ url, onStamp: (stamp, at) => ... })
 *   await member.synced
 *   member.edit(0, [index, seq, window, performance.now()])
 */
import * as Y from 'yjs'
import WebSocket from 'ws'
import * as encoding from 'lib0/encoding'
import * as decoding from 'lib0/decoding'
import { findStamps, RECORDS_MAP, recordKey, shapeRecord, type Stamp } from './records'

const MESSAGE_SYNC = 0
const MESSAGE_AWARENESS = 1
const MESSAGE_AUTH = 2
const SYNC_STEP1 = 0
const SYNC_STEP2 = 1
const SYNC_UPDATE = 2

export interface RawMemberOptions {
  /** The full websocket URL: ws://host:port/sync/<docName>?token=… */
  url: string
  /** This member's index on its board (the `from` in its stamps). */
  index: number
  /** Called for every stamp of another member's edit this member receives, with the receive time. */
  onStamp?: (stamp: Stamp, receivedAt: number) => void
  onClose?: (code: number) => void
}

function frame(write: (encoder: encoding.Encoder) => void): Uint8Array {
  const encoder = encoding.createEncoder()
  write(encoder)
  return encoding.toUint8Array(encoder)
}

export function syncFrame(kind: number, payload: Uint8Array): Uint8Array {
  return frame((encoder) => {
    encoding.writeVarUint(encoder, MESSAGE_SYNC)
    encoding.writeVarUint(encoder, kind)
    encoding.writeVarUint8Array(encoder, payload)
  })
}

export class RawMember {
  readonly doc = new Y.Doc()
  /** Resolves once the server has answered this member's sync step 1 (sync step 2 arrived). */
  readonly synced: Promise<void>
  /** The last sync step 2 the server sent (the board's state when this member asked). */
  lastStep2: Uint8Array | null = null
  /** Every sync step 2 received, in order (a server may answer in parts, e.g. stored bytes first). */
  readonly step2s: Uint8Array[] = []
  permissionDenied: string | null = null
  private readonly ws: WebSocket
  private readonly records: Y.Map<unknown>
  private awarenessClock = 0
  private isSynced = false
  private markSynced!: () => void
  private step2Waiters: Array<{ resolve: (state: Uint8Array) => void; reject: (error: Error) => void }> = []

  constructor(private readonly options: RawMemberOptions) {
    this.records = this.doc.getMap(RECORDS_MAP)
    this.ws = new WebSocket(options.url, { perMessageDeflate: false })
    this.ws.binaryType = 'nodebuffer'
    this.synced = new Promise((resolve, reject) => {
      this.markSynced = resolve
      this.ws.on('error', reject)
      this.ws.once('close', (code) => {
        if (!this.isSynced) reject(new Error(`closed with ${code} before syncing${this.permissionDenied ? `: ${this.permissionDenied}` : ''}`))
        for (const waiter of this.step2Waiters.splice(0)) waiter.reject(new Error(`closed with ${code}`))
        options.onClose?.(code)
      })
    })
    this.synced.catch(() => {})
    // Local edits leave as sync update messages, exactly as y-websocket sends them.
    this.doc.on('update', (update: Uint8Array) => this.send(syncFrame(SYNC_UPDATE, update)))
    this.ws.on('open', () => this.send(syncFrame(SYNC_STEP1, Y.encodeStateVector(this.doc))))
    this.ws.on('message', (data: Buffer) => this.receive(data))
  }

  get isOpen(): boolean {
    return this.ws.readyState === WebSocket.OPEN
  }

  /** Sets one of this member's shapes to a fresh record carrying `stamp`. */
  edit(shape: number, stamp: Stamp): void {
    this.records.set(recordKey(this.options.index, shape), shapeRecord(this.options.index, shape, stamp))
  }

  /** Sends an update made elsewhere (e.g. a prepared board's content) as a sync update. */
  sendUpdate(update: Uint8Array): void {
    this.send(syncFrame(SYNC_UPDATE, update))
  }

  /** Asks the server for what it has that this member lacks (sync step 1); resolves with its answer. */
  roundTrip(): Promise<Uint8Array> {
    return new Promise((resolve, reject) => {
      if (!this.isOpen) return reject(new Error('not connected'))
      this.step2Waiters.push({ resolve, reject })
      this.send(syncFrame(SYNC_STEP1, Y.encodeStateVector(this.doc)))
    })
  }

  /**
   * Resolves once the server's state holds everything in `update` (sent with sendUpdate). A server
   * may answer a sync step 1 before it has applied an update sent earlier (ours screens updates off
   * the main thread first), so this asks again until the answer shows it.
   */
  async untilServerHolds(update: Uint8Array, timeoutMs = 60_000): Promise<void> {
    const wanted = Y.decodeStateVector(Y.encodeStateVectorFromUpdate(update))
    const deadline = performance.now() + timeoutMs
    for (;;) {
      const held = Y.decodeStateVector(Y.encodeStateVectorFromUpdate(await this.roundTrip()))
      if ([...wanted].every(([client, clock]) => (held.get(client) ?? 0) >= clock)) return
      if (performance.now() > deadline) throw new Error(`the server did not take the update within ${timeoutMs} ms`)
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  }

  /** Announces (or renews) this member's presence, as y-websocket does every 15 s. */
  sendAwareness(state: Record<string, unknown>): void {
    const update = frame((encoder) => {
      encoding.writeVarUint(encoder, 1)
      encoding.writeVarUint(encoder, this.doc.clientID)
      encoding.writeVarUint(encoder, ++this.awarenessClock)
      encoding.writeVarString(encoder, JSON.stringify(state))
    })
    this.send(
      frame((encoder) => {
        encoding.writeVarUint(encoder, MESSAGE_AWARENESS)
        encoding.writeVarUint8Array(encoder, update)
      }),
    )
  }

  close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return Promise.resolve()
    return new Promise((resolve) => {
      this.ws.once('close', () => resolve())
      this.ws.close(1000)
    })
  }

  private send(bytes: Uint8Array): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(bytes)
  }

  private receive(data: Buffer): void {
    const receivedAt = performance.now()
    const decoder = decoding.createDecoder(data)
    const type = decoding.readVarUint(decoder)
    if (type === MESSAGE_AUTH) {
      if (decoding.readVarUint(decoder) === 0) this.permissionDenied = decoding.readVarString(decoder)
      return
    }
    if (type !== MESSAGE_SYNC) return
    switch (decoding.readVarUint(decoder)) {
      case SYNC_STEP1:
        // The server asks for what we have: our own records only.
        this.send(syncFrame(SYNC_STEP2, Y.encodeStateAsUpdate(this.doc, decoding.readVarUint8Array(decoder))))
        return
      case SYNC_STEP2:
        this.lastStep2 = decoding.readVarUint8Array(decoder)
        this.step2s.push(this.lastStep2)
        if (!this.isSynced) {
          this.isSynced = true
          this.markSynced()
        }
        this.step2Waiters.shift()?.resolve(this.lastStep2)
        return
      case SYNC_UPDATE: {
        const onStamp = this.options.onStamp
        if (onStamp) findStamps(data, (stamp) => stamp[0] !== this.options.index && onStamp(stamp, receivedAt))
        return
      }
    }
  }
}
