/**
 * The relay: admits connections (asking its hooks who may open what), loads each board document
 * on first use, hands connections to it, unloads documents that sit idle, and shuts down cleanly.
 * It knows nothing of websockets (see ./socket.ts), of SQL (see ../storage/storage.ts), or of
 * the board's rules (see ./hooks.ts and ../policy/boardPolicy.ts).
 */
import { randomUUID } from 'node:crypto'
import type { Logger } from 'pino'
import { CloseCode } from '../../shared/protocol/messages'
import { DamagedDocumentError, StorageError, type Storage } from '../storage/storage'
import { BoardDocument } from './boardDocument'
import { RelayConnection } from './connection'
import type { RelayContext } from './context'
import type { AuthenticateRequest, DocumentHost, HeldDocument, RelayHooks } from './hooks'
import type { RelaySocket } from './socket'

export type ConnectionRequest = AuthenticateRequest

export interface RelayStats {
  connections: number
  documents: number
}

/** Why an upgrade is refused before a connection is made. */
export type UpgradeRefusal = 'too-many-from-address' | 'too-many-with-token' | 'too-many-connections' | 'too-many-pending' | 'shutting-down'

/**
 * How long admission waits for a client's first message before loading a board that is not in
 * memory: the stock client sends its sync step 1 as soon as the socket opens, and a client that
 * holds nothing can then be answered from storage while the server loads the board.
 */
const FIRST_FRAME_WAIT_MS = 50

/** Counts by key, forgetting keys that reach zero. */
class Tally {
  private readonly counts = new Map<string, number>()
  get(key: string): number {
    return this.counts.get(key) ?? 0
  }
  add(key: string): void {
    this.counts.set(key, this.get(key) + 1)
  }
  remove(key: string): void {
    const remaining = this.get(key) - 1
    if (remaining > 0) this.counts.set(key, remaining)
    else this.counts.delete(key)
  }
}

function tokenKey(address: string, token: string | null): string {
  return `${address}\u0000${token ?? ''}`
}

export class Relay {
  private readonly connections = new Set<RelayConnection>()
  /** Loaded (or loading) documents by name. */
  private readonly loaded = new Map<string, Promise<BoardDocument>>()
  /** Documents being unloaded; a new connection waits for the unload before loading again. */
  private readonly unloading = new Map<string, Promise<void>>()
  /** Open connections per client address, and per address and token (a person's tabs, or one link's clients). */
  private readonly connectionsByAddress = new Tally()
  private readonly connectionsByToken = new Tally()
  private pendingConnections = 0
  private shuttingDown = false

  constructor(
    private readonly storage: Storage,
    private readonly context: RelayContext,
    private readonly log: Logger,
    private readonly hooks: RelayHooks,
  ) {
    context.hooks = hooks
  }

  /** The relay's live documents, for hooks and services that read or change them. */
  readonly documents: DocumentHost = { hold: (docName) => this.hold(docName) }

  stats(): RelayStats {
    return { connections: this.connections.size, documents: this.loaded.size }
  }

  /**
   * Checked before a websocket upgrade. A crowded workshop behind one NAT address is many people,
   * each with their own personal token: connections count per address and token (one person's
   * tabs), under a per-address ceiling that keeps one address from taking the server from everyone
   * else, under a global cap; unadmitted connections have a cap of their own.
   */
  checkUpgrade(remoteAddress: string, token: string | null = null): UpgradeRefusal | null {
    const limits = this.context.limits
    if (this.shuttingDown) return 'shutting-down'
    if (this.connections.size >= limits.maxConnections) return 'too-many-connections'
    if (this.connectionsByAddress.get(remoteAddress) >= limits.maxConnectionsPerAddress) return 'too-many-from-address'
    if (this.connectionsByToken.get(tokenKey(remoteAddress, token)) >= limits.maxConnectionsPerToken) return 'too-many-with-token'
    if (this.pendingConnections >= limits.maxPendingConnections) return 'too-many-pending'
    return null
  }

