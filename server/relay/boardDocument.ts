/**
 * One loaded document: its Y.Doc, the awareness of everyone connected to it, and the batching of
 * updates between clients and storage.
 *
 * Durability rule: an update is committed to storage before it is relayed to anyone. Updates that
 * arrive within one event-loop turn are collected, appended in one transaction, and then sent as
 * one merged frame to each connection (leaving out each connection's own updates).
 */
import * as Y from 'yjs'
import {
  Awareness,
  applyAwarenessUpdate,
  encodeAwarenessUpdate,
  removeAwarenessStates,
} from 'y-protocols/awareness'
import type { Logger } from 'pino'
import type { Storage } from '../storage/storage'
import type { RelayContext } from './context'
import {
  encodeAwarenessEntries,
  encodeAwarenessMessage,
  encodeSyncStep1,
  encodeSyncStep2,
  encodeSyncUpdate,
  type AwarenessEntry,
} from './protocol'

/** What a document needs from a connection; implemented by RelayConnection. */
export interface DocumentPeer {
  readonly id: string
  send(frame: Uint8Array): void
  /** Closes the connection; the document is told through removePeer. */
  close(code: number, reason: string): void
}

export interface PendingUpdate {
  update: Uint8Array
  origin: DocumentPeer | null
}

export type StorageFailureHandler = (document: BoardDocument, error: unknown) => void

export class BoardDocument {
  readonly doc = new Y.Doc({ gc: true })
  readonly awareness: Awareness
  private readonly peers = new Set<DocumentPeer>()
  /** Awareness client ids each peer has announced, removed when the peer leaves. */
  private readonly peerClientIds = new Map<DocumentPeer, Set<number>>()
  private pending: PendingUpdate[] = []
  private flushScheduled = false
  /** Storage work for this document runs one step at a time, in order, on this chain. */
  private flushChain: Promise<void> = Promise.resolve()
  private chainDepth = 0
  private lastSeq: number
  private updatesSinceSnapshot: number
  private idleTimer: NodeJS.Timeout | null = null
  private failed = false
  private closed = false
  /** Holders other than peers that need the document loaded (e.g. a canvas reading its lock). */
  private retainers = 0

  private constructor(
    readonly name: string,
    private readonly storage: Storage,
    private readonly context: RelayContext,
    private readonly log: Logger,
    private readonly onIdle: (document: BoardDocument) => void,
    private readonly onStorageFailure: StorageFailureHandler,
    stored: { lastSeq: number; updateCount: number },
  ) {
    this.lastSeq = stored.lastSeq
    this.updatesSinceSnapshot = stored.updateCount
    this.awareness = new Awareness(this.doc)
    this.awareness.setLocalState(null)
    this.doc.on('update', (update: Uint8Array, origin: unknown) => {
      this.pending.push({ update, origin: this.peers.has(origin as DocumentPeer) ? (origin as DocumentPeer) : null })
      this.scheduleFlush()
    })
    this.awareness.on('update', this.relayAwareness)
  }

  /**
   * Loads a document from storage. Rejects when storage cannot be read or holds bytes that do not
   * decode: a failed load never becomes an empty document.
   */
  static async load(
    name: string,
    storage: Storage,
    context: RelayContext,
    log: Logger,
    onIdle: (document: BoardDocument) => void,
    onStorageFailure: StorageFailureHandler,
  ): Promise<BoardDocument> {
    const endTimer = context.metrics.storageLoadSeconds.startTimer()
    const stored = await storage.loadDocument(name)
    endTimer()
    const document = new BoardDocument(name, storage, context, log, onIdle, onStorageFailure, {
      lastSeq: stored.lastSeq,
      updateCount: stored.updates.length,
    })
    document.doc.transact(() => {
      if (stored.snapshot) Y.applyUpdate(document.doc, stored.snapshot)
      for (const update of stored.updates) Y.applyUpdate(document.doc, update)
    }, document)
    // What was just loaded is already stored.
    document.pending = []
    return document
  }

  get peerCount(): number {
    return this.peers.size
  }

  /** Peers and other holders (see retain). */
  get holderCount(): number {
    return this.peers.size + this.retainers
  }

  get isFailed(): boolean {
    return this.failed
  }

  /** True once unloading has begun; the document takes no new peers after that. */
  get isClosed(): boolean {
    return this.closed
  }

  /** Starts a peer's session: our state vector (sync step 1) and everyone's presence. */
  addPeer(peer: DocumentPeer): void {
    this.cancelIdleTimer()
    this.peers.add(peer)
    this.peerClientIds.set(peer, new Set())
    peer.send(encodeSyncStep1(Y.encodeStateVector(this.doc)))
    const states = this.awareness.getStates()
    if (states.size > 0) {
      peer.send(encodeAwarenessMessage(encodeAwarenessUpdate(this.awareness, [...states.keys()])))
    }
  }

