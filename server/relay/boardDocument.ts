/**
 * One loaded document: its Y.Doc, the awareness of everyone connected to it, and the batching of
 * updates between clients and storage.
 *
 * Durability rule: an update is committed to storage before it is relayed to anyone. Updates that
 * arrive within one event-loop turn are collected, appended in one transaction, and then sent as
 * one merged frame to each connection (leaving out each connection's own updates).
 */
import * as Y from 'yjs'
import { Awareness, applyAwarenessUpdate, encodeAwarenessUpdate, removeAwarenessStates } from 'y-protocols/awareness'
import type { Logger } from 'pino'
import type { Storage } from '../storage/storage'
import type { RelayContext } from './context'
import { REMOTE_ORIGIN } from './fanout'
import { encodeAwarenessEntries, encodeAwarenessMessage, encodeSyncStep1, encodeSyncStep2, encodeSyncUpdate, type AwarenessEntry } from './protocol'

/** What a document needs from a connection; implemented by RelayConnection. */
export interface DocumentPeer {
  readonly id: string
  /** A frame for this peer alone (an answer, a request): always queued. */
  send(frame: Uint8Array): void
  /**
   * A frame relayed to every peer: a change, which builds on the document state `since`, or a
   * presence change (`since` null). A peer that has fallen behind may skip it and ask for a
   * catch-up later (BoardDocument.catchUp).
   */
  sendRelayed(frame: Uint8Array, since: ReadonlyMap<number, number> | null): void
  /** Closes the connection; the document is told through removePeer. */
  close(code: number, reason: string): void
}

/** Puts what the server vouches for into a presence state (see ConnectionSession.stampPresence). */
export interface PresenceStamper {
  stampPresence(state: Record<string, unknown>): Record<string, unknown>
}

export interface PendingUpdate {
  update: Uint8Array
  origin: DocumentPeer | null
  /** Came from another instance, which stored it: relayed here, not stored again. */
  remote: boolean
  /** The document's state vector before this update was applied. */
  before: ReadonlyMap<number, number>
}

/** The updates of a batch this instance must store. */
export function localUpdates(batch: PendingUpdate[]): Uint8Array[] {
  return batch.filter((pending) => !pending.remote).map((pending) => pending.update)
}

/**
 * A busy board reaches COMPACT_AFTER_UPDATES within seconds; compacting encodes the whole
 * document and commits a snapshot, so it waits at least this long between two compactions (the
 * log grows meanwhile, which costs a little more at the next load, not an edit's latency).
 */
const MIN_COMPACTION_INTERVAL_MS = 10_000

