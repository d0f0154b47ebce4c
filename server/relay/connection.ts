/**
 * One websocket connection to one board document, as a small state machine:
 *
 *   admitting --(token valid, document loaded)--> open --(close)--> closed
 *       \--(refused)--> closed
 *
 * While admitting, frames are queued (up to a limit) and replayed once open. Each frame is
 * decoded by the pure protocol functions; anything malformed closes the connection with a named
 * close code. What a role may do is decided here: an observer's updates are refused, never applied.
 */
import type { Logger } from 'pino'
import { CloseCode } from '../../shared/protocol/messages'
import { canWriteBoard, type BoardRole } from '../../shared/board/roles'
import type { BoardDocument, DocumentPeer } from './boardDocument'
import type { RelayLimits } from './limits'
import type { RelaySocket } from './socket'
import { decodeAwarenessUpdate, decodeClientMessage, encodePermissionDenied, isEmptyUpdate } from './protocol'

export type ConnectionState = 'admitting' | 'open' | 'closed'

export class RelayConnection implements DocumentPeer {
  private state: ConnectionState = 'admitting'
  private queued: Uint8Array[] = []
  private document: BoardDocument | null = null
  private role: BoardRole | null = null
  private readonly closeListeners: Array<() => void> = []

  constructor(
    readonly id: string,
    private readonly socket: RelaySocket,
    private readonly limits: RelayLimits,
    readonly log: Logger,
  ) {}

  get currentState(): ConnectionState {
    return this.state
  }

  onClosed(listener: () => void): void {
    this.closeListeners.push(listener)
  }

  /** A binary frame arrived from the client. */
  receive(frame: Uint8Array): void {
    switch (this.state) {
      case 'closed':
        return
      case 'admitting':
        if (this.queued.length >= this.limits.maxFramesBeforeOpen) {
          this.close(CloseCode.policyViolation, 'too many messages before the connection was admitted')
          return
        }
        this.queued.push(frame)
        return
      case 'open':
        this.handleFrame(frame)
        return
    }
  }

  /** A text frame arrived: the protocol is binary only. */
  receiveText(): void {
    this.close(CloseCode.protocolError, 'text frames are not part of the protocol')
  }

  /** Admission succeeded: join the document and handle what the client sent meanwhile. */
  open(document: BoardDocument, role: BoardRole): void {
    if (this.state !== 'admitting') return
    this.state = 'open'
    this.document = document
    this.role = role
    document.addPeer(this)
    const queued = this.queued
    this.queued = []
    for (const frame of queued) {
      if (this.state !== 'open') break
      this.handleFrame(frame)
    }
  }

  /** Admission failed: tell the client why (y-protocols auth message), then close. */
  refuse(code: number, reason: string): void {
    if (this.state === 'closed') return
    this.log.info({ closeCode: code, reason }, 'connection refused')
    this.socket.send(encodePermissionDenied(reason))
    this.close(code, reason)
  }

  send(frame: Uint8Array): void {
    if (this.state === 'closed') return
    if (this.socket.bufferedAmount > this.limits.maxBufferedBytes) {
      // Dropping a frame would leave the client silently stuck; closing makes it resync.
      this.close(CloseCode.slowConsumer, 'too far behind; reconnect to resync')
      return
    }
    this.socket.send(frame)
  }

  close(code: number, reason: string): void {
    if (this.state === 'closed') return
    if (code !== CloseCode.normal && code !== CloseCode.goingAway) {
      this.log.warn({ closeCode: code, reason }, 'closing connection')
    }
    this.socket.close(code, reason)
    this.transportClosed()
  }

  /** The transport reports the socket is gone (either side closed it). */
  transportClosed(): void {
    if (this.state === 'closed') return
    this.state = 'closed'
    this.queued = []
    this.document?.removePeer(this)
    for (const listener of this.closeListeners) listener()
  }

  private handleFrame(frame: Uint8Array): void {
    const document = this.document
    if (!document || !this.role) return
    const decoded = decodeClientMessage(frame)
    if (!decoded.ok) {
      this.close(CloseCode.protocolError, `malformed message: ${decoded.error}`)
      return
    }
    const message = decoded.message
    switch (message.kind) {
      case 'syncStep1':
        document.answerSyncStep1(this, message.stateVector).catch((error: unknown) => {
          this.log.error({ err: error }, 'sync step 1 failed')
          this.close(CloseCode.internalError, 'could not answer sync')
        })
        return
      case 'syncStep2':
      case 'syncUpdate':
        this.applyUpdate(document, message.update)
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

  private applyUpdate(document: BoardDocument, update: Uint8Array): void {
    if (!this.role || !canWriteBoard(this.role)) {
      if (!isEmptyUpdate(update)) this.socket.send(encodePermissionDenied('observers cannot change the board'))
      return
    }
    try {
      document.applyPeerUpdate(this, update)
    } catch (error) {
      this.log.warn({ err: error }, 'update did not decode')
      this.close(CloseCode.protocolError, 'malformed update')
    }
  }

  private applyAwareness(document: BoardDocument, update: Uint8Array): void {
    const decoded = decodeAwarenessUpdate(update)
    if (!decoded.ok) {
      this.close(CloseCode.protocolError, `malformed awareness: ${decoded.error}`)
      return
    }
    const dropped = document.applyPeerAwareness(this, update, decoded.entries)
    if (dropped > 0) this.log.debug({ dropped }, 'awareness entries for other clients dropped')
  }
}
