/**
 * The embedded default backend: one SQLite file in DATA_DIR, written with better-sqlite3 in WAL
 * mode with synchronous=FULL, so a transaction that has returned survives a process crash and a
 * power cut. better-sqlite3 is synchronous: each method does its work before its promise is made.
 *
 * What it stores checks out when read back: every update and snapshot row carries a checksum
 * (rowChecksum.ts), every update names the one it follows in its document, and `documents` lists
 * every document ever stored; loadDocument verifies all of it and throws DamagedDocumentError
 * rather than answer a damaged document. Checksums cost no query: sequence numbers are allocated
 * here (one server per DATA_DIR, see dataDirectory.ts) and each document's last one is remembered.
 * The WAL is checkpointed in a thread of its own (walCheckpointer.ts), never inside a commit on
 * the event loop, and truncated once the database sits idle (without the worker, also right
 * after compaction).
 */
import { randomBytes } from 'node:crypto'
import Database from 'better-sqlite3'
import {
  DamagedDocumentError,
  StorageError,
  type BoardRecord,
  type InitialDocument,
  type LinkVersions,
  type PersonUpdate,
  type Storage,
  type StorageHealth,
  type HistoryStep,
  type HistoryStepSummary,
  type HistoryTail,
  type StoredAsset,
  type AssetSummary,
  type PutAssetOutcome,
  type StoredBallot,
  type StoredDocument,
  type StoredPerson,
  type StoredVoteRound,
} from './storage'
import { migrateSqliteDatabase } from './sqliteSchema'
import { snapshotChecksum, updateChecksum } from './rowChecksum'
import { verifyDocument, type SnapshotRow, type UpdateRow } from './storedRows'
import { StorageTrouble, type TroubleKind } from './storageTrouble'
import { BOARD_ROLES, isBoardRole, type BoardRole } from '../../shared/board/roles'
import { SqliteHistory } from './sqliteHistory'
import { WalCheckpointer } from './walCheckpointer'

export interface SqliteStorageOptions {
  /**
   * How long the database sits without a write before its WAL is checkpointed and truncated.
   * @default 1000
   */
  idleCheckpointMs?: number
  /**
   * Checkpoints in a worker thread (see walCheckpointer.ts); false leaves them to SQLite's
   * automatic checkpoint on this connection.
   * @default true
   */
  checkpointInWorker?: boolean
}

/**
 * The size a checkpoint leaves the WAL file at (PRAGMA journal_size_limit); about what the
 * automatic checkpoint lets it grow to (1000 pages), so it is not shrunk only to grow again.
 */
const JOURNAL_SIZE_LIMIT_BYTES = 4 * 1024 * 1024

/** How many documents' last sequence numbers are remembered; a forgotten one costs one lookup. */
const MAX_REMEMBERED_DOCUMENTS = 10_000