  /** Takes a new socket. Returns the connection the transport feeds frames and close events to. */
  accept(socket: RelaySocket, request: ConnectionRequest): RelayConnection {
    const connectionId = randomUUID()
    const log = this.log.child({ connectionId, remoteAddress: request.remoteAddress })
    const connection = new RelayConnection(connectionId, request.remoteAddress, socket, this.context, log)
    const address = request.remoteAddress
    const byToken = tokenKey(address, request.token)
    this.connections.add(connection)
    this.connectionsByAddress.add(address)
    this.connectionsByToken.add(byToken)
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
      this.connectionsByAddress.remove(address)
      this.connectionsByToken.remove(byToken)
      this.context.metrics.connections.set(this.connections.size)
    })
    if (this.shuttingDown) {
      connection.close(CloseCode.goingAway, 'server is shutting down')
      return connection
    }
    const cancelAdmissionTimer = this.context.clock.setTimeout(() => {
      if (connection.currentState === 'admitting') connection.close(CloseCode.policyViolation, 'admission timed out')
    }, this.context.limits.admissionTimeoutMs)
    void this.admit(connection, request)
      .catch((error: unknown) => {
        log.error({ err: error }, 'admission failed')
        connection.close(CloseCode.internalError, 'internal error')
      })
      .finally(() => {
        cancelAdmissionTimer()
        admitted()
      })
    return connection
  }

  private async admit(connection: RelayConnection, request: ConnectionRequest): Promise<void> {
    const authentication = await this.hooks.onAuthenticate(request, this.documents)
    if (!authentication.ok) {
      connection.refuse(authentication.code, authentication.reason)
      return
    }
    const { session } = authentication
    connection.log = connection.log.child({ boardId: session.boardId, doc: session.docKind })
    const log = connection.log
    // A board not in memory: a fresh client may get its stored snapshot while the server loads
    // it, once the client has asked (its sync step 1 follows the socket's opening at once).
    if (!this.loaded.has(request.docName)) await connection.firstFrameOrAfter(FIRST_FRAME_WAIT_MS)
    let document: BoardDocument
    try {
      document = await this.openDocument(request.docName, (snapshot) => connection.answerBeforeOpen(snapshot))
    } catch (error) {
      session.dispose()
      if (error instanceof DamagedDocumentError) {
        log.error({ err: error, docName: error.docName, problem: error.problem }, 'stored document is damaged; refusing the connection')
        connection.refuse(CloseCode.documentDamaged, "this board's stored data is damaged; ask the operator to restore it from a backup")
        return
      }
      log.error({ err: error }, 'document could not be loaded')
      connection.refuse(CloseCode.storageUnavailable, 'the board could not be loaded; try again')
      return
    }
    if (connection.currentState !== 'admitting') {
      session.dispose()
      if (document.holderCount === 0) this.unloadDocument(document)
      return
    }
    connection.onClosed(() => {
      session.dispose()
      this.hooks.onConnectionChange?.(session, 'closed')
    })
    connection.open(document, session)
    this.hooks.onConnectionChange?.(session, 'opened')
    log.info({ role: session.role }, 'connection opened')
  }

  /** Keeps a document loaded for a holder that is not a connection, until it releases it. */
  private async hold(docName: string): Promise<HeldDocument> {
    const document = await this.openDocument(docName)
    document.retain()
    let released = false
    return {
      document,
      release: () => {
        if (released) return
        released = true
        document.release()
      },
    }
  }

  /** The connections open on a board's documents right now. */
  connectionsOf(boardId: string): RelayConnection[] {
    return [...this.connections].filter((connection) => connection.currentSession?.boardId === boardId)
  }

  /**
   * Ends a board here (it was deleted): closes its connections with `code`, then stores and
   * unloads each of its loaded documents whoever holds them, so that nothing of it is written
   * after this resolves. Resolves once every one is unloaded.
   */
  async evictBoard(boardId: string, code: number, reason: string): Promise<void> {
    for (const connection of this.connectionsOf(boardId)) connection.close(code, reason)
    const ofBoard = (name: string) => name === boardId || name.startsWith(`${boardId}.`)
    const loaded = await Promise.allSettled([...this.loaded].filter(([name]) => ofBoard(name)).map(([, loading]) => loading))
    for (const result of loaded) {
      if (result.status !== 'fulfilled') continue
      const document = result.value
      document.closeAllPeers(code, reason)
      if (document.isClosed) continue
      const unload = document
        .unload()
        .catch((error: unknown) => this.log.error({ err: error, boardId: document.name }, 'unload failed'))
        .finally(() => this.unloading.delete(document.name))
      this.unloading.set(document.name, unload)
      this.loaded.delete(document.name)
      this.context.fanout?.leave(document)
    }
    this.context.metrics.documentsLoaded.set(this.loaded.size)
    await Promise.allSettled([...this.unloading].filter(([name]) => ofBoard(name)).map(([, unload]) => unload))
  }

  /**
   * Changes a document on the server's own behalf (for what members may not do themselves, such
   * as inserting an anonymous card). Resolves once the change is stored and relayed.
   */
  async changeDocument<T>(docName: string, change: (document: BoardDocument) => T): Promise<T> {
    if (this.shuttingDown) throw new StorageError('server is shutting down', 'SHUTTING_DOWN')
    const document = await this.openDocument(docName)
    try {
      const result = change(document)
      await document.flush()
      if (document.isFailed) throw new StorageError('the change could not be stored', 'STORE_FAILED')
      return result
    } finally {
      if (document.holderCount === 0) document.startIdleTimer()
    }
  }

  /** `onStoredSnapshot` is told of the stored snapshot if this call is the one that loads the document. */
  private async openDocument(name: string, onStoredSnapshot?: (snapshot: Uint8Array) => Promise<void> | null): Promise<BoardDocument> {
    for (;;) {
      const unloading = this.unloading.get(name)
      if (unloading) {
        await unloading
        continue
      }
      let loading = this.loaded.get(name)
      if (!loading) {
        const log = this.log.child({ boardId: name })
        loading = BoardDocument.load(
          name,
          this.storage,
          this.context,
          log,
          (document) => this.unloadDocument(document),
          (document, error) => this.handleStorageFailure(document, error),
          onStoredSnapshot,
        ).then(async (document) => {
          // Held while the hook runs, so that what it opens meanwhile cannot unload this one.
          document.retain()
          try {
            await this.hooks.onLoadDocument?.(document, this.documents)
          } finally {
            document.release()
          }
          // From here other instances' changes reach it; what they stored between the load and
          // listening is read once more from storage.
          if (this.context.fanout) {
            await this.context.fanout.join(document)
            await document.catchUpFromStorage()
          }
          return document
        })
        this.loaded.set(name, loading)
        this.context.metrics.documentsLoaded.set(this.loaded.size)
        loading.catch(() => {
          this.loaded.delete(name)
          this.context.metrics.documentsLoaded.set(this.loaded.size)
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
    this.loaded.delete(document.name)
    this.context.fanout?.leave(document)
    this.context.metrics.documentsLoaded.set(this.loaded.size)
  }

  /**
   * A batch could not be stored. Its updates were relayed to nobody; the in-memory document now
   * holds changes storage does not, so it is dropped and every client is asked to reconnect.
   * Clients still hold their changes and send them again when they resync.
   */
  private handleStorageFailure(document: BoardDocument, error: unknown): void {
    this.log.error({ err: error, boardId: document.name }, 'storing updates failed; closing the document')
    this.loaded.delete(document.name)
    this.context.fanout?.leave(document)
    this.context.metrics.documentsLoaded.set(this.loaded.size)
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
    const documents = await Promise.allSettled([...this.loaded.values()])
    await Promise.allSettled(documents.map((result) => (result.status === 'fulfilled' ? result.value.flush() : undefined)))
    for (const connection of [...this.connections]) connection.close(CloseCode.goingAway, 'server is restarting')
    for (const result of documents) {
      if (result.status === 'fulfilled') this.unloadDocument(result.value)
    }
    await Promise.allSettled([...this.unloading.values()])
    await this.context.screen.close()
  }
}