  removePeer(peer: DocumentPeer): void {
    if (!this.peers.delete(peer)) return
    const clientIds = this.peerClientIds.get(peer)
    this.peerClientIds.delete(peer)
    if (clientIds && clientIds.size > 0) removeAwarenessStates(this.awareness, [...clientIds], null)
    if (this.peers.size === 0 && this.retainers === 0) this.startIdleTimer()
  }

  /** Keeps the document loaded for a holder that is not a peer, until release(). */
  retain(): void {
    this.retainers++
    this.cancelIdleTimer()
  }

  release(): void {
    this.retainers = Math.max(0, this.retainers - 1)
    if (this.peers.size === 0 && this.retainers === 0) this.startIdleTimer()
  }

  /**
   * Answers a peer's sync step 1 with everything it lacks. Waits until what is in memory is
   * stored, so a peer is never handed state that a crash could still take back.
   */
  async answerSyncStep1(peer: DocumentPeer, stateVector: Uint8Array): Promise<void> {
    // Updates applied while we waited are not stored yet: wait for those too, then answer at once.
    do await this.flush()
    while (this.pending.length > 0 && !this.failed)
    if (!this.peers.has(peer) || this.failed) return
    peer.send(encodeSyncStep2(this.encodeStoredState(stateVector)))
  }

  /**
   * Whether an update holds items this document does not have. Only small updates are looked
   * into (this runs on the main thread, unscreened); a large one counts as new content.
   */
  hasContentBeyondState(update: Uint8Array): boolean {
    if (update.length > 64 * 1024) return true
    try {
      const theirs = Y.decodeStateVector(Y.encodeStateVectorFromUpdate(update))
      const ours = Y.decodeStateVector(Y.encodeStateVector(this.doc))
      for (const [client, clock] of theirs) if (clock > (ours.get(client) ?? 0)) return true
      return false
    } catch {
      return false
    }
  }

  /** Applies a peer's update; throws when the update does not decode. */
  applyPeerUpdate(peer: DocumentPeer, update: Uint8Array): void {
    Y.applyUpdate(this.doc, update, peer)
  }

  /**
   * Applies the entries of a peer's awareness message that speak for the peer itself. A peer owns
   * the client ids of its first awareness message that no other peer owns. Entries for other ids
   * are dropped: the stock y-websocket client echoes everyone's states back, and a hostile one
   * could claim to be someone else. Returns how many entries were dropped.
   */
  applyPeerAwareness(peer: DocumentPeer, update: Uint8Array, entries: AwarenessEntry[], stamp?: Record<string, unknown>): number {
    const owned = this.peerClientIds.get(peer)
    if (!owned) return entries.length
    if (owned.size === 0) {
      for (const entry of entries) if (entry.state !== null && !this.clientIdOwner(entry.clientId)) owned.add(entry.clientId)
    }
    let accepted = entries.filter((entry) => owned.has(entry.clientId))
    if (accepted.length > 0) {
      // Fields the server vouches for (the role the connection's token grants) replace whatever
      // the client said about itself.
      // Re-encoded only when something changes: our own client already states its true role.
      const needsStamp = (state: unknown) =>
        !!stamp && !!state && typeof state === 'object' && !Array.isArray(state) && Object.entries(stamp).some(([key, value]) => (state as Record<string, unknown>)[key] !== value)
      const stamped = accepted.some((entry) => needsStamp(entry.state))
      if (stamped) accepted = accepted.map((entry) => (needsStamp(entry.state) ? { ...entry, state: { ...(entry.state as object), ...stamp } } : entry))
      const unchanged = !stamped && accepted.length === entries.length
      applyAwarenessUpdate(this.awareness, unchanged ? update : encodeAwarenessEntries(accepted), peer)
    }
    return entries.length - accepted.length
  }

  /** Bytes of received updates that wait for dependencies that have not arrived. */
  get pendingUpdateBytes(): number {
    const store = this.doc.store
    return (store.pendingStructs?.update.length ?? 0) + (store.pendingDs?.length ?? 0)
  }

  /**
   * The document as stored: Yjs would also encode updates still waiting for missing
   * dependencies, which were never stored nor relayed, so they are left out.
   */
  private encodeStoredState(stateVector?: Uint8Array): Uint8Array {
    const store = this.doc.store
    const { pendingStructs, pendingDs } = store
    store.pendingStructs = null
    store.pendingDs = null
    try {
      return Y.encodeStateAsUpdate(this.doc, stateVector)
    } finally {
      store.pendingStructs = pendingStructs
      store.pendingDs = pendingDs
    }
  }

  /** Forgets updates that wait for missing dependencies; their senders resync to send them again. */
  dropPendingUpdates(): void {
    this.doc.store.pendingStructs = null
    this.doc.store.pendingDs = null
  }

  /** Every awareness state this document knows, for a peer that asked. */
  sendAllAwareness(peer: DocumentPeer): void {
    const clients = [...this.awareness.getStates().keys()]
    if (clients.length > 0) peer.send(encodeAwarenessMessage(encodeAwarenessUpdate(this.awareness, clients)))
  }

  /** Which peer, if any, owns this awareness client id. */
  private clientIdOwner(clientId: number): DocumentPeer | null {
    for (const [peer, ids] of this.peerClientIds) if (ids.has(clientId)) return peer
    return null
  }

