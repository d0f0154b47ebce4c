/**
 * One websocket connection to one board document, as a small state machine:
 *
 *   admitting --(authenticated, document loaded)--> open --(close)--> closed
 *       \--(refused, or admission timed out)--> closed
 *
 * While admitting, frames are queued (up to a limit) and replayed once open. Every frame is
 * rate-limited, then decoded by the pure protocol functions; anything malformed closes the
 * connection with a named close code (see shared/protocol/messages.ts). Updates are screened off
 * the main thread before they touch the live document, in order per connection; everyday edits
 * whose shape is plain (updateShape.ts) need no worker and are applied at once.
 *
 * What the connection may write is its session's to say (see hooks.ts), asked when an update
 * arrives and again just before it is applied. A refused change is held, never swallowed: the
 * connection stays open and read-only, is told once (y-protocols auth message), and its changes
 * stay in the client. When writing is allowed again the relay sends sync step 1, and the client
 * answers with everything the server lacks.
 *
 * A connection that does not read what it is sent falls behind once MAX_BUFFERED_BYTES are
 * queued for it: changes and presence are no longer queued (memory stays bounded), and as soon
 * as it has read most of what was queued it is sent one catch-up of everything it skipped, so a
 * member on a slow link is never disconnected for it. One that stays behind longer than
 * SLOW_CONSUMER_TIMEOUT_MS is closed (4508) and resyncs when it reconnects.
 */
import type { Logger } from 'pino'
import { CloseCode } from '../../shared/protocol/messages'
import type { BoardDocument, DocumentPeer } from './boardDocument'
import type { RelayContext } from './context'
import type { ConnectionSession } from './hooks'
import type { RelaySocket } from './socket'
import { TokenBucket } from './tokenBucket'
import type { ScreenVerdict } from './updateScreen'
import { updateShape } from './updateShape'
import { decodeAwarenessUpdate, decodeClientMessage, encodePermissionDenied, encodeSyncStep2, isEmptyUpdate } from './protocol'

export type ConnectionState = 'admitting' | 'open' | 'closed'

/** How long a board's load waits for an answer sent before opening to leave (answerBeforeOpen). */
const EARLY_ANSWER_WAIT_MS = 250

/** A state vector that lists no client: its sender holds nothing of the document. */
function isEmptyStateVector(stateVector: Uint8Array): boolean {
  return stateVector.length === 1 && stateVector[0] === 0
}

/** How often a connection that fell behind is checked for having read what was queued. */
const BEHIND_POLL_MS = 25

export class RelayConnection implements DocumentPeer {
  private state: ConnectionState = 'admitting'
  private queued: Uint8Array[] = []
  private document: BoardDocument | null = null
  /** What the connection may do in its document; null until admitted. */
  private session: ConnectionSession | null = null
  private stopWatchingWrite: (() => void) | null = null
  /** A change of the client's was refused while writing was blocked: resync once it is allowed. */
  private holdingChanges = false
  /** The client has been told why its changes are refused, until writing is allowed again. */
  private toldRefusal = false
  private readonly closeListeners: Array<() => void> = []
  private readonly messageBucket: TokenBucket
  private readonly byteBucket: TokenBucket
  /** Updates received and not yet screened and applied; they are applied in arrival order. */
  private updatesInFlight = 0
  private updateChain: Promise<void> = Promise.resolve()
  /** Set on shutdown: frames are no longer read, updates already received are still applied. */
  private draining = false
  /**
   * Bytes of the answer sent before the connection opened (answerBeforeOpen) that may still be
   * queued: the server chose to send them, so they do not count as a client that does not read.
   */
  private earlyAnswerBytes = 0
  /** The client's first sync step 1 was answered with the stored snapshot before opening. */
  private answeredBeforeOpen = false
  /** Told when the client sends its first frame while admitting, or the connection closes. */
  private firstFrameWaiters: Array<() => void> = []
  /** Set while the connection is behind (relayed frames skipped): see fallBehind. */
  private behind: { at: number; since: ReadonlyMap<number, number> | null; stopWatching: () => void } | null = null

