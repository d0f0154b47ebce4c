/**
 * One websocket connection to one board document, as a small state machine:
 *
 *   admitting --(token valid, document loaded)--> open --(close)--> closed
 *       \--(refused, or admission timed out)--> closed
 *
 * While admitting, frames are queued (up to a limit) and replayed once open. Every frame is
 * rate-limited, then decoded by the pure protocol functions; anything malformed closes the
 * connection with a named close code (see shared/protocol/messages.ts). Updates are screened off
 * the main thread before they touch the live document, one at a time per connection, in order.
 * What a role may do is decided here: an observer's updates are refused, never applied.
 */
import type { Logger } from 'pino'
import type { BoardRole } from '../../shared/board/roles'
import { CloseCode } from '../../shared/protocol/messages'
import type { BoardDocument, DocumentPeer } from './boardDocument'
import type { RelayContext } from './context'
import type { RelaySocket } from './socket'
import { TokenBucket } from './tokenBucket'
import { decodeAwarenessUpdate, decodeClientMessage, encodePermissionDenied, isEmptyUpdate } from './protocol'

export type ConnectionState = 'admitting' | 'open' | 'closed'

export interface DocumentAccess {
  /** The role the connection's token grants; stamped into its presence so others can trust it. */
  role?: BoardRole
  canWrite: boolean
  /** Sent (auth permission-denied) when a read-only connection sends a change. */
  deniedReason: string
  /** Checked for every change: a reason while writing is blocked for now (the board is locked). */
  writeBlock?: () => string | null
}

export class RelayConnection implements DocumentPeer {
  private state: ConnectionState = 'admitting'
  private queued: Uint8Array[] = []
  private document: BoardDocument | null = null
  /** What the connection may do in its document; null until admitted. */
  private access: DocumentAccess | null = null
  private readonly closeListeners: Array<() => void> = []
  private readonly messageBucket: TokenBucket
  private readonly byteBucket: TokenBucket
  /** Updates received and not yet screened and applied; they are applied in arrival order. */
  private updatesInFlight = 0
  private updateChain: Promise<void> = Promise.resolve()
  /** Set on shutdown: frames are no longer read, updates already received are still applied. */
  private draining = false

  constructor(
    readonly id: string,
    readonly remoteAddress: string,
    private readonly socket: RelaySocket,
    private readonly context: RelayContext,
    /** Carries the connection id and address; the board id is added once the name is valid. */
    public log: Logger,
  ) {
    const { limits } = context
    this.messageBucket = new TokenBucket(limits.messagesPerSecond, limits.messageBurst)
    this.byteBucket = new TokenBucket(limits.bytesPerSecond, limits.byteBurst)
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

  /** Admission succeeded: join the document and handle what the client sent meanwhile. */
  open(document: BoardDocument, access: DocumentAccess): void {
    if (this.state !== 'admitting') return
    this.state = 'open'
    this.document = document
    this.access = access
    document.addPeer(this)
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
    if (this.socket.bufferedAmount > this.context.limits.maxBufferedBytes) {
      // Dropping a frame would leave the client silently stuck; closing makes it resync.
      this.close(CloseCode.slowConsumer, 'too far behind; reconnect to resync')
      return
    }
    this.context.metrics.messagesOut.inc()
    this.context.metrics.bytesOut.inc(frame.length)
    this.socket.send(frame)
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
    this.context.screen.cancel(this)
    this.document?.removePeer(this)
    for (const listener of this.closeListeners) listener()
  }

  private handleFrame(frame: Uint8Array): void {
    const document = this.document
    if (!document || !this.access) return
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
    if (!this.access?.canWrite) {
      // A read-only client's answer to our sync step 1 echoes what it already got from us (its
      // delete set at least): only an edit of its own is refused, and said so.
      const isEdit = kind === 'syncUpdate' ? !isEmptyUpdate(update) : document.hasContentBeyondState(update)
      if (isEdit) {
        this.context.metrics.updatesRejected.inc({ reason: 'read-only' })
        this.socket.send(encodePermissionDenied(this.access?.deniedReason ?? 'read only'))
      }
      return
    }
    if (isEmptyUpdate(update)) return
    // While the board is locked nothing of this connection's is applied. A change it tried is
    // refused and the connection closed (retryable): its later updates would depend on the refused
    // one, so it must resync, which it does when it reconnects (and is refused again until unlocked).
    const blocked = this.access.writeBlock?.()
    if (blocked) {
      if (kind === 'syncUpdate' || document.hasContentBeyondState(update)) {
        this.context.metrics.updatesRejected.inc({ reason: 'locked' })
        this.socket.send(encodePermissionDenied(blocked))
        this.close(CloseCode.boardLocked, blocked)
      }
      return
    }
    if (this.updatesInFlight >= this.context.limits.maxQueuedUpdates) {
      this.close(CloseCode.rateLimited, 'too many updates waiting to be applied')
      return
    }
    this.updatesInFlight++
    // Screening starts at once (in its lane); applying waits for every earlier update of ours.
    const verdict = this.context.screen.check(update, this)
    this.updateChain = this.updateChain.then(async () => {
      const result = await verdict
      this.updatesInFlight--
      if (this.state !== 'open') return
      switch (result.ok ? 'ok' : result.reason) {
        case 'ok':
          this.applyScreenedUpdate(document, update)
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
    const stamp = this.access?.role ? { role: this.access.role } : undefined
    const dropped = document.applyPeerAwareness(this, update, decoded.entries, stamp)
    if (dropped > 0) this.log.debug({ dropped }, 'awareness entries for other clients dropped')
  }
}
