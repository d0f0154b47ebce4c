/**
 * The relay in-process, as the app wires it (real SQLite on disk, the board policy as its hooks,
 * the real update screen), with peers that speak the y-websocket protocol over a test socket pair
 * instead of a network, and a clock the test advances by hand. Rules get tests that take
 * milliseconds and wait on conditions; a few end-to-end tests elsewhere prove the whole process.
 *
 * @example
 *   const harness = await startRelayHarness()
 *   const board = await harness.createBoard()
 *   const member = harness.connect(board.id, board.tokens.member)
 *   await member.synced()
 *   member.doc.getMap('m').set('k', 1)
 *   await harness.close()
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import pino from 'pino'
import * as Y from 'yjs'
import * as encoding from 'lib0/encoding'
import * as decoding from 'lib0/decoding'
import * as syncProtocol from 'y-protocols/sync'
import * as awarenessProtocol from 'y-protocols/awareness'
import { readAuthMessage } from 'y-protocols/auth'
import { MessageType } from '../../shared/protocol/messages'
import type { BoardRole } from '../../shared/board/roles'
import { BOARD_ROLES } from '../../shared/board/roles'
import { controlDocName } from '../../shared/board/docNames'
import { TokenAuthority } from '../../server/auth/tokens'
import { encodeBoardSeed } from '../../server/boards/boardSeed'
import { RelayMetrics } from '../../server/metrics/relayMetrics'
import { BoardPolicy } from '../../server/policy/boardPolicy'
import type { Clock, RelayContext } from '../../server/relay/context'
import type { DocumentFanout } from '../../server/relay/fanout'
import { DEFAULT_RELAY_LIMITS, type RelayLimits } from '../../server/relay/limits'
import { Relay } from '../../server/relay/relay'
import type { RelayConnection } from '../../server/relay/connection'
import type { RelaySocket } from '../../server/relay/socket'
import { TurnWriter } from '../../server/relay/turnWriter'
import { UpdateScreen } from '../../server/relay/updateScreen'
import { SqliteStorage } from '../../server/storage/sqliteStorage'
import { HistoryRecorder } from '../../server/history/historyRecorder'

/** A clock that moves only when the test says so. */
export class ManualClock implements Clock {
  private time = 1_000_000
  private timers: Array<{ at: number; run: () => void }> = []

  now = (): number => this.time

  setTimeout = (run: () => void, ms: number): (() => void) => {
    const timer = { at: this.time + ms, run }
    this.timers.push(timer)
    return () => {
      this.timers = this.timers.filter((candidate) => candidate !== timer)
    }
  }

  /** Moves time forward, running every timer that falls due, in order. */
  advance(ms: number): void {
    const until = this.time + ms
    for (;;) {
      const due = this.timers.filter((timer) => timer.at <= until).sort((a, b) => a.at - b.at)[0]
      if (!due) break
      this.timers = this.timers.filter((timer) => timer !== due)
      this.time = due.at
      due.run()
    }
    this.time = until
  }
}

export interface HarnessBoard {
  id: string
  tokens: Record<BoardRole, string>
}

/** One peer's end of the socket pair: a Y.Doc synced the way the stock y-websocket client syncs. */
export class TestPeer {
  readonly awareness: awarenessProtocol.Awareness
  readonly denials: string[] = []
  /** Every frame the server sent this peer, in order, across reconnects. */
  readonly frames: Uint8Array[] = []
  closed: { code: number; reason: string } | null = null
  connects = 0
  private connection: RelayConnection | null = null
  private socket: RelaySocket | null = null
  private isSynced = false
  /** Frames the server sent while the peer was not reading (see stopReading). */
  private unread: Uint8Array[] | null = null
  /** Bytes sent and not yet delivered (in the next turn of the event loop, as a socket would), part of bufferedAmount. */
  private inFlight = 0