  constructor(
    readonly id: string,
    readonly remoteAddress: string,
    private readonly socket: RelaySocket,
    private readonly context: RelayContext,
    /** Carries the connection id and address; the board id is added once the name is valid. */
    public log: Logger,
  ) {
    const { limits } = context
    this.messageBucket = new TokenBucket(limits.messagesPerSecond, limits.messageBurst, context.clock.now)
    this.byteBucket = new TokenBucket(limits.bytesPerSecond, limits.byteBurst, context.clock.now)
  }

  get currentState(): ConnectionState {
    return this.state
  }

  onClosed(listener: () => void): void {
    this.closeListeners.push(listener)
  }

  /** A binary frame arrived from the client. */
  receive(frame: Uint8Array): void {
    if (this.state === 'closed' || this.draining) return
    this.context.metrics.bytesIn.inc(frame.length)
    if (!this.messageBucket.take(1) || !this.byteBucket.take(frame.length)) {
      this.close(CloseCode.rateLimited, 'sending too much too fast')
      return
    }
    if (this.state === 'admitting') {
      if (this.queued.length >= this.context.limits.maxFramesBeforeOpen) {
        this.close(CloseCode.policyViolation, 'too many messages before the connection was admitted')
        return
      }
      this.queued.push(frame)
      this.wakeFirstFrameWaiters()
      return
    }
    this.handleFrame(frame)
  }

  /**
   * The transport itself closed the connection for a protocol error it found before any frame
   * reached us (an oversized frame, broken framing, invalid UTF-8): log and count it like ours.
   */
  closedByTransport(code: number, reason: string): void {
    if (this.state === 'closed') return
    this.context.metrics.closes.inc({ code: String(code) })
    this.log.warn({ closeCode: code, reason }, 'closing connection')
    this.transportClosed()
  }

  /** A text frame arrived: the protocol is binary only. */
  receiveText(): void {
    this.context.metrics.messagesIn.inc({ kind: 'text' })
    this.close(CloseCode.protocolError, 'text frames are not part of the protocol')
  }

  /** The session the connection was admitted with; null while admitting. */
  get currentSession(): ConnectionSession | null {
    return this.session
  }

