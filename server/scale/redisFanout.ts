/**
 * Several instances as one service, through Redis pub/sub: one channel per loaded document
 * (`tt:doc:<docName>`), which an instance subscribes to while it has the document loaded, and one
 * for board events (`tt:events`: someone renamed themselves, a link was replaced, a board deleted). Pub/sub rather than streams:
 * every update is already committed to the shared database before it is published, so Redis only
 * has to carry it to the instances listening now; an instance that missed messages (Redis went
 * away, or it is slow) catches up from storage, which is the record, not from a Redis log.
 *
 * Redis going away: each instance keeps serving its own connections, logs it, ioredis reconnects
 * with backoff, and once Redis is back every loaded document catches up from storage and every
 * instance republishes its connections' presence, so members on different instances converge.
 *
 * Message: one byte of kind (0 update, 1 awareness, 2 event), the 16-byte id of the sending
 * instance (an instance ignores its own), then the payload.
 *
 * @example
 *   const fanout = await RedisFanout.connect('redis://127.0.0.1:6379', log)
 *   context.fanout = fanout
 */
import { randomBytes } from 'node:crypto'
import { Redis } from 'ioredis'
import type { Logger } from 'pino'
import type { BoardDocument } from '../relay/boardDocument'
import type { DocumentFanout } from '../relay/fanout'
import { z } from 'zod'
import { BOARD_ROLES } from '../../shared/board/roles'
import { isValidBoardId } from '../../shared/board/boardId'

const KIND_UPDATE = 0
const KIND_AWARENESS = 1
const KIND_EVENT = 2
const DOC_CHANNEL_PREFIX = 'tt:doc:'
const EVENTS_CHANNEL = 'tt:events'
const ID_BYTES = 16

/** Board events between instances, checked as they arrive: a bad one is logged and dropped. */
const BoardIdSchema = z.string().refine(isValidBoardId, 'not a board id')
const FanoutEventSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('person-changed'), boardId: BoardIdSchema, personId: z.string() }),
  z.object({ kind: z.literal('link-rotated'), boardId: BoardIdSchema, role: z.enum(BOARD_ROLES), version: z.number().int().nonnegative() }),
  z.object({ kind: z.literal('board-deleted'), boardId: BoardIdSchema }),
])
export type FanoutEvent = z.infer<typeof FanoutEventSchema>

export class RedisFanout implements DocumentFanout {
  private readonly instanceId = randomBytes(ID_BYTES)
  private readonly documents = new Map<string, BoardDocument>()
  private readonly eventListeners: Array<(event: FanoutEvent) => void> = []
  private connected = false
  private lostOnce = false

  private constructor(
    private readonly publisher: Redis,
    private readonly subscriber: Redis,
    private readonly log: Logger,
  ) {
    subscriber.on('messageBuffer', (channel: Buffer, message: Buffer) => this.receive(channel.toString(), message))
    for (const [name, client] of [
      ['publisher', publisher],
      ['subscriber', subscriber],
    ] as const) {
      client.on('error', (error: Error) => {
        if (this.connected || !this.lostOnce) this.log.warn({ err: error, connection: name }, 'redis connection trouble')
      })
    }
    subscriber.on('close', () => {
      if (!this.connected) return
      this.connected = false
      this.lostOnce = true
      this.log.error('redis went away: serving this instance’s connections alone until it is back')
    })
    subscriber.on('ready', () => {
      const returning = this.lostOnce
      this.connected = true
      if (returning) void this.catchUp()
    })
  }

  /** Connects both Redis connections (publishing, subscribing); rejects when Redis cannot be reached at start. */
  static async connect(url: string, log: Logger): Promise<RedisFanout> {
    const options = {
      // Reconnect with backoff, for ever: an instance outlives a Redis restart.
      retryStrategy: (times: number) => Math.min(2000, 50 * 2 ** Math.min(times, 6)),
      // Never queue publishes while Redis is away: what they carried is in storage, and catching up reads it there.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      lazyConnect: true,
    }
    const publisher = new Redis(url, options)
    const subscriber = new Redis(url, { ...options, enableOfflineQueue: true, maxRetriesPerRequest: null })
    await Promise.all([publisher.connect(), subscriber.connect()])
    const fanout = new RedisFanout(publisher, subscriber, log)
    fanout.connected = true
    await subscriber.subscribe(EVENTS_CHANNEL)
    return fanout
  }

