/**
 * A lightweight board client for the relay benchmarks: one raw `ws` socket speaking the
 * y-websocket protocol (y-protocols sync framing, awareness as y-websocket sends it), without the
 * WebsocketProvider's timers and without applying other clients' updates. Thousands fit in one
 * load-generator process.
 *
 * Each client's Y.Doc holds only its own edits: it sets one key of the `bench` map (its own) with
 * a `sentAt` timestamp, so its updates only ever depend on its own earlier items and the relay
 * accepts them without the client having applied anyone else's. A client with `observe` set
 * decodes every relayed update and reports, for each other client's edit in it, the delay between
 * its `sentAt` and now (same process, same `performance.now()` clock).
 *
 * @example
 *   const client = new RawBoardClient({ wsUrl, boardId, token, observe: (ms) => samples.push(ms) })
 *   await client.synced
 *   client.edit()
 */
import * as Y from 'yjs'
import WebSocket from 'ws'
import * as encoding from 'lib0/encoding'
import * as decoding from 'lib0/decoding'
import { MessageType, SyncMessageType } from '../../shared/protocol/messages'

export const BENCH_MAP = 'bench'

export interface RawBoardClientOptions {
  /** Base websocket URL of the relay, e.g. ws://127.0.0.1:8080/sync */
  wsUrl: string
  boardId: string
  token: string
  /** Called with the delivery delay (ms) of each other client's edit this client receives. */
  observe?: (delayMs: number) => void
  /** Called when the socket closes, with the close code. */
  onClose?: (code: number) => void
}

interface EditPayload {
  sentAt: number
  seq: number
}

function frame(write: (encoder: encoding.Encoder) => void): Uint8Array {
  const encoder = encoding.createEncoder()
  write(encoder)
  return encoding.toUint8Array(encoder)
}

export class RawBoardClient {
  readonly doc = new Y.Doc()
  /** Resolves once the relay has answered this client's sync step 1. */
  readonly synced: Promise<void>
  framesReceived = 0
  bytesReceived = 0
  private readonly ws: WebSocket
  private readonly map: Y.Map<EditPayload>
  private readonly key: string
  private awarenessClock = 0
  private editSeq = 0
  private isSynced = false
  private markSynced!: () => void

  constructor(private readonly options: RawBoardClientOptions) {
    this.map = this.doc.getMap<EditPayload>(BENCH_MAP)
    this.key = `c${this.doc.clientID}`
    this.ws = new WebSocket(`${options.wsUrl}/${options.boardId}?token=${encodeURIComponent(options.token)}`, {
      perMessageDeflate: false,
    })
    this.ws.binaryType = 'nodebuffer'
    this.synced = new Promise((resolve, reject) => {
      this.markSynced = resolve
      this.ws.on('error', reject)
      this.ws.once('close', (code) => {
        if (!this.isSynced) reject(new Error(`closed with ${code} before syncing`))
        options.onClose?.(code)
      })
    })
    // Local edits leave as sync update messages, exactly as y-websocket sends them.
    this.doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin === this) return
      this.send(
        frame((encoder) => {
          encoding.writeVarUint(encoder, MessageType.sync)
          encoding.writeVarUint(encoder, SyncMessageType.update)
          encoding.writeVarUint8Array(encoder, update)
        }),
      )
    })
    this.ws.on('open', () => {
      this.send(
        frame((encoder) => {
          encoding.writeVarUint(encoder, MessageType.sync)
          encoding.writeVarUint(encoder, SyncMessageType.step1)
          encoding.writeVarUint8Array(encoder, Y.encodeStateVector(this.doc))
        }),
      )
    })
    this.ws.on('message', (data: Buffer) => this.receive(new Uint8Array(data.buffer, data.byteOffset, data.byteLength)))
  }

  get isOpen(): boolean {
    return this.ws.readyState === WebSocket.OPEN
  }

  /** One small edit: sets this client's key to a fresh timestamp. */
  edit(): void {
    this.map.set(this.key, { sentAt: performance.now(), seq: this.editSeq++ })
  }

  /** Announces (or renews) this client's presence, as y-websocket does every 15 s. */
  sendAwareness(state: Record<string, unknown>): void {
    const update = frame((encoder) => {
      encoding.writeVarUint(encoder, 1)
      encoding.writeVarUint(encoder, this.doc.clientID)
      encoding.writeVarUint(encoder, ++this.awarenessClock)
      encoding.writeVarString(encoder, JSON.stringify(state))
    })
    this.send(
      frame((encoder) => {
        encoding.writeVarUint(encoder, MessageType.awareness)
        encoding.writeVarUint8Array(encoder, update)
      }),
    )
  }

  close(): void {
    this.ws.close(1000)
  }

  private send(bytes: Uint8Array): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(bytes)
  }

  private receive(bytes: Uint8Array): void {
    this.framesReceived++
    this.bytesReceived += bytes.length
    const decoder = decoding.createDecoder(bytes)
    if (decoding.readVarUint(decoder) !== MessageType.sync) return
    const syncType = decoding.readVarUint(decoder)
    const payload = decoding.readVarUint8Array(decoder)
    switch (syncType) {
      case SyncMessageType.step1:
        // The relay asks for what we have: our own edits only.
        this.send(
          frame((encoder) => {
            encoding.writeVarUint(encoder, MessageType.sync)
            encoding.writeVarUint(encoder, SyncMessageType.step2)
            encoding.writeVarUint8Array(encoder, Y.encodeStateAsUpdate(this.doc, payload))
          }),
        )
        return
      case SyncMessageType.step2:
        // The board's state so far; the benchmark does not need it applied.
        this.isSynced = true
        this.markSynced()
        return
      case SyncMessageType.update:
        if (this.options.observe) this.observeUpdate(payload)
        return
    }
  }

  private observeUpdate(update: Uint8Array): void {
    const now = performance.now()
    for (const struct of Y.decodeUpdate(update).structs) {
      if (!(struct instanceof Y.Item) || !(struct.content instanceof Y.ContentAny)) continue
      if (struct.id.client === this.doc.clientID) continue
      const payload = struct.content.arr[0] as EditPayload | undefined
      if (payload && typeof payload.sentAt === 'number') this.options.observe!(now - payload.sentAt)
    }
  }
}