  /**
   * Resolves once the client has sent something while admitting (the stock client's sync step 1
   * comes right after the socket opens), once the connection is no longer admitting, or after
   * `ms` at most: a board about to be loaded can then answer a fresh client before it is applied
   * (answerBeforeOpen).
   */
  firstFrameOrAfter(ms: number): Promise<void> {
    if (this.queued.length > 0 || this.state !== 'admitting') return Promise.resolve()
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer)
        resolve()
      }
      const timer = setTimeout(done, ms)
      this.firstFrameWaiters.push(done)
    })
  }

  private wakeFirstFrameWaiters(): void {
    for (const wake of this.firstFrameWaiters.splice(0)) wake()
  }

  /**
   * The document this connection waits for is being loaded and is stored as one snapshot
   * (`snapshot`, read and verified, not yet applied). If the client asked for everything (sync step 1 with an
   * empty state vector, as a fresh client does on open), it is answered with those stored bytes
   * now, so that it applies the board while the server does; what came after the snapshot is
   * sent once the connection opens. Returns null when it did not answer, else a promise that
   * resolves once the answer has left (at most EARLY_ANSWER_WAIT_MS): applying the board holds
   * the event loop, and what is still queued then would wait for it.
   */
  answerBeforeOpen(snapshot: Uint8Array): Promise<void> | null {
    if (this.state !== 'admitting') return null
    const index = this.queued.findIndex((frame) => {
      const decoded = decodeClientMessage(frame)
      return decoded.ok && decoded.message.kind === 'syncStep1'
    })
    const first = index === -1 ? null : decodeClientMessage(this.queued[index])
    if (!first?.ok || first.message.kind !== 'syncStep1' || !isEmptyStateVector(first.message.stateVector)) return null
    // Answered now; what came after the snapshot is sent once the connection opens.
    this.queued.splice(index, 1)
    this.answeredBeforeOpen = true
    const answer = encodeSyncStep2(snapshot)
    this.send(answer)
    this.earlyAnswerBytes = answer.length
    return this.sentOrAfter(EARLY_ANSWER_WAIT_MS)
  }

  /** Resolves once nothing is queued for the client any more (or it closed), or after `ms`. */
  private sentOrAfter(ms: number): Promise<void> {
    const started = performance.now()
    return new Promise((resolve) => {
      const check = () => {
        if (this.state === 'closed' || this.socket.bufferedAmount === 0 || performance.now() - started >= ms) resolve()
        else setTimeout(check, 2)
      }
      setImmediate(check)
    })
  }

  /** Admission succeeded: join the document and handle what the client sent meanwhile. */
  open(document: BoardDocument, session: ConnectionSession): void {
    if (this.state !== 'admitting') return
    this.state = 'open'
    this.wakeFirstFrameWaiters()
    this.document = document
    this.session = session
    this.stopWatchingWrite = session.onWriteChange(() => this.writeMayHaveChanged())
    document.addPeer(this)
    if (this.answeredBeforeOpen) {
      // The client has the snapshot the document was loaded from: the rest of its first question.
      document.answerSyncStep1(this, document.stateVectorAtLoad).catch((error: unknown) => {
        this.log.error({ err: error }, 'sync step 1 failed')
        this.close(CloseCode.internalError, 'could not answer sync')
      })
    }
    const queued = this.queued
    this.queued = []
    for (const frame of queued) {
      if (this.state !== 'open') break
      this.handleFrame(frame)
    }
  }

  /**
   * Stops reading frames and resolves once every update already received is applied (or
   * refused). The client sends anything later again when it reconnects.
   */
  drain(): Promise<void> {
    this.draining = true
    return this.updateChain
  }

  /** Admission failed: tell the client why (y-protocols auth message), then close. */
  refuse(code: number, reason: string): void {
    if (this.state === 'closed') return
    this.socket.send(encodePermissionDenied(reason))
    this.close(code, reason)
  }

  send(frame: Uint8Array): void {
    if (this.state === 'closed') return
    // Answers and requests are never skipped; a client that asks and does not read is stopped.
    const buffered = this.socket.bufferedAmount
    if (buffered < this.earlyAnswerBytes) this.earlyAnswerBytes = 0
    if (buffered - this.earlyAnswerBytes > 2 * this.context.limits.maxBufferedBytes) {
      this.close(CloseCode.slowConsumer, 'too far behind; reconnect to resync')
      return
    }
    this.write(frame)
  }

  sendRelayed(frame: Uint8Array, since: ReadonlyMap<number, number> | null): void {
    if (this.state === 'closed') return
    if (!this.behind && this.socket.bufferedAmount > this.context.limits.maxBufferedBytes) this.fallBehind()
    if (this.behind) {
      // The first change skipped says from where the catch-up starts.
      if (since && !this.behind.since) this.behind.since = since
      return
    }
    this.write(frame)
  }

  private write(frame: Uint8Array): void {
    this.context.metrics.messagesOut.inc()
    this.context.metrics.bytesOut.inc(frame.length)
    this.socket.send(frame)
  }

  /**
   * Too much is queued for the client: skip relayed frames until it has read most of it, then
   * catch it up; close it if it reads nothing for SLOW_CONSUMER_TIMEOUT_MS.
   */
  private fallBehind(): void {
    const { clock, limits } = this.context
    this.log.info({ bufferedBytes: this.socket.bufferedAmount }, 'connection fell behind')
    let cancel = (): void => {}
    const behind = { at: clock.now(), since: null, stopWatching: () => cancel() }
    const watch = (): void => {
      if (this.state === 'closed' || this.behind !== behind) return
      if (this.socket.bufferedAmount <= limits.maxBufferedBytes / 4) {
        this.catchUp()
        return
      }
      if (clock.now() - behind.at >= limits.slowConsumerTimeoutMs) {
        this.close(CloseCode.slowConsumer, 'too far behind; reconnect to resync')
        return
      }
      cancel = clock.setTimeout(watch, BEHIND_POLL_MS)
    }
    this.behind = behind
    cancel = clock.setTimeout(watch, BEHIND_POLL_MS)
  }

  private catchUp(): void {
    const behind = this.behind
    if (!behind || !this.document) return
    this.behind = null
    this.context.metrics.catchUps.inc()
    this.log.info({ behindMs: Math.round(this.context.clock.now() - behind.at) }, 'connection caught up')
    void this.document.catchUp(this, behind.since)
  }

  close(code: number, reason: string): void {
    if (this.state === 'closed') return
    this.context.metrics.closes.inc({ code: String(code) })
    const level = code === CloseCode.normal || code === CloseCode.goingAway ? 'info' : 'warn'
    this.log[level]({ closeCode: code, reason }, 'closing connection')
    this.socket.close(code, reason)
    this.transportClosed()
  }

  /** The transport reports the socket is gone (either side closed it). */
  transportClosed(): void {
    if (this.state === 'closed') return
    this.state = 'closed'
    this.queued = []
    this.wakeFirstFrameWaiters()
    this.behind?.stopWatching()
    this.behind = null
    this.context.screen.cancel(this)
    this.stopWatchingWrite?.()
    this.document?.removePeer(this)
    for (const listener of this.closeListeners) listener()
  }

  /**
   * The board was locked or unlocked, or the phase moved. Once writing is allowed again, a client
   * whose changes were held is asked for everything the server lacks (sync step 1 with the
   * server's state vector); the stock client answers with sync step 2 at once.
   */
  private writeMayHaveChanged(): void {
    if (this.state !== 'open' || !this.document || !this.session) return
    if (!this.session.write().allowed) return
    this.toldRefusal = false
    if (!this.holdingChanges) return
    this.holdingChanges = false
    this.document.askToResync(this)
  }

  /** Says once why changes are refused; the client keeps them. */
  private refuseChange(reason: string, metric: string): void {
    this.context.metrics.updatesRejected.inc({ reason: metric })
    if (this.toldRefusal) return
    this.toldRefusal = true
    this.socket.send(encodePermissionDenied(reason))
  }

  private handleFrame(frame: Uint8Array): void {
    const document = this.document
    if (!document || !this.session) return
    const decoded = decodeClientMessage(frame)
    if (!decoded.ok) {
      this.context.metrics.messagesIn.inc({ kind: 'malformed' })
      this.close(CloseCode.protocolError, `malformed message: ${decoded.error}`)
      return
    }
    const message = decoded.message
    this.context.metrics.messagesIn.inc({ kind: message.kind })
    switch (message.kind) {
      case 'syncStep1':
        document.answerSyncStep1(this, message.stateVector).catch((error: unknown) => {
          this.log.error({ err: error }, 'sync step 1 failed')
          this.close(CloseCode.internalError, 'could not answer sync')
        })
        return
      case 'syncStep2':
      case 'syncUpdate':
        this.receiveUpdate(document, message.update, message.kind)
        return
      case 'awareness':
        this.applyAwareness(document, message.update)
        return
      case 'queryAwareness':
        document.sendAllAwareness(this)
        return
      default: {
        const unreachable: never = message
        throw new Error(`unhandled message ${JSON.stringify(unreachable)}`)
      }
    }
  }

  private receiveUpdate(document: BoardDocument, update: Uint8Array, kind: 'syncStep2' | 'syncUpdate'): void {
    if (isEmptyUpdate(update)) return
    if (!this.mayApply(kind)) return
    if (this.updatesInFlight >= this.context.limits.maxQueuedUpdates) {
      this.close(CloseCode.rateLimited, 'too many updates waiting to be applied')
      return
    }
    // Everyday edits (small, plainly shaped: see updateShape.ts) are applied at once, unless an
    // earlier update of ours is still being screened: order is kept either way.
    const plain = updateShape(update) === 'plain'
    if (plain && this.updatesInFlight === 0) {
      this.applyScreenedUpdate(document, update)
      return
    }
    this.updatesInFlight++
    // Screening starts at once (in its lane); applying waits for every earlier update of ours.
    const verdict: Promise<ScreenVerdict> = plain ? Promise.resolve({ ok: true }) : this.context.screen.check(update, this)
    this.updateChain = this.updateChain.then(async () => {
      const result = await verdict
      this.updatesInFlight--
      if (this.state !== 'open') return
      switch (result.ok ? 'ok' : result.reason) {
        case 'ok':
          // Asked again: the board may have been locked while the update was being screened.
          if (this.mayApply(kind)) this.applyScreenedUpdate(document, update)
          return
        case 'over-budget':
          this.context.metrics.updatesRejected.inc({ reason: 'over-budget' })
          this.close(CloseCode.policyViolation, 'update too costly to decode')
          return
        case 'malformed':
          this.context.metrics.updatesRejected.inc({ reason: 'malformed' })
          this.close(CloseCode.protocolError, 'malformed update')
          return
        case 'cancelled':
          this.close(CloseCode.goingAway, 'server is restarting')
          return
      }
    })
  }

  /**
   * Whether the session lets this connection's update through now. A refused update is dropped
   * here, before it touches the document, and held by the client: a refusal that lasts only while
   * the board is locked (or the phase forbids it) is resynced once it lifts. A client's answer to
   * our sync step 1 carries the document's whole delete set even when it changed nothing, so only
   * a live update counts as a change worth telling the client about.
   */
  private mayApply(kind: 'syncStep2' | 'syncUpdate'): boolean {
    const decision = this.session?.write() ?? { allowed: false as const, reason: 'not admitted', transient: false }
    if (decision.allowed) return true
    if (decision.transient) this.holdingChanges = true
    if (kind === 'syncUpdate') this.refuseChange(decision.reason, decision.transient ? 'held' : 'read-only')
    return false
  }

  private applyScreenedUpdate(document: BoardDocument, update: Uint8Array): void {
    try {
      document.applyPeerUpdate(this, update)
    } catch (error) {
      this.context.metrics.updatesRejected.inc({ reason: 'malformed' })
      this.log.warn({ err: error }, 'update did not apply')
      this.close(CloseCode.protocolError, 'malformed update')
      return
    }
    if (document.pendingUpdateBytes > this.context.limits.maxPendingUpdateBytes) {
      // Updates whose dependencies never arrive would otherwise pile up in memory.
      document.dropPendingUpdates()
      this.context.metrics.updatesRejected.inc({ reason: 'missing-dependencies' })
      this.close(CloseCode.policyViolation, 'updates with missing dependencies; reconnect to resync')
    }
  }

  private applyAwareness(document: BoardDocument, update: Uint8Array): void {
    if (update.length > this.context.limits.maxAwarenessBytes) {
      this.close(CloseCode.messageTooBig, 'awareness state too large')
      return
    }
    const decoded = decodeAwarenessUpdate(update)
    if (!decoded.ok) {
      this.close(CloseCode.protocolError, `malformed awareness: ${decoded.error}`)
      return
    }
    const dropped = document.applyPeerAwareness(this, update, decoded.entries, this.session)
    if (dropped > 0) this.log.debug({ dropped }, 'awareness entries for other clients dropped')
  }
}