function troubleKind(code: string | null): TroubleKind | null {
  if (!code) return null
  if (code === 'SQLITE_FULL') return 'full'
  if (code.startsWith('SQLITE_IOERR')) return 'io'
  if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB') return 'corrupt'
  return null
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

interface VoteRoundRow {
  board_id: string
  round_id: string
  number: number
  title: string
  card_ids: string
  budget: number
  anonymous: number
  status: string
  opened_at: number
  closed_at: number | null
}

interface BallotRow {
  person_id: string
  dots: string
  voter: string
  updated_at: number
}

function toVoteRound(row: VoteRoundRow): StoredVoteRound {
  return {
    boardId: row.board_id,
    roundId: row.round_id,
    number: row.number,
    title: row.title,
    cardIds: JSON.parse(row.card_ids) as string[],
    budget: row.budget,
    anonymous: row.anonymous === 1,
    status: row.status === 'closed' ? 'closed' : 'open',
    openedAt: row.opened_at,
    closedAt: row.closed_at,
  }
}

function toBallot(row: BallotRow): StoredBallot {
  return {
    personId: row.person_id,
    dots: JSON.parse(row.dots) as Record<string, number>,
    voter: JSON.parse(row.voter) as StoredBallot['voter'],
    updatedAt: row.updated_at,
  }
}

interface PersonRow {
  board_id: string
  person_id: string
  role: StoredPerson['role']
  name: string | null
  color: string
  practice: string
  created_at: number
  last_seen_at: number
}

function toPerson(row: PersonRow): StoredPerson {
  return {
    boardId: row.board_id,
    personId: row.person_id,
    role: row.role,
    name: row.name,
    color: row.color,
    practice: row.practice,
    createdAt: row.created_at,
    lastSeenAt: row.last_seen_at,
  }
}

interface BoardRow {
  id: string
  title: string
  problem: string
  created_at: number
}

export class SqliteStorage implements Storage {
  private readonly db: Database.Database
  private readonly statements
  private readonly history: SqliteHistory
  private readonly trouble = new StorageTrouble()
  private readonly idleCheckpointMs: number
  private idleTimer: NodeJS.Timeout | null = null
  private readonly checkpointer: WalCheckpointer | null = null
  private closed = false
  /** The next sequence number to hand out; read from the database on the first append. */
  private nextSeq: number | null = null
  /** Each remembered document's last sequence number (its last update, or what its snapshot covers). */
  private readonly lastSeqs = new Map<string, number>()

  constructor(filename: string, options: SqliteStorageOptions = {}) {
    this.idleCheckpointMs = options.idleCheckpointMs ?? 1000
    try {
      this.db = new Database(filename)
    } catch (error) {
      throw this.failure(error)
    }
    try {
      this.db.pragma('journal_mode = WAL')
      this.db.pragma('synchronous = FULL')
      this.db.pragma('busy_timeout = 200')
      this.db.pragma(`journal_size_limit = ${JOURNAL_SIZE_LIMIT_BYTES}`)
      migrateSqliteDatabase(this.db)
    } catch (error) {
      this.db.close()
      throw this.failure(error)
    }
    if (options.checkpointInWorker !== false && !this.db.memory) {
      this.checkpointer = WalCheckpointer.start(this.db.name, this.db, { journalSizeLimit: JOURNAL_SIZE_LIMIT_BYTES })
    }
    this.statements = {
      insertBoard: this.db.prepare('INSERT INTO boards (id, title, problem, created_at) VALUES (@id, @title, @problem, @createdAt)'),
      selectBoard: this.db.prepare<[string], BoardRow>('SELECT * FROM boards WHERE id = ?'),
      insertUpdate: this.db.prepare<[number, string, number, Uint8Array, number]>(
        'INSERT INTO document_updates (seq, doc, prev_seq, data, checksum) VALUES (?, ?, ?, ?, ?)',
      ),
      selectUpdates: this.db.prepare<[string, number], UpdateRow>(
        'SELECT seq, prev_seq, data, checksum FROM document_updates WHERE doc = ? AND seq > ? ORDER BY seq',
      ),
      selectLastUpdateSeq: this.db.prepare<[string], { seq: number | null }>('SELECT MAX(seq) AS seq FROM document_updates WHERE doc = ?'),
      selectHighestSeq: this.db.prepare<[], { seq: number | null }>(
        `SELECT MAX(seq) AS seq FROM (
           SELECT MAX(seq) AS seq FROM document_updates
           UNION ALL SELECT seq FROM sqlite_sequence WHERE name = 'document_updates')`,
      ),
      selectSnapshot: this.db.prepare<[string], SnapshotRow>('SELECT data, through_seq, checksum FROM document_snapshots WHERE doc = ?'),
      selectSnapshotThrough: this.db.prepare<[string], { through_seq: number }>('SELECT through_seq FROM document_snapshots WHERE doc = ?'),
      upsertSnapshot: this.db.prepare<[string, Uint8Array, number, number, number]>(
        `INSERT INTO document_snapshots (doc, data, through_seq, updated_at, checksum) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (doc) DO UPDATE SET data = excluded.data, through_seq = excluded.through_seq,
           updated_at = excluded.updated_at, checksum = excluded.checksum`,
      ),
      deleteUpdatesThrough: this.db.prepare<[string, number]>('DELETE FROM document_updates WHERE doc = ? AND seq <= ?'),
      registerDocument: this.db.prepare<[string]>('INSERT INTO documents (doc) VALUES (?) ON CONFLICT (doc) DO NOTHING'),
      selectRegistered: this.db.prepare<[string], { doc: string }>('SELECT doc FROM documents WHERE doc = ?'),
      insertAnonymousCard: this.db.prepare<[string, string, string, number]>(
        'INSERT INTO anonymous_cards (board_id, card_id, claim_key_hash, created_at) VALUES (?, ?, ?, ?)',
      ),
      selectAnonymousCard: this.db.prepare<[string, string], { claim_key_hash: string }>(
        'SELECT claim_key_hash FROM anonymous_cards WHERE board_id = ? AND card_id = ?',
      ),
      deleteAnonymousCard: this.db.prepare<[string, string]>('DELETE FROM anonymous_cards WHERE board_id = ? AND card_id = ?'),
      selectDocumentNames: this.db.prepare<[number, string, number, string, number, string], { doc: string }>(
        `SELECT DISTINCT doc FROM document_updates WHERE substr(doc, 1, ?) = ?
         UNION SELECT doc FROM document_snapshots WHERE substr(doc, 1, ?) = ?
         UNION SELECT doc FROM documents WHERE substr(doc, 1, ?) = ?`,
      ),
      insertVoteRound: this.db.prepare(
        `INSERT INTO vote_rounds (board_id, round_id, number, title, card_ids, budget, anonymous, status, opened_at, closed_at)
         VALUES (@boardId, @roundId, @number, @title, @cardIds, @budget, @anonymous, @status, @openedAt, @closedAt)`,
      ),
      selectVoteRound: this.db.prepare<[string, string], VoteRoundRow>('SELECT * FROM vote_rounds WHERE board_id = ? AND round_id = ?'),
      countVoteRounds: this.db.prepare<[string], { n: number }>('SELECT COUNT(*) AS n FROM vote_rounds WHERE board_id = ?'),
      closeVoteRound: this.db.prepare<[number, string, string]>(
        "UPDATE vote_rounds SET status = 'closed', closed_at = ? WHERE board_id = ? AND round_id = ? AND status = 'open'",
      ),
      selectRoundStatus: this.db.prepare<[string, string], { status: string }>('SELECT status FROM vote_rounds WHERE board_id = ? AND round_id = ?'),
      upsertBallot: this.db.prepare<[string, string, string, string, string, number]>(
        `INSERT INTO ballots (board_id, round_id, person_id, dots, voter, updated_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (board_id, round_id, person_id) DO UPDATE SET dots = excluded.dots, voter = excluded.voter, updated_at = excluded.updated_at`,
      ),
      insertPerson: this.db.prepare(
        `INSERT INTO people (board_id, person_id, role, name, color, practice, created_at, last_seen_at)
         VALUES (@boardId, @personId, @role, @name, @color, @practice, @createdAt, @lastSeenAt)`,
      ),
      selectPerson: this.db.prepare<[string, string], PersonRow>('SELECT * FROM people WHERE board_id = ? AND person_id = ?'),
      updatePerson: this.db.prepare(
        `UPDATE people SET name = @name, color = @color, practice = @practice, last_seen_at = @lastSeenAt
         WHERE board_id = @boardId AND person_id = @personId`,
      ),
      selectPeople: this.db.prepare<[string], PersonRow>('SELECT * FROM people WHERE board_id = ? ORDER BY created_at, person_id'),
      selectBallot: this.db.prepare<[string, string, string], BallotRow>('SELECT * FROM ballots WHERE board_id = ? AND round_id = ? AND person_id = ?'),
      selectBallots: this.db.prepare<[string, string], BallotRow>('SELECT * FROM ballots WHERE board_id = ? AND round_id = ?'),
      upsertAsset: this.db.prepare<[string, string, string, Uint8Array, number]>(
        `INSERT INTO assets (board_id, asset_id, mime_type, data, created_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (board_id, asset_id) DO UPDATE SET created_at = excluded.created_at`,
      ),
      sumAssetBytes: this.db.prepare<[string], { bytes: number }>('SELECT COALESCE(SUM(length(data)), 0) AS bytes FROM assets WHERE board_id = ?'),
      selectAssetPresent: this.db.prepare<[string, string], { one: number }>('SELECT 1 AS one FROM assets WHERE board_id = ? AND asset_id = ?'),
      selectAssetSummaries: this.db.prepare<[string], { asset_id: string; bytes: number; created_at: number }>(
        'SELECT asset_id, length(data) AS bytes, created_at FROM assets WHERE board_id = ? ORDER BY created_at, asset_id',
      ),
      deleteAssetBefore: this.db.prepare<[string, string, number], { bytes: number }>(
        'DELETE FROM assets WHERE board_id = ? AND asset_id = ? AND created_at < ? RETURNING length(data) AS bytes',
      ),
      selectAsset: this.db.prepare<[string, string], { mime_type: string; data: Buffer }>(
        'SELECT mime_type, data FROM assets WHERE board_id = ? AND asset_id = ?',
      ),
      upsertProbe: this.db.prepare<[string, number]>(
        `INSERT INTO health_probe (id, nonce, written_at) VALUES (1, ?, ?)
         ON CONFLICT (id) DO UPDATE SET nonce = excluded.nonce, written_at = excluded.written_at`,
      ),
      selectProbe: this.db.prepare<[], { nonce: string }>('SELECT nonce FROM health_probe WHERE id = 1'),
      selectLinkVersions: this.db.prepare<[string], { role: string; version: number; expires_at: number | null }>(
        'SELECT role, version, expires_at FROM link_versions WHERE board_id = ?',
      ),
      rotateLink: this.db.prepare<[string, string, number | null, number], { version: number }>(
        `INSERT INTO link_versions (board_id, role, version, expires_at, rotated_at) VALUES (?, ?, 1, ?, ?)
         ON CONFLICT (board_id, role) DO UPDATE SET version = link_versions.version + 1, expires_at = excluded.expires_at, rotated_at = excluded.rotated_at
         RETURNING version`,
      ),
      deleteBoardDocuments: ['document_updates', 'document_snapshots', 'documents'].map((table) =>
        this.db.prepare<[string, number, string]>(`DELETE FROM ${table} WHERE doc = ? OR substr(doc, 1, ?) = ?`),
      ),
      deleteBoardRows: ['anonymous_cards', 'vote_rounds', 'ballots', 'people', 'assets', 'link_versions', 'history_steps'].map((table) =>
        this.db.prepare<[string]>(`DELETE FROM ${table} WHERE board_id = ?`),
      ),
      deleteBoard: this.db.prepare<[string]>('DELETE FROM boards WHERE id = ?'),
    }
    this.history = new SqliteHistory(this.db, {
      writing: (operation) => this.writing(operation),
      reading: (operation, docName) => this.reading(operation, docName),
    })
  }

  appendHistoryStep(boardId: string, step: HistoryStep): Promise<void> {
    return this.history.appendHistoryStep(boardId, step)
  }

  historyTail(docName: string): Promise<HistoryTail | null> {
    return this.history.historyTail(docName)
  }

  listHistory(boardId: string, from: number): Promise<HistoryStepSummary[]> {
    return this.history.listHistory(boardId, from)
  }

  readHistoryAt(docName: string, at: number): Promise<Uint8Array[]> {
    return this.history.readHistoryAt(docName, at)
  }

  pruneHistory(boardId: string, before: number): Promise<number> {
    return this.history.pruneHistory(boardId, before)
  }

  async createBoard(board: BoardRecord, initialDocuments: InitialDocument[]): Promise<void> {
    this.writing(() =>
      this.appendInTransaction(
        initialDocuments.map(({ docName, update }) => ({ docName, updates: [update] })),
        () => this.statements.insertBoard.run(board),
      ),
    )
  }

  /** Whether the WAL is checkpointed by the worker thread (false: by SQLite, inside commits). */
  get checkpointsInWorker(): boolean {
    return this.checkpointer?.active ?? false
  }

  async getBoard(id: string): Promise<BoardRecord | null> {
    const row = this.reading(() => this.statements.selectBoard.get(id))
    return row ? { id: row.id, title: row.title, problem: row.problem, createdAt: row.created_at } : null
  }

  async deleteBoard(id: string): Promise<boolean> {
    const existed = this.writing(() =>
      this.db.transaction((): boolean => {
        // A board's documents are named `<id>` and `<id>.<kind>[.<personId>]`.
        for (const statement of this.statements.deleteBoardDocuments) statement.run(id, id.length + 1, `${id}.`)
        for (const statement of this.statements.deleteBoardRows) statement.run(id)
        return this.statements.deleteBoard.run(id).changes > 0
      })(),
    )
    for (const docName of [...this.lastSeqs.keys()]) if (docName === id || docName.startsWith(`${id}.`)) this.lastSeqs.delete(docName)
    return existed
  }

  async getLinkVersions(boardId: string): Promise<LinkVersions> {
    const versions = Object.fromEntries(BOARD_ROLES.map((role) => [role, { version: 0, expiresAt: null }])) as LinkVersions
    for (const row of this.reading(() => this.statements.selectLinkVersions.all(boardId))) {
      if (isBoardRole(row.role)) versions[row.role] = { version: row.version, expiresAt: row.expires_at }
    }
    return versions
  }

  async rotateLink(boardId: string, role: BoardRole, expiresAt: number | null): Promise<number> {
    const row = this.writing(() => this.statements.rotateLink.get(boardId, role, expiresAt, Date.now()))
    if (!row) throw new StorageError('rotating the link stored no version')
    return row.version
  }

  async loadDocument(docName: string): Promise<StoredDocument> {
    const stored = this.reading(() => this.db.transaction(() => this.readVerified(docName))(), docName)
    this.remember(docName, stored.lastSeq)
    return stored
  }

  async appendUpdates(docName: string, updates: Uint8Array[]): Promise<number> {
    return this.writing(() => this.appendInTransaction([{ docName, updates }]))[0]
  }

  async appendUpdatesMany(entries: Array<{ docName: string; updates: Uint8Array[] }>): Promise<number[]> {
    return this.writing(() => this.appendInTransaction(entries))
  }

  async compactDocument(docName: string, snapshot: Uint8Array, throughSeq: number): Promise<void> {
    this.writing(() =>
      this.db.transaction(() => {
        this.statements.upsertSnapshot.run(docName, snapshot, throughSeq, Date.now(), snapshotChecksum(docName, throughSeq, snapshot))
        this.statements.deleteUpdatesThrough.run(docName, throughSeq)
        this.statements.registerDocument.run(docName)
      })(),
    )
    // The log just shrank: move the WAL into the database file and give its space back. The
    // checkpoint worker moves it meanwhile (the commit above told it to); the file is truncated
    // once the database sits idle, as a truncation here would stall the event loop.
    if (!this.checkpointer?.active) this.checkpoint()
  }

  /**
   * Reads a document and checks it: the snapshot's and every update's checksum, the chain of
   * updates from the snapshot (or from nothing) to the last one, and that a document listed as
   * stored has rows and a document with rows is listed. Runs inside a read transaction.
   */
  private readVerified(docName: string): StoredDocument {
    const registered = this.statements.selectRegistered.get(docName) !== undefined
    const snapshot = this.statements.selectSnapshot.get(docName) ?? null
    const rows = this.statements.selectUpdates.all(docName, snapshot?.through_seq ?? 0)
    const { snapshot: stored, updates, lastSeq } = verifyDocument(docName, registered, snapshot, rows)
    return { snapshot: stored, updates, lastSeq }
  }

  /**
   * Appends each entry's updates, in one transaction with `alsoInTransaction`; resolves with each
   * entry's last sequence number. Each row gets its sequence number, the one of the update it
   * follows and its checksum without a query: the last sequence numbers come from memory, and
   * only become the remembered ones once the transaction has committed.
   */
  private appendInTransaction(entries: Array<{ docName: string; updates: Uint8Array[] }>, alsoInTransaction?: () => void): number[] {
    const written = new Map<string, number>()
    const lastSeqs = this.db.transaction(() => {
      alsoInTransaction?.()
      return entries.map(({ docName, updates }) => {
        let prevSeq = written.get(docName) ?? this.lastSeqOf(docName)
        let lastSeq = 0
        for (const update of updates) {
          const seq = this.allocateSeq()
          this.statements.insertUpdate.run(seq, docName, prevSeq, update, updateChecksum(docName, seq, prevSeq, update))
          if (prevSeq === 0) this.statements.registerDocument.run(docName)
          prevSeq = lastSeq = seq
        }
        written.set(docName, prevSeq)
        return lastSeq
      })
    })()
    for (const [docName, seq] of written) this.remember(docName, seq)
    return lastSeqs
  }

  /** A document's last sequence number: remembered, or looked up once (its last update, or what its snapshot covers). */
  private lastSeqOf(docName: string): number {
    const remembered = this.lastSeqs.get(docName)
    if (remembered !== undefined) return remembered
    const lastUpdate = this.statements.selectLastUpdateSeq.get(docName)?.seq ?? 0
    const snapshotThrough = this.statements.selectSnapshotThrough.get(docName)?.through_seq ?? 0
    return Math.max(lastUpdate, snapshotThrough)
  }

  /** Sequence numbers only grow: a number handed out in a transaction that rolled back stays used. */
  private allocateSeq(): number {
    this.nextSeq ??= (this.statements.selectHighestSeq.get()?.seq ?? 0) + 1
    return this.nextSeq++
  }

  private remember(docName: string, lastSeq: number): void {
    this.lastSeqs.delete(docName)
    this.lastSeqs.set(docName, lastSeq)
    if (this.lastSeqs.size > MAX_REMEMBERED_DOCUMENTS) this.lastSeqs.delete(this.lastSeqs.keys().next().value as string)
  }

  async putAnonymousCard(boardId: string, cardId: string, claimKeyHash: string): Promise<void> {
    this.writing(() => this.statements.insertAnonymousCard.run(boardId, cardId, claimKeyHash, Date.now()))
  }

  async getAnonymousCardClaimHash(boardId: string, cardId: string): Promise<string | null> {
    return this.reading(() => this.statements.selectAnonymousCard.get(boardId, cardId))?.claim_key_hash ?? null
  }

  async deleteAnonymousCard(boardId: string, cardId: string): Promise<void> {
    this.writing(() => this.statements.deleteAnonymousCard.run(boardId, cardId))
  }

  async listDocumentNames(prefix: string): Promise<string[]> {
    const n = prefix.length
    return this.reading(() => this.statements.selectDocumentNames.all(n, prefix, n, prefix, n, prefix)).map((row) => row.doc)
  }

  async createVoteRound(round: StoredVoteRound): Promise<void> {
    this.writing(() =>
      this.statements.insertVoteRound.run({
        ...round,
        cardIds: JSON.stringify(round.cardIds),
        anonymous: round.anonymous ? 1 : 0,
      }),
    )
  }

  async getVoteRound(boardId: string, roundId: string): Promise<StoredVoteRound | null> {
    const row = this.reading(() => this.statements.selectVoteRound.get(boardId, roundId))
    return row ? toVoteRound(row) : null
  }

  async countVoteRounds(boardId: string): Promise<number> {
    return this.reading(() => this.statements.countVoteRounds.get(boardId))?.n ?? 0
  }

  async closeVoteRound(boardId: string, roundId: string, closedAt: number): Promise<StoredBallot[] | null> {
    return this.writing(() =>
      this.db.transaction((): StoredBallot[] | null => {
        if (this.statements.closeVoteRound.run(closedAt, boardId, roundId).changes === 0) return null
        return this.statements.selectBallots.all(boardId, roundId).map(toBallot)
      })(),
    )
  }

  async putBallot(boardId: string, roundId: string, ballot: StoredBallot): Promise<boolean> {
    return this.writing(() =>
      this.db.transaction((): boolean => {
        if (this.statements.selectRoundStatus.get(boardId, roundId)?.status !== 'open') return false
        this.statements.upsertBallot.run(boardId, roundId, ballot.personId, JSON.stringify(ballot.dots), JSON.stringify(ballot.voter), ballot.updatedAt)
        return true
      })(),
    )
  }

  async createPerson(person: StoredPerson): Promise<void> {
    this.writing(() => this.statements.insertPerson.run(person))
  }

  async getPerson(boardId: string, personId: string): Promise<StoredPerson | null> {
    const row = this.reading(() => this.statements.selectPerson.get(boardId, personId))
    return row ? toPerson(row) : null
  }

  async updatePerson(boardId: string, personId: string, update: PersonUpdate): Promise<StoredPerson | null> {
    return this.writing(() =>
      this.db.transaction((): StoredPerson | null => {
        const row = this.statements.selectPerson.get(boardId, personId)
        if (!row) return null
        const person = { ...toPerson(row), ...update }
        this.statements.updatePerson.run(person)
        return person
      })(),
    )
  }

  async listPeople(boardId: string): Promise<StoredPerson[]> {
    return this.reading(() => this.statements.selectPeople.all(boardId)).map(toPerson)
  }

  async getBallot(boardId: string, roundId: string, personId: string): Promise<StoredBallot | null> {
    const row = this.reading(() => this.statements.selectBallot.get(boardId, roundId, personId))
    return row ? toBallot(row) : null
  }

  async listBallots(boardId: string, roundId: string): Promise<StoredBallot[]> {
    return this.reading(() => this.statements.selectBallots.all(boardId, roundId)).map(toBallot)
  }

  async putAsset(boardId: string, assetId: string, asset: StoredAsset, limits?: { maxBoardBytes: number }): Promise<PutAssetOutcome> {
    return this.writing(
      this.db.transaction((): PutAssetOutcome => {
        const before = this.statements.sumAssetBytes.get(boardId)?.bytes ?? 0
        const present = this.statements.selectAssetPresent.get(boardId, assetId) !== undefined
        const after = present ? before : before + asset.data.byteLength
        if (!present && limits && after > limits.maxBoardBytes) return { stored: false, reason: 'over-quota', boardBytes: before }
        this.statements.upsertAsset.run(boardId, assetId, asset.mimeType, asset.data, Date.now())
        return { stored: true, boardBytes: after }
      }),
    )
  }

  async listAssets(boardId: string): Promise<AssetSummary[]> {
    return this.reading(() => this.statements.selectAssetSummaries.all(boardId)).map((row) => ({
      assetId: row.asset_id,
      bytes: row.bytes,
      uploadedAt: row.created_at,
    }))
  }

  async deleteAssets(boardId: string, assetIds: string[], uploadedBefore: number): Promise<{ removed: string[]; bytes: number }> {
    return this.writing(
      this.db.transaction(() => {
        const removed: string[] = []
        let bytes = 0
        for (const assetId of assetIds) {
          const row = this.statements.deleteAssetBefore.get(boardId, assetId, uploadedBefore)
          if (!row) continue
          removed.push(assetId)
          bytes += row.bytes
        }
        return { removed, bytes }
      }),
    )
  }

  async getAsset(boardId: string, assetId: string): Promise<StoredAsset | null> {
    const row = this.reading(() => this.statements.selectAsset.get(boardId, assetId))
    return row ? { mimeType: row.mime_type, data: new Uint8Array(row.data) } : null
  }

  async checkHealth(): Promise<StorageHealth> {
    try {
      // After a full disk or I/O errors, empty the WAL first: a probe that fits in WAL space the
      // file already has would succeed on a disk that is still full.
      if (this.trouble.hasTransient) this.checkpoint()
      const nonce = randomBytes(8).toString('hex')
      this.writing(() => this.statements.upsertProbe.run(nonce, Date.now()))
      if (this.reading(() => this.statements.selectProbe.get())?.nonce !== nonce) {
        return { ok: false, reason: 'storage read back something other than what was just written' }
      }
    } catch (error) {
      return { ok: false, reason: `storage cannot be written or read: ${messageOf(error)}` }
    }
    const reason = this.trouble.reason
    return reason ? { ok: false, reason } : { ok: true }
  }

  async close(): Promise<void> {
    this.closed = true
    if (this.idleTimer) clearTimeout(this.idleTimer)
    // The worker's connection goes first, so that closing the last one checkpoints and removes the WAL.
    await this.checkpointer?.close()
    this.db.close()
  }

  /** Runs a write; a success clears a remembered full disk or I/O error. */
  private writing<T>(operation: () => T): T {
    try {
      const result = operation()
      this.trouble.writeSucceeded()
      return result
    } catch (error) {
      throw this.failure(error)
    } finally {
      this.checkpointer?.wrote()
      this.scheduleIdleCheckpoint()
    }
  }

  /** Runs a read; with `docName`, a corrupt file where the document is stored is a damaged document. */
  private reading<T>(operation: () => T, docName?: string): T {
    try {
      return operation()
    } catch (error) {
      throw this.failure(error, docName)
    }
  }

  /** Turns any failure into a StorageError, remembering the ones that say the store is in trouble. */
  private failure(error: unknown, docName?: string): StorageError {
    if (error instanceof StorageError) return error
    const code = error instanceof Database.SqliteError ? error.code : null
    const kind = troubleKind(code)
    if (kind) this.trouble.record(kind, `${code}: ${messageOf(error)}`)
    if (kind === 'corrupt' && docName) {
      return new DamagedDocumentError(docName, `the database file is corrupt where this document is stored (${code}: ${messageOf(error)})`, { cause: error })
    }
    return new StorageError(messageOf(error), code, { cause: error })
  }

  /** Moves the WAL into the database file and truncates it, here; a checkpoint that readers hold up does what it can. */
  private checkpoint(): void {
    if (this.closed) return
    try {
      this.db.pragma('wal_checkpoint(TRUNCATE)')
    } catch (error) {
      this.failure(error)
    }
  }

  private scheduleIdleCheckpoint(): void {
    if (this.closed) return
    if (this.idleTimer) {
      this.idleTimer.refresh()
      return
    }
    this.idleTimer = setTimeout(() => this.checkpoint(), this.idleCheckpointMs)
    this.idleTimer.unref()
  }
}