  /** Whether Redis can be reached now (for /readyz). */
  get isConnected(): boolean {
    return this.connected && this.publisher.status === 'ready'
  }

  onEvent(listener: (event: FanoutEvent) => void): void {
    this.eventListeners.push(listener)
  }

  async join(document: BoardDocument): Promise<void> {
    this.documents.set(document.name, document)
    try {
      await this.subscriber.subscribe(DOC_CHANNEL_PREFIX + document.name)
    } catch (error) {
      // Redis is away: ioredis subscribes again when it is back, and the document catches up then.
      this.log.warn({ err: error, docName: document.name }, 'could not subscribe to the document’s channel')
    }
  }

  leave(document: BoardDocument): void {
    if (this.documents.get(document.name) !== document) return
    this.documents.delete(document.name)
    this.subscriber.unsubscribe(DOC_CHANNEL_PREFIX + document.name).catch(() => {})
  }

  publishUpdate(docName: string, update: Uint8Array): void {
    this.publish(DOC_CHANNEL_PREFIX + docName, KIND_UPDATE, update)
  }

  publishAwareness(docName: string, awarenessUpdate: Uint8Array): void {
    this.publish(DOC_CHANNEL_PREFIX + docName, KIND_AWARENESS, awarenessUpdate)
  }

  publishEvent(event: FanoutEvent): void {
    this.publish(EVENTS_CHANNEL, KIND_EVENT, Buffer.from(JSON.stringify(event)))
  }

  async close(): Promise<void> {
    this.documents.clear()
    this.connected = false
    this.publisher.disconnect()
    this.subscriber.disconnect()
  }

  private publish(channel: string, kind: number, payload: Uint8Array): void {
    if (!this.connected || this.publisher.status !== 'ready') return
    const message = Buffer.allocUnsafe(1 + ID_BYTES + payload.length)
    message[0] = kind
    this.instanceId.copy(message, 1)
    message.set(payload, 1 + ID_BYTES)
    this.publisher.publish(channel, message).catch(() => {
      // Lost with Redis: the other instances catch up from storage once it is back.
    })
  }

  private receive(channel: string, message: Buffer): void {
    if (message.length < 1 + ID_BYTES || this.instanceId.equals(message.subarray(1, 1 + ID_BYTES))) return
    const payload = new Uint8Array(message.buffer, message.byteOffset + 1 + ID_BYTES, message.length - 1 - ID_BYTES)
    const kind = message[0]
    try {
      if (kind === KIND_EVENT && channel === EVENTS_CHANNEL) {
        const event = FanoutEventSchema.parse(JSON.parse(Buffer.from(payload).toString('utf8')))
        for (const listener of this.eventListeners) listener(event)
        return
      }
      const document = channel.startsWith(DOC_CHANNEL_PREFIX) ? this.documents.get(channel.slice(DOC_CHANNEL_PREFIX.length)) : undefined
      if (!document) return
      if (kind === KIND_UPDATE) document.applyRemoteUpdate(payload)
      else if (kind === KIND_AWARENESS) document.applyRemoteAwareness(payload)
    } catch (error) {
      // Another instance of ours sent it; a bad message is a bug there, not a reason to stop.
      this.log.error({ err: error, channel }, 'a message from another instance could not be applied')
    }
  }

  /** After Redis came back: every loaded document catches up from storage, and our presence goes out again. */
  private async catchUp(): Promise<void> {
    const started = performance.now()
    const documents = [...this.documents.values()]
    await Promise.allSettled(
      documents.map(async (document) => {
        await document.catchUpFromStorage()
        const awareness = document.encodeLocalAwareness()
        if (awareness) this.publishAwareness(document.name, awareness)
      }),
    )
    this.log.info({ documents: documents.length, ms: Math.round(performance.now() - started) }, 'redis is back: documents caught up from storage')
  }
}