/** A state vector that lists no client: its asker holds nothing of the document. */
function isEmptyStateVector(stateVector: Uint8Array): boolean {
  return stateVector.length === 1 && stateVector[0] === 0
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
  private idleTimer: (() => void) | null = null
  private failed = false
  private closed = false
  /** Holders other than peers that need the document loaded (e.g. a canvas reading its lock). */
  private retainers = 0
  /** When the log was last compacted while loaded; a busy board compacts at most this often. */
  private compactedAt = Number.NEGATIVE_INFINITY
  /**
   * The stored snapshot this document was loaded from, while nothing has changed it since: the
   * whole document as stored, already encoded, for a client that has nothing yet (a cold load
   * then costs the server no encoding of the board). Dropped at the first change.
   */
  private loadedSnapshot: Uint8Array | null = null
  /** The state vector of what was loaded from storage (before any hook or client changed it). */
  stateVectorAtLoad: Uint8Array = new Uint8Array([0])

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
    this.doc.on('update', (update: Uint8Array, origin: unknown, _doc: Y.Doc, transaction: Y.Transaction) => {
      this.loadedSnapshot = null
      const peer = this.peers.has(origin as DocumentPeer) ? (origin as DocumentPeer) : null
      this.pending.push({ update, origin: peer, remote: origin === REMOTE_ORIGIN, before: transaction.beforeState })
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
    /**
     * Told of a document stored as one snapshot, read and verified, before it is applied here;
     * when it sent those bytes to someone it returns a promise, and the apply (which holds the
     * event loop) waits for it.
     */
    onStoredSnapshot?: (snapshot: Uint8Array) => Promise<void> | null,
  ): Promise<BoardDocument> {
    const endTimer = context.metrics.storageLoadSeconds.startTimer()
    const stored = await storage.loadDocument(name)
    endTimer()
    const sent = stored.snapshot && stored.updates.length === 0 ? onStoredSnapshot?.(stored.snapshot) : null
    if (sent) await sent
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
    document.stateVectorAtLoad = Y.encodeStateVector(document.doc)
    // A document stored as one snapshot (every unloaded one is compacted) is its own encoding.
    if (stored.snapshot && stored.updates.length === 0) document.loadedSnapshot = stored.snapshot
    context.history?.documentLoaded(document)
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
   * Asks a peer for everything it has that this document lacks (sync step 1 with our state
   * vector); the stock client answers with sync step 2. Used once a peer whose changes were held
   * may write again.
   */
  askToResync(peer: DocumentPeer): void {
    if (!this.peers.has(peer)) return
    peer.send(encodeSyncStep1(Y.encodeStateVector(this.doc)))
  }

  /**
   * A peer that fell behind and skipped relayed frames has read what was queued for it: sends it,
   * as one sync step 2, everything after `since` (the state the first change it skipped built on;
   * it holds at least that), once stored, and everyone's presence, departures included.
   */
  async catchUp(peer: DocumentPeer, since: ReadonlyMap<number, number> | null): Promise<void> {
    // Presence first: the changes may be large, and a frame sent after them would find the
    // connection's queue full again before it has had a chance to read them.
    const clients = [...this.awareness.meta.keys()]
    if (clients.length > 0) peer.send(encodeAwarenessMessage(encodeAwarenessUpdate(this.awareness, clients)))
    if (since) await this.answerSyncStep1(peer, Y.encodeStateVector(since as Map<number, number>))
  }

  /** Applies a peer's update; throws when the update does not decode. */
  applyPeerUpdate(peer: DocumentPeer, update: Uint8Array): void {
    Y.applyUpdate(this.doc, update, peer)
  }

  /**
   * Applies the entries of a peer's awareness message that speak for the peer itself. A peer owns
   * the client ids of its first awareness message that no other peer owns. Entries for other ids
   * are dropped: the stock y-websocket client echoes everyone's states back, and a hostile one
   * could claim to be someone else. What the server vouches for (role, identity) is stamped into
   * each state by `stamper`; the message is re-encoded only when that changed something. Returns
   * how many entries were dropped.
   */
  applyPeerAwareness(peer: DocumentPeer, update: Uint8Array, entries: AwarenessEntry[], stamper?: PresenceStamper | null): number {
    const owned = this.peerClientIds.get(peer)
    if (!owned) return entries.length
    if (owned.size === 0) {
      for (const entry of entries) if (entry.state !== null && !this.clientIdOwner(entry.clientId)) owned.add(entry.clientId)
    }
    const accepted = entries.filter((entry) => owned.has(entry.clientId))
    if (accepted.length > 0) {
      let restamped = false
      const stamped = accepted.map((entry) => {
        const state = entry.state
        if (!stamper || !state || typeof state !== 'object' || Array.isArray(state)) return entry
        const next = stamper.stampPresence(state as Record<string, unknown>)
        if (next === state) return entry
        restamped = true
        return { ...entry, state: next }
      })
      const unchanged = !restamped && accepted.length === entries.length
      applyAwarenessUpdate(this.awareness, unchanged ? update : encodeAwarenessEntries(stamped), peer)
    }
    return entries.length - accepted.length
  }

  /** Bytes of received updates that wait for dependencies that have not arrived. */
  get pendingUpdateBytes(): number {
    const store = this.doc.store
    return (store.pendingStructs?.update.length ?? 0) + (store.pendingDs?.length ?? 0)
  }

  /** What this document holds beyond `stateVector` (everything without one), as stored; for history. */
  encodeStoredUpdate(stateVector?: Uint8Array): Uint8Array {
    return this.encodeStoredState(stateVector)
  }

  /**
   * The document as stored: Yjs would also encode updates still waiting for missing
   * dependencies, which were never stored nor relayed, so they are left out.
   */
  private encodeStoredState(stateVector?: Uint8Array): Uint8Array {
    // Nothing changed since the load, and the asker has nothing: what was loaded is the answer.
    if (this.loadedSnapshot && (!stateVector || isEmptyStateVector(stateVector))) return this.loadedSnapshot
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
    return this.enqueue(() => this.storeAndRelay(batch, () => this.storage.appendUpdates(this.name, localUpdates(batch))))
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
    if (!this.failed) await this.context.history?.documentUnloading(this)
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
    const local = localUpdates(batch)
    if (local.length > 0) {
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
      this.updatesSinceSnapshot += local.length
      this.context.metrics.updatesStored.inc(local.length)
    }
    this.relay(batch)
    if (local.length > 0) {
      this.context.fanout?.publishUpdate(this.name, local.length === 1 ? local[0] : Y.mergeUpdates(local))
      this.context.hooks?.onStored?.(this.name)
    }
    if (this.updatesSinceSnapshot >= this.context.limits.compactAfterUpdates && this.context.clock.now() - this.compactedAt >= MIN_COMPACTION_INTERVAL_MS) {
      this.compactedAt = this.context.clock.now()
      void this.compact()
    }
  }

  /** Another instance's committed update to this document: applied and relayed here, not stored. */
  applyRemoteUpdate(update: Uint8Array): void {
    if (this.closed) return
    Y.applyUpdate(this.doc, update, REMOTE_ORIGIN)
  }

  /** Another instance's presence change: relayed to this instance's connections. */
  applyRemoteAwareness(awarenessUpdate: Uint8Array): void {
    if (this.closed) return
    applyAwarenessUpdate(this.awareness, awarenessUpdate, REMOTE_ORIGIN)
  }

  /**
   * Catches up with what other instances stored while their changes could not reach us (the
   * fan-out was down): everything in storage is applied here as theirs (relayed, not stored again).
   */
  async catchUpFromStorage(): Promise<void> {
    if (this.closed) return
    const stored = await this.storage.loadDocument(this.name)
    this.doc.transact(() => {
      if (stored.snapshot) Y.applyUpdate(this.doc, stored.snapshot)
      for (const update of stored.updates) Y.applyUpdate(this.doc, update)
    }, REMOTE_ORIGIN)
  }

  /** Every presence this instance's connections have, for instances that lost track of them. */
  encodeLocalAwareness(): Uint8Array | null {
    const clients = [...this.peerClientIds.values()].flatMap((ids) => [...ids]).filter((id) => this.awareness.getStates().has(id))
    return clients.length > 0 ? encodeAwarenessUpdate(this.awareness, clients) : null
  }

  /**
   * Sends the batch to every peer as one merged frame. When the batch holds the updates of one
   * sender only, that sender is left out; when several peers sent in the same turn, each gets the
   * same frame, its own updates included (Yjs ignores what a document already holds), so a turn
   * costs one merge and one encoding however many peers took part.
   */
  private relay(batch: PendingUpdate[]): void {
    const origin = batch[0].origin
    const oneSender = batch.every((pending) => pending.origin === origin)
    const merged = batch.length === 1 ? batch[0].update : Y.mergeUpdates(batch.map((pending) => pending.update))
    const frame = encodeSyncUpdate(merged)
    const since = batch[0].before
    for (const peer of this.peers) if (!oneSender || peer !== origin) peer.sendRelayed(frame, since)
  }

  private async compactNow(): Promise<void> {
    if (this.failed || this.updatesSinceSnapshot === 0 || this.pending.length > 0) return
    try {
      // Alone, this instance's copy is the stored document. With other instances writing too, it
      // may not yet hold what they stored: the snapshot is then made from storage itself.
      let snapshot: Uint8Array
      let throughSeq: number
      if (this.context.fanout) {
        const stored = await this.storage.loadDocument(this.name)
        snapshot = Y.mergeUpdates([...(stored.snapshot ? [stored.snapshot] : []), ...stored.updates])
        throughSeq = stored.lastSeq
      } else {
        snapshot = this.encodeStoredState()
        throughSeq = this.lastSeq
      }
      await this.storage.compactDocument(this.name, snapshot, throughSeq)
      this.updatesSinceSnapshot = 0
      this.log.debug({ throughSeq }, 'document compacted')
    } catch (error) {
      // The log is intact; compaction is retried after the next batch.
      this.log.warn({ err: error }, 'compaction failed')
    }
  }

  private relayAwareness = (changes: { added: number[]; updated: number[]; removed: number[] }, origin: unknown): void => {
    const clients = [...changes.added, ...changes.updated, ...changes.removed]
    if (clients.length === 0) return
    const update = encodeAwarenessUpdate(this.awareness, clients)
    const frame = encodeAwarenessMessage(update)
    for (const peer of this.peers) if (peer !== origin) peer.sendRelayed(frame, null)
    if (origin !== REMOTE_ORIGIN) this.context.fanout?.publishAwareness(this.name, update)
  }

  /** Starts the countdown to unloading; a new peer cancels it. */
  startIdleTimer(): void {
    this.cancelIdleTimer()
    if (this.closed) return
    this.idleTimer = this.context.clock.setTimeout(() => this.onIdle(this), this.context.limits.documentIdleMs)
  }

  private cancelIdleTimer(): void {
    this.idleTimer?.()
    this.idleTimer = null
  }
}