  constructor(
    private readonly relay: Relay,
    readonly docName: string,
    readonly token: string,
    readonly doc: Y.Doc,
  ) {
    this.awareness = new awarenessProtocol.Awareness(doc)
    doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin === this) return
      const encoder = encoding.createEncoder()
      encoding.writeVarUint(encoder, MessageType.sync)
      syncProtocol.writeUpdate(encoder, update)
      this.send(encoding.toUint8Array(encoder))
    })
    this.awareness.on('update', ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }, origin: unknown) => {
      if (origin === this) return
      this.sendAwareness([...added, ...updated, ...removed])
    })
    this.connect()
  }

  get isOpen(): boolean {
    return this.connection !== null && this.closed === null
  }

  get synced(): boolean {
    return this.isSynced
  }

  /** Opens (or reopens, after a close) the connection, as the stock client does on reconnect. */
  connect(): void {
    this.closed = null
    this.isSynced = false
    this.connects++
    const socket: RelaySocket = {
      get bufferedAmount() {
        return unreadBytes()
      },
      send: (frame) => {
        const copy = frame.slice()
        if (this.unread) {
          this.unread.push(copy)
          return
        }
        this.deliverSoon(socket, copy)
      },
      close: (code, reason) => {
        if (this.socket !== socket) return
        this.closed = { code, reason }
        this.connection = null
        this.socket = null
      },
    }
    const unreadBytes = (): number => (this.socket === socket ? this.unreadBytes : 0)
    this.socket = socket
    this.connection = this.relay.accept(socket, { docName: this.docName, token: this.token, remoteAddress: '127.0.0.1' })
    if (this.socket !== socket) this.connection = null
    const encoder = encoding.createEncoder()
    encoding.writeVarUint(encoder, MessageType.sync)
    syncProtocol.writeSyncStep1(encoder, this.doc)
    this.send(encoding.toUint8Array(encoder))
    if (this.awareness.getLocalState() !== null) this.sendAwareness([this.doc.clientID])
  }

  /** Bytes the server sent that the peer has not read (its socket's bufferedAmount). */
  get unreadBytes(): number {
    return (this.unread ?? []).reduce((sum, frame) => sum + frame.length, 0) + this.inFlight
  }

  private deliverSoon(socket: RelaySocket, frame: Uint8Array): void {
    this.inFlight += frame.length
    setImmediate(() => {
      this.inFlight -= frame.length
      if (this.socket === socket) this.receive(frame)
    })
  }

  /** The peer stops reading: what the server sends stays queued in its socket (bufferedAmount). */
  stopReading(): void {
    this.unread ??= []
  }

  /** The peer reads again: everything queued meanwhile arrives, in order. */
  resumeReading(): void {
    const unread = this.unread ?? []
    this.unread = null
    for (const frame of unread) if (this.socket) this.deliverSoon(this.socket, frame)
  }

  /** The client goes away (its tab closes). */
  disconnect(): void {
    this.connection?.transportClosed()
    this.connection = null
    this.socket = null
  }

  /** Sends raw bytes, as a modified client could. */
  send(frame: Uint8Array): void {
    this.connection?.receive(frame)
  }

  private sendAwareness(clients: number[]): void {
    const encoder = encoding.createEncoder()
    encoding.writeVarUint(encoder, MessageType.awareness)
    encoding.writeVarUint8Array(encoder, awarenessProtocol.encodeAwarenessUpdate(this.awareness, clients))
    this.send(encoding.toUint8Array(encoder))
  }

  private receive(frame: Uint8Array): void {
    if (!this.connection) return
    this.frames.push(frame)
    const decoder = decoding.createDecoder(frame)
    const type = decoding.readVarUint(decoder)
    if (type === MessageType.sync) {
      const encoder = encoding.createEncoder()
      encoding.writeVarUint(encoder, MessageType.sync)
      const kind = syncProtocol.readSyncMessage(decoder, encoder, this.doc, this)
      if (kind === syncProtocol.messageYjsSyncStep2) this.isSynced = true
      if (encoding.length(encoder) > 1) this.send(encoding.toUint8Array(encoder))
    } else if (type === MessageType.awareness) {
      awarenessProtocol.applyAwarenessUpdate(this.awareness, decoding.readVarUint8Array(decoder), this)
    } else if (type === MessageType.auth) {
      readAuthMessage(decoder, this.doc, (_doc, reason) => this.denials.push(reason))
    }
  }
}