  /** Stores everything pending, then relays it. Resolves when all earlier work is stored. */
  flush(): Promise<void> {
    this.flushScheduled = false
    if (this.pending.length === 0) return this.flushChain
    const batch = this.pending
    this.pending = []
    return this.enqueue(() =>
      this.storeAndRelay(batch, () => this.storage.appendUpdates(this.name, batch.map((pending) => pending.update))),
    )
  }

  /**
   * For the turn writer (turnWriter.ts), which stores many documents' updates in one
   * transaction: hands over what is pending, or null when earlier storage work of this document
   * is still on its way (then the document flushes on its own, keeping its order).
   */
  takePendingForTurn(): PendingUpdate[] | null {
    this.flushScheduled = false
    if (this.chainDepth > 0 || this.failed || this.pending.length === 0) return null
    const batch = this.pending
    this.pending = []
    return batch
  }

  /** The turn writer's transaction for a batch taken with takePendingForTurn. */
  completeTurn(batch: PendingUpdate[], stored: Promise<number>): Promise<void> {
    return this.enqueue(() => this.storeAndRelay(batch, () => stored))
  }

  /** Compacts the update log into a snapshot, after everything pending is stored. */
  compact(): Promise<void> {
    return this.enqueue(() => this.compactNow())
  }

  private enqueue(step: () => Promise<void>): Promise<void> {
    this.chainDepth++
    this.flushChain = this.flushChain.then(step).finally(() => {
      this.chainDepth--
    })
    return this.flushChain
  }

  /** Flushes, compacts and frees the document. Peers must already be gone. */
  async unload(): Promise<void> {
    this.closed = true
    this.cancelIdleTimer()
    await this.flush()
    if (!this.failed && this.updatesSinceSnapshot > 0) await this.compact()
    this.awareness.off('update', this.relayAwareness)
    this.awareness.destroy()
    this.doc.destroy()
  }

  /** Closes every peer (they will reconnect), e.g. on shutdown or after a storage failure. */
  closeAllPeers(code: number, reason: string): void {
    for (const peer of [...this.peers]) peer.close(code, reason)
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return
    this.flushScheduled = true
    this.context.turnWriter.schedule(this)
  }

  private async storeAndRelay(batch: PendingUpdate[], store: () => Promise<number>): Promise<void> {
    if (this.failed) return
    const endTimer = this.context.metrics.storageWriteSeconds.startTimer()
    try {
      this.lastSeq = await store()
    } catch (error) {
      this.failed = true
      this.context.metrics.storageFailures.inc()
      this.onStorageFailure(this, error)
      return
    } finally {
      endTimer()
    }
    this.updatesSinceSnapshot += batch.length
    this.context.metrics.updatesStored.inc(batch.length)
    this.relay(batch)
    this.context.onStored?.(this.name)
    if (this.updatesSinceSnapshot >= this.context.limits.compactAfterUpdates) void this.compact()
  }

  /** Sends each peer one frame with every update of the batch that did not come from it. */
  private relay(batch: PendingUpdate[]): void {
    const origins = new Set(batch.map((pending) => pending.origin))
    const mergedAll = batch.length === 1 ? batch[0].update : Y.mergeUpdates(batch.map((pending) => pending.update))
    const frameForAll = encodeSyncUpdate(mergedAll)
    for (const peer of this.peers) {
      if (!origins.has(peer)) {
        peer.send(frameForAll)
        continue
      }
      const others = batch.filter((pending) => pending.origin !== peer).map((pending) => pending.update)
      if (others.length > 0) peer.send(encodeSyncUpdate(others.length === 1 ? others[0] : Y.mergeUpdates(others)))
    }
  }

  private async compactNow(): Promise<void> {
    if (this.failed || this.updatesSinceSnapshot === 0 || this.pending.length > 0) return
    const throughSeq = this.lastSeq
    try {
      await this.storage.compactDocument(this.name, this.encodeStoredState(), throughSeq)
      this.updatesSinceSnapshot = 0
      this.log.debug({ throughSeq }, 'document compacted')
    } catch (error) {
      // The log is intact; compaction is retried after the next batch.
      this.log.warn({ err: error }, 'compaction failed')
    }
  }

  private relayAwareness = (
    changes: { added: number[]; updated: number[]; removed: number[] },
    origin: unknown,
  ): void => {
    const clients = [...changes.added, ...changes.updated, ...changes.removed]
    if (clients.length === 0) return
    const frame = encodeAwarenessMessage(encodeAwarenessUpdate(this.awareness, clients))
    for (const peer of this.peers) if (peer !== origin) peer.send(frame)
  }

  /** Starts the countdown to unloading; a new peer cancels it. */
  startIdleTimer(): void {
    this.cancelIdleTimer()
    if (this.closed) return
    this.idleTimer = setTimeout(() => this.onIdle(this), this.context.limits.documentIdleMs)
    this.idleTimer.unref()
  }

  private cancelIdleTimer(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer)
    this.idleTimer = null
  }
}
