/**
 * The relay: admits connections (board name, token, role), loads each board document on first
 * use, hands connections to it, unloads documents that sit idle, and shuts down cleanly.
 * It knows nothing of websockets (see ./socket.ts) or of SQL (see ../storage/storage.ts).
 */
import { randomUUID } from 'node:crypto'
import type { Logger } from 'pino'
import { CloseCode } from '../../shared/protocol/messages'
import { canOpenDoc, canWriteDoc, parseDocName, type BoardDocName } from '../../shared/board/docNames'
import type { BoardRole } from '../../shared/board/roles'
import { controlDocName } from '../../shared/board/docNames'
import { FACILITATION_MAP, isBoardLocked, membersMayChangeCanvas } from '../../shared/board/facilitation'
import type { TokenAuthority } from '../auth/tokens'
import type { Storage } from '../storage/storage'
import { BoardDocument } from './boardDocument'
import { RelayConnection, type DocumentAccess } from './connection'
import type { RelayContext } from './context'
import type { RelaySocket } from './socket'

export interface ConnectionRequest {
  /** The document name from the URL path, not yet validated. */
  docName: string
  token: string | null
  remoteAddress: string
}

export interface RelayStats {
  connections: number
  documents: number
}

/** Why an upgrade is refused before a connection is made. */
export type UpgradeRefusal = 'too-many-from-address' | 'too-many-pending' | 'shutting-down'

const DENIED_REASONS = {
  canvas: 'observers cannot change the board',
  control: 'only facilitators can change this',
  drafts: 'observers cannot write drafts',
} as const

/**
 * Why members may not change the canvas right now (the board is locked, or the phase allows them
 * nothing on it), kept up to date from the control document so the per-message check is a read.
 */
class CanvasWriteBlock {
  private reason: string | null = null
  private readonly update = () => {
    this.reason = isBoardLocked(this.control.doc)
      ? 'the board is locked'
      : membersMayChangeCanvas(this.control.doc)
        ? null
        : 'this phase does not allow changes to the board'
  }

  constructor(private readonly control: BoardDocument) {
    control.doc.getMap(FACILITATION_MAP).observeDeep(this.update)
    this.update()
  }

  get current(): string | null {
    return this.reason
  }

  dispose(): void {
    this.control.doc.getMap(FACILITATION_MAP).unobserveDeep(this.update)
  }
}

function accessFor(role: BoardRole, doc: BoardDocName, block: CanvasWriteBlock | null): DocumentAccess {
  return {
    role,
    canWrite: canWriteDoc(role, doc.kind),
    deniedReason: DENIED_REASONS[doc.kind],
    // Members cannot change the canvas while the facilitator has locked the board, or in a phase
    // that allows them nothing on it (thinking alone, voting).
    writeBlock: block && role === 'member' ? () => block.current : undefined,
  }
}

export class Relay {
  private readonly connections = new Set<RelayConnection>()
  /** Loaded (or loading) documents by name. */
  private readonly documents = new Map<string, Promise<BoardDocument>>()
  /** Documents being unloaded; a new connection waits for the unload before loading again. */
  private readonly unloading = new Map<string, Promise<void>>()
  private readonly connectionsByAddress = new Map<string, number>()
  private pendingConnections = 0
  private shuttingDown = false

  constructor(
    private readonly storage: Storage,
    private readonly tokens: TokenAuthority,
    private readonly context: RelayContext,
    private readonly log: Logger,
  ) {}

  stats(): RelayStats {
    return { connections: this.connections.size, documents: this.documents.size }
  }

  /** Checked before a websocket upgrade: caps connections per address and unadmitted ones. */
  checkUpgrade(remoteAddress: string): UpgradeRefusal | null {
    if (this.shuttingDown) return 'shutting-down'
    if ((this.connectionsByAddress.get(remoteAddress) ?? 0) >= this.context.limits.maxConnectionsPerAddress) {
      return 'too-many-from-address'
    }
    if (this.pendingConnections >= this.context.limits.maxPendingConnections) return 'too-many-pending'
    return null
  }

  /** Takes a new socket. Returns the connection the transport feeds frames and close events to. */
  accept(socket: RelaySocket, request: ConnectionRequest): RelayConnection {
    const connectionId = randomUUID()
    const log = this.log.child({ connectionId, remoteAddress: request.remoteAddress })
    const connection = new RelayConnection(connectionId, request.remoteAddress, socket, this.context, log)
    const address = request.remoteAddress
    this.connections.add(connection)
    this.connectionsByAddress.set(address, (this.connectionsByAddress.get(address) ?? 0) + 1)
    this.pendingConnections++
    this.context.metrics.connections.set(this.connections.size)
    let pending = true
    const admitted = () => {
      if (pending) this.pendingConnections--
      pending = false
    }
    connection.onClosed(() => {
      admitted()
      this.connections.delete(connection)
      const remaining = (this.connectionsByAddress.get(address) ?? 1) - 1
      if (remaining > 0) this.connectionsByAddress.set(address, remaining)
      else this.connectionsByAddress.delete(address)
      this.context.metrics.connections.set(this.connections.size)
    })
    if (this.shuttingDown) {
      connection.close(CloseCode.goingAway, 'server is shutting down')
      return connection
    }
    const admissionTimer = setTimeout(() => {
      if (connection.currentState === 'admitting') connection.close(CloseCode.policyViolation, 'admission timed out')
    }, this.context.limits.admissionTimeoutMs)
    admissionTimer.unref()
    void this.admit(connection, request)
      .catch((error: unknown) => {
        log.error({ err: error }, 'admission failed')
        connection.close(CloseCode.internalError, 'internal error')
      })
      .finally(() => {
        clearTimeout(admissionTimer)
        admitted()
      })
    return connection
  }