export interface RelayHarness {
  readonly relay: Relay
  readonly policy: BoardPolicy
  readonly storage: SqliteStorage
  readonly tokens: TokenAuthority
  readonly clock: ManualClock
  /** The history recorder, when the harness was started with `history`. */
  readonly history: HistoryRecorder | null
  createBoard(title?: string, problem?: string): Promise<HarnessBoard>
  /** A personal token for a new person on the board, optionally named. */
  person(boardId: string, role: BoardRole, name?: string): Promise<{ personId: string; token: string }>
  connect(docName: string, token: string, doc?: Y.Doc): TestPeer
  close(): Promise<void>
}

export interface HarnessOptions {
  limits?: Partial<RelayLimits>
  /** Another harness's storage and token secret: a second instance of one service. */
  shareWith?: RelayHarness
  /** Changes between instances (e.g. a RedisFanout). */
  fanout?: DocumentFanout
  /** Keep history: steps of `stepMs` on the harness clock, stamped with `now()` (wall time). */
  history?: { stepMs: number; now: () => number; retentionMs?: number | null }
}

export async function startRelayHarness(options: HarnessOptions = {}): Promise<RelayHarness> {
  const { limits = {}, shareWith, fanout } = options
  const dataDir = mkdtempSync(join(tmpdir(), 'think-together-harness-'))
  const storage = shareWith?.storage ?? new SqliteStorage(join(dataDir, 'think-together.sqlite'))
  const tokens = shareWith?.tokens ?? new TokenAuthority(randomBytes(32))
  const clock = new ManualClock()
  const log = pino({ level: process.env.HARNESS_LOG ?? 'silent' })
  const context: RelayContext = {
    limits: { ...DEFAULT_RELAY_LIMITS, ...limits },
    metrics: new RelayMetrics(),
    screen: new UpdateScreen({ timeBudgetMs: 1000, heapBudgetMb: 128 }),
    turnWriter: new TurnWriter(storage),
    clock,
    fanout,
  }
  const history = options.history
    ? new HistoryRecorder({ storage, log, clock, now: options.history.now, stepMs: options.history.stepMs, retentionMs: options.history.retentionMs ?? null })
    : null
  if (history) context.history = history
  const policy = new BoardPolicy({ tokens, storage, log })
  const relay = new Relay(storage, context, log, policy)
  policy.attach(relay)
  const peers: TestPeer[] = []
  return {
    relay,
    policy,
    storage,
    tokens,
    clock,
    history,
    async createBoard(title = 'How do we hand over patients safely?', problem = 'Handovers lose information.') {
      const id = randomBytes(16).toString('base64url')
      await storage.createBoard({ id, title, problem, createdAt: Date.now() }, [{ docName: controlDocName(id), update: encodeBoardSeed(title, problem) }])
      const entries = await Promise.all(BOARD_ROLES.map(async (role) => [role, await tokens.sign({ boardId: id, role })] as const))
      return { id, tokens: Object.fromEntries(entries) as Record<BoardRole, string> }
    },
    async person(boardId, role, name) {
      const issued = await policy.people.issue(boardId, role)
      if (name) await policy.people.rename(boardId, issued.personId, { name, color: issued.color, practice: '' })
      return { personId: issued.personId, token: await tokens.sign({ boardId, role, personId: issued.personId }) }
    },
    connect(docName, token, doc = new Y.Doc()) {
      const peer = new TestPeer(relay, docName, token, doc)
      peers.push(peer)
      return peer
    },
    async close() {
      for (const peer of peers) peer.disconnect()
      await relay.shutdown()
      if (!shareWith) await storage.close()
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

/** Resolves once `condition` holds, checking after every turn of the event loop (fails after `timeoutMs`). */
export async function until(condition: () => boolean, what = 'condition', timeoutMs = 5000): Promise<void> {
  const started = Date.now()
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setImmediate(resolve))
  }
}