  private async admit(connection: RelayConnection, request: ConnectionRequest): Promise<void> {
    const parsed = parseDocName(request.docName)
    if (!parsed) {
      connection.refuse(CloseCode.badDocumentName, 'invalid board name')
      return
    }
    const { boardId } = parsed
    connection.log = connection.log.child({ boardId, doc: parsed.kind })
    const check = await this.tokens.verify(request.token, boardId)
    if (!check.ok) {
      connection.refuse(CloseCode.unauthorized, check.reason)
      return
    }
    if (!canOpenDoc(parsed, check.grant.role, check.grant.personId)) {
      connection.refuse(CloseCode.unauthorized, 'not-your-document')
      return
    }
    const log = connection.log
    const board = await this.storage.getBoard(boardId)
    if (!board) {
      connection.refuse(CloseCode.boardNotFound, 'no such board')
      return
    }
    let document: BoardDocument
    let control: BoardDocument | null = null
    try {
      document = await this.openDocument(request.docName)
      if (parsed.kind === 'canvas') {
        control = await this.openDocument(controlDocName(boardId))
        control.retain()
      }
    } catch (error) {
      log.error({ err: error }, 'document could not be loaded')
      connection.refuse(CloseCode.storageUnavailable, 'the board could not be loaded; try again')
      return
    }
    const block = control ? new CanvasWriteBlock(control) : null
    if (control && block) {
      const held = control
      connection.onClosed(() => {
        block.dispose()
        held.release()
      })
    }
    if (connection.currentState !== 'admitting') {
      block?.dispose()
      control?.release()
      if (document.holderCount === 0) this.unloadDocument(document)
      return
    }
    connection.open(document, accessFor(check.grant.role, parsed, block))
    log.info({ role: check.grant.role }, 'connection opened')
  }

  /**
   * Changes a document on the server's own behalf (for what members may not do themselves, such
   * as inserting an anonymous card). Resolves once the change is stored and relayed.
   */
  async changeDocument<T>(docName: string, change: (document: BoardDocument) => T): Promise<T> {
    if (this.shuttingDown) throw new Error('server is shutting down')
    const document = await this.openDocument(docName)
    const result = change(document)
    await document.flush()
    if (document.isFailed) throw new Error('the change could not be stored')
    if (document.peerCount === 0) document.startIdleTimer()
    return result
  }

  private async openDocument(name: string): Promise<BoardDocument> {
    for (;;) {
      const unloading = this.unloading.get(name)
      if (unloading) {
        await unloading
        continue
      }
      let loading = this.documents.get(name)
      if (!loading) {
        const log = this.log.child({ boardId: name })
        loading = BoardDocument.load(
          name,
          this.storage,
          this.context,
          log,
          (document) => this.unloadDocument(document),
          (document, error) => this.handleStorageFailure(document, error),
        )
        this.documents.set(name, loading)
        this.context.metrics.documentsLoaded.set(this.documents.size)
        loading.catch(() => {
          this.documents.delete(name)
          this.context.metrics.documentsLoaded.set(this.documents.size)
        })
      }
      const document = await loading
      if (document.isClosed) continue
      return document
    }
  }

  private unloadDocument(document: BoardDocument): void {
    if (document.holderCount > 0 || document.isClosed) return
    const unload = document
      .unload()
      .catch((error: unknown) => this.log.error({ err: error, boardId: document.name }, 'unload failed'))
      .finally(() => {
        this.unloading.delete(document.name)
        this.log.info({ boardId: document.name }, 'document unloaded')
      })
    this.unloading.set(document.name, unload)
    this.documents.delete(document.name)
    this.context.metrics.documentsLoaded.set(this.documents.size)
  }

  /**
   * A batch could not be stored. Its updates were relayed to nobody; the in-memory document now
   * holds changes storage does not, so it is dropped and every client is asked to reconnect.
   * Clients still hold their changes and send them again when they resync.
   */
  private handleStorageFailure(document: BoardDocument, error: unknown): void {
    this.log.error({ err: error, boardId: document.name }, 'storing updates failed; closing the document')
    this.documents.delete(document.name)
    this.context.metrics.documentsLoaded.set(this.documents.size)
    document.closeAllPeers(CloseCode.storageUnavailable, 'the board could not be saved; reconnecting')
    const unload = document.unload().finally(() => this.unloading.delete(document.name))
    this.unloading.set(document.name, unload)
  }

  /**
   * Stops admitting, applies the updates already received, stores everything, and closes every
   * connection with a retryable code so clients reconnect to the restarted server.
   */
  async shutdown(): Promise<void> {
    this.shuttingDown = true
    await Promise.allSettled([...this.connections].map((connection) => connection.drain()))
    const documents = await Promise.allSettled([...this.documents.values()])
    await Promise.allSettled(documents.map((result) => (result.status === 'fulfilled' ? result.value.flush() : undefined)))
    for (const connection of [...this.connections]) connection.close(CloseCode.goingAway, 'server is restarting')
    for (const result of documents) {
      if (result.status === 'fulfilled') this.unloadDocument(result.value)
    }
    await Promise.allSettled([...this.unloading.values()])
    await this.context.screen.close()
  }
}
