/**
 * The backend for several servers sharing one store: PostgreSQL through a `pg` Pool, selected
 * with DATABASE_URL. Same promise as SQLite: a method resolves once its transaction has committed
 * (PostgreSQL's default synchronous_commit=on flushes the WAL before COMMIT returns), so the relay
 * relays an update only after it is durable.
 *
 * Several servers may write one document at once. Each document has a head row in `documents`
 * holding the last sequence number it was given; an append locks the heads of the documents it
 * writes (in name order, so two appends never wait on each other in a circle), takes sequence
 * numbers from one shared sequence only after that, and chains and checksums its rows exactly as
 * SQLite does (rowChecksum.ts). Loads read the snapshot and the log in one REPEATABLE READ
 * transaction and verify them as SQLite does: a damaged document is a DamagedDocumentError.
 *
 * Compaction: one compactor per document at a time (pg_try_advisory_xact_lock keyed by the
 * document; a compaction that finds the lock taken is skipped, the log simply stays longer), and
 * the snapshot is replaced and the covered rows deleted in one transaction. A snapshot handed in
 * covers what this server's copy of the document holds; when another server wrote the document
 * since this one loaded it (its head moved under us, or its snapshot changed), the rows it would
 * delete and the stored snapshot may hold updates that copy lacks, so they are merged into the
 * new snapshot (Yjs merges are idempotent) before anything is deleted: no update is lost.
 *
 * Every failure, PostgreSQL unreachable included, is a StorageError; the Pool opens new
 * connections once PostgreSQL is back, so service resumes by itself.
 *
 * @example
 *   const storage = await PostgresStorage.open('postgres://think@db.internal/think')
 */
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import * as Y from 'yjs'
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
import { migratePostgresDatabase } from './postgresSchema'
import { snapshotChecksum, updateChecksum } from './rowChecksum'
import { checkSnapshotRow, checkUpdateRow, verifyDocument, type SnapshotRow, type UpdateRow } from './storedRows'
import { StorageTrouble, type TroubleKind } from './storageTrouble'
import { BOARD_ROLES, isBoardRole, type BoardRole } from '../../shared/board/roles'
import { PostgresHistory } from './postgresHistory'

export interface PostgresStorageOptions {
  /**
   * Connections the pool opens at most.
   * @default 10
   */
  maxConnections?: number
  /**
   * How long getting a connection may take before the operation fails with a StorageError.
   * @default 5000
   */
  connectionTimeoutMs?: number
  /**
   * How long one statement may wait for PostgreSQL's answer before it fails with a StorageError
   * and its connection is dropped: without it, a network that silently stops carrying packets
   * would hold a board's writes until TCP gives up, many minutes later.
   * @default 15000
   */
  queryTimeoutMs?: number
  /** Told about connections that broke while idle (the pool replaces them), for the log. */
  onConnectionError?: (error: Error) => void
}

/** How many documents' write history is remembered; a forgotten one is compacted the careful way. */
const MAX_REMEMBERED_DOCUMENTS = 10_000

/** How often a transaction that PostgreSQL aborted as a deadlock or serialization failure is tried again. */
const MAX_TRANSACTION_ATTEMPTS = 3

/** SQLSTATEs that say the transaction may simply be tried again. */
const RETRYABLE_CODES = new Set(['40001', '40P01'])

function troubleKind(code: string | null): TroubleKind | null {
  if (!code) return null
  if (code === '53100') return 'full'
  if (code.startsWith('58')) return 'io'
  if (code === 'XX001' || code === 'XX002') return 'corrupt'
  return null
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

/** pg's own failure for a statement that got no answer in time (query_timeout); its connection is unusable. */
function isQueryTimeout(error: unknown): boolean {
  return error instanceof Error && error.message === 'Query read timeout'
}

function codeOf(error: unknown): string | null {
  const code = (error as { code?: unknown } | null)?.code
  return typeof code === 'string' ? code : null
}

/** bigint columns come back as numbers: sequence numbers and times stay far below 2^53. */
const TYPES = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === pg.types.builtins.INT8 ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
}

interface VoteRoundRow {
  board_id: string
  round_id: string
  number: number
  title: string
  card_ids: string
  budget: number
  anonymous: boolean
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

function toVoteRound(row: VoteRoundRow): StoredVoteRound {
  return {
    boardId: row.board_id,
    roundId: row.round_id,
    number: row.number,
    title: row.title,
    cardIds: JSON.parse(row.card_ids) as string[],
    budget: row.budget,
    anonymous: row.anonymous,
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

/**
 * What this server knows of a document's writers since it first saw it: the last sequence number
 * it saw, the snapshot it saw, and whether anyone else wrote the document since. Only while nobody
 * else did does a snapshot handed to compactDocument cover every stored row up to its sequence.
 */
interface DocumentHistory {
  lastSeq: number
  snapshotThrough: number
  othersWrote: boolean
}

/** A transaction's connection, and what to do once it has committed. */
interface Transaction {
  client: pg.PoolClient
  afterCommit(action: () => void): void
}

export class PostgresStorage implements Storage {
  private readonly trouble = new StorageTrouble()
  private readonly histories = new Map<string, DocumentHistory>()
  private closed = false
  private readonly history = new PostgresHistory({
    query: (sql, values) => this.query(sql, values),
    writing: (work) => this.writing(({ client }) => work(client)),
  })

  private constructor(private readonly pool: pg.Pool) {}

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

  /** Connects, applies pending migrations, and resolves once the store is ready; rejects with a StorageError. */
  static async open(connectionString: string, options: PostgresStorageOptions = {}): Promise<PostgresStorage> {
    const pool = new pg.Pool({
      connectionString,
      max: options.maxConnections ?? 10,
      connectionTimeoutMillis: options.connectionTimeoutMs ?? 5000,
      query_timeout: options.queryTimeoutMs ?? 15_000,
      keepAlive: true,
      types: TYPES,
    })
    // An idle connection that breaks is dropped by the pool; without a listener it would crash the process.
    pool.on('error', (error) => options.onConnectionError?.(error))
    const storage = new PostgresStorage(pool)
    try {
      const client = await pool.connect()
      try {
        await migratePostgresDatabase(client)
      } finally {
        client.release()
      }
    } catch (error) {
      await pool.end().catch(() => undefined)
      throw storage.failure(error)
    }
    return storage
  }

  async createBoard(board: BoardRecord, initialDocuments: InitialDocument[]): Promise<void> {
    await this.writing(async ({ client, afterCommit }) => {
      await client.query('INSERT INTO boards (id, title, problem, created_at) VALUES ($1, $2, $3, $4)', [board.id, board.title, board.problem, board.createdAt])
      return this.appendInTransaction(
        { client, afterCommit },
        initialDocuments.map(({ docName, update }) => ({ docName, updates: [update] })),
      )
    })
  }

  async getBoard(id: string): Promise<BoardRecord | null> {
    const row = (await this.query<{ id: string; title: string; problem: string; created_at: number }>('SELECT * FROM boards WHERE id = $1', [id]))[0]
    return row ? { id: row.id, title: row.title, problem: row.problem, createdAt: row.created_at } : null
  }

  async deleteBoard(id: string): Promise<boolean> {
    const existed = await this.writing(async ({ client }) => {
      // A board's documents are named `<id>` and `<id>.<kind>[.<personId>]`.
      for (const table of ['document_updates', 'document_snapshots', 'documents']) {
        await client.query(`DELETE FROM ${table} WHERE doc = $1 OR left(doc, length($1) + 1) = $1 || '.'`, [id])
      }
      for (const table of ['anonymous_cards', 'vote_rounds', 'ballots', 'people', 'assets', 'link_versions', 'history_steps']) {
        await client.query(`DELETE FROM ${table} WHERE board_id = $1`, [id])
      }
      return ((await client.query('DELETE FROM boards WHERE id = $1', [id])).rowCount ?? 0) > 0
    })
    for (const docName of [...this.histories.keys()]) if (docName === id || docName.startsWith(`${id}.`)) this.histories.delete(docName)
    return existed
  }

  async getLinkVersions(boardId: string): Promise<LinkVersions> {
    const versions = Object.fromEntries(BOARD_ROLES.map((role) => [role, { version: 0, expiresAt: null }])) as LinkVersions
    const rows = await this.query<{ role: string; version: number; expires_at: string | null }>(
      'SELECT role, version, expires_at FROM link_versions WHERE board_id = $1',
      [boardId],
    )
    for (const row of rows) {
      if (isBoardRole(row.role)) versions[row.role] = { version: row.version, expiresAt: row.expires_at === null ? null : Number(row.expires_at) }
    }
    return versions
  }

  async rotateLink(boardId: string, role: BoardRole, expiresAt: number | null): Promise<number> {
    const rows = await this.writing(
      async ({ client }) =>
        (
          await client.query<{ version: number }>(
            `INSERT INTO link_versions (board_id, role, version, expires_at, rotated_at) VALUES ($1, $2, 1, $3, $4)
             ON CONFLICT (board_id, role) DO UPDATE SET version = link_versions.version + 1, expires_at = excluded.expires_at, rotated_at = excluded.rotated_at
             RETURNING version`,
            [boardId, role, expiresAt, Date.now()],
          )
        ).rows,
    )
    if (!rows[0]) throw new StorageError('rotating the link stored no version')
    return rows[0].version
  }

  async loadDocument(docName: string): Promise<StoredDocument> {
    const { snapshotThrough, registered, ...stored } = await this.transaction(
      async ({ client }) => {
        const head = await client.query<{ registered: boolean } & Partial<SnapshotRow>>(
          `SELECT EXISTS (SELECT 1 FROM documents WHERE doc = $1) AS registered, snapshot.data, snapshot.through_seq, snapshot.checksum
           FROM (SELECT 1) AS one LEFT JOIN document_snapshots AS snapshot ON snapshot.doc = $1`,
          [docName],
        )
        const { registered, data, through_seq, checksum } = head.rows[0]
        const snapshot: SnapshotRow | null = data ? { data, through_seq: through_seq ?? 0, checksum: checksum ?? null } : null
        const rows = await client.query<UpdateRow>('SELECT seq, prev_seq, data, checksum FROM document_updates WHERE doc = $1 AND seq > $2 ORDER BY seq', [
          docName,
          snapshot?.through_seq ?? 0,
        ])
        return { ...verifyDocument(docName, registered, snapshot, rows.rows), registered }
      },
      { begin: 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY', docName },
    )
    // The first copy of a document this server loads is what its later compactions build on.
    if (registered && !this.histories.has(docName)) this.remember(docName, { lastSeq: stored.lastSeq, snapshotThrough, othersWrote: false })
    return stored
  }

  async appendUpdates(docName: string, updates: Uint8Array[]): Promise<number> {
    return (await this.appendUpdatesMany([{ docName, updates }]))[0]
  }

  async appendUpdatesMany(entries: Array<{ docName: string; updates: Uint8Array[] }>): Promise<number[]> {
    return this.writing((transaction) => this.appendInTransaction(transaction, entries))
  }

  async compactDocument(docName: string, snapshot: Uint8Array, throughSeq: number): Promise<void> {
    const compacted = await this.writing(async ({ client }) => {
      const locked = await client.query<{ locked: boolean }>(
        "SELECT pg_try_advisory_xact_lock(hashtext('think-together compaction ' || current_schema()), hashtext($1)) AS locked",
        [docName],
      )
      // Another server is compacting this document right now; the log stays as it is until next time.
      if (!locked.rows[0].locked) return null
      const stored = await client.query<{ through_seq: number }>('SELECT through_seq FROM document_snapshots WHERE doc = $1', [docName])
      const storedThrough = stored.rows[0]?.through_seq ?? 0
      const history = this.histories.get(docName)
      const coversEverything = history !== undefined && !history.othersWrote && history.snapshotThrough === storedThrough && throughSeq <= history.lastSeq
      let data = snapshot
      let through = throughSeq
      if (!coversEverything) {
        through = Math.max(throughSeq, storedThrough)
        data = await this.mergeStoredInto(client, docName, snapshot, through)
      }
      await client.query(
        `INSERT INTO document_snapshots (doc, data, through_seq, updated_at, checksum) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (doc) DO UPDATE SET data = excluded.data, through_seq = excluded.through_seq,
           updated_at = excluded.updated_at, checksum = excluded.checksum`,
        [docName, data, through, Date.now(), snapshotChecksum(docName, through, data)],
      )
      await client.query('DELETE FROM document_updates WHERE doc = $1 AND seq <= $2', [docName, through])
      await client.query('INSERT INTO documents (doc, last_seq) VALUES ($1, $2) ON CONFLICT (doc) DO NOTHING', [docName, through])
      return { through, merged: !coversEverything }
    })
    if (!compacted) return
    const history = this.histories.get(docName)
    // After a merge the stored snapshot holds updates the caller's copy may lack: stay careful.
    this.remember(docName, {
      lastSeq: Math.max(history?.lastSeq ?? 0, compacted.through),
      snapshotThrough: compacted.through,
      othersWrote: compacted.merged || (history?.othersWrote ?? true),
    })
  }

  /**
   * The stored snapshot, the stored updates up to `through` and the given snapshot, as one Yjs
   * update; each stored row is checked first, so a damaged one is refused, never folded in.
   */
  private async mergeStoredInto(client: pg.PoolClient, docName: string, snapshot: Uint8Array, through: number): Promise<Uint8Array> {
    const storedSnapshot = await client.query<SnapshotRow>('SELECT data, through_seq, checksum FROM document_snapshots WHERE doc = $1', [docName])
    const rows = await client.query<UpdateRow>('SELECT seq, prev_seq, data, checksum FROM document_updates WHERE doc = $1 AND seq <= $2 ORDER BY seq', [
      docName,
      through,
    ])
    const parts: Uint8Array[] = []
    const previous = storedSnapshot.rows[0]
    if (previous) {
      checkSnapshotRow(docName, previous)
      parts.push(previous.data)
    }
    for (const row of rows.rows) {
      checkUpdateRow(docName, row)
      parts.push(row.data)
    }
    parts.push(snapshot)
    try {
      const doc = new Y.Doc({ gc: true })
      doc.transact(() => {
        for (const part of parts) Y.applyUpdate(doc, part)
      })
      const merged = Y.encodeStateAsUpdate(doc)
      doc.destroy()
      return merged
    } catch (error) {
      throw new StorageError(`compacting ${docName}: the stored updates and the snapshot do not merge: ${messageOf(error)}`, 'MERGE_FAILED', { cause: error })
    }
  }

  /**
   * Appends each entry's updates inside the caller's transaction; resolves with each entry's last
   * sequence number. Locks the documents' head rows first, in name order (creating the heads of
   * new documents), then takes sequence numbers: under the lock, so a document's numbers grow in
   * the order its rows are chained even when several servers write it.
   */
  private async appendInTransaction({ client, afterCommit }: Transaction, entries: Array<{ docName: string; updates: Uint8Array[] }>): Promise<number[]> {
    const docNames = [...new Set(entries.filter((entry) => entry.updates.length > 0).map((entry) => entry.docName))].sort()
    const updateCount = entries.reduce((sum, entry) => sum + entry.updates.length, 0)
    if (updateCount === 0) return entries.map(() => 0)
    const heads = await client.query<{ doc: string; last_seq: number }>(
      `INSERT INTO documents (doc) SELECT doc FROM unnest($1::text[]) WITH ORDINALITY AS names (doc, position) ORDER BY position
       ON CONFLICT (doc) DO UPDATE SET doc = excluded.doc RETURNING doc, last_seq`,
      [docNames],
    )
    const headSeqs = new Map(heads.rows.map((row) => [row.doc, row.last_seq]))
    const seqs = (await client.query<{ seq: number }>("SELECT nextval('document_updates_seq') AS seq FROM generate_series(1, $1)", [updateCount])).rows
      .map((row) => row.seq)
      .sort((a, b) => a - b)
    const rows = { seq: [] as number[], doc: [] as string[], prevSeq: [] as number[], data: [] as Uint8Array[], checksum: [] as number[] }
    const written = new Map<string, number>()
    let next = 0
    const lastSeqs = entries.map(({ docName, updates }) => {
      let prevSeq = written.get(docName) ?? headSeqs.get(docName) ?? 0
      let lastSeq = 0
      for (const update of updates) {
        const seq = seqs[next++]
        rows.seq.push(seq)
        rows.doc.push(docName)
        rows.prevSeq.push(prevSeq)
        rows.data.push(update)
        rows.checksum.push(updateChecksum(docName, seq, prevSeq, update))
        prevSeq = lastSeq = seq
      }
      if (updates.length > 0) written.set(docName, prevSeq)
      return lastSeq
    })
    await client.query(
      `WITH inserted AS (
         INSERT INTO document_updates (seq, doc, prev_seq, data, checksum)
         SELECT * FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::bytea[], $5::bigint[])
       )
       UPDATE documents SET last_seq = heads.last_seq FROM unnest($6::text[], $7::bigint[]) AS heads (doc, last_seq)
       WHERE documents.doc = heads.doc`,
      [
        rows.seq,
        rows.doc,
        rows.prevSeq,
        rows.data.map((data) => Buffer.from(data.buffer, data.byteOffset, data.byteLength)),
        rows.checksum,
        [...written.keys()],
        [...written.values()],
      ],
    )
    // What the heads said before this append tells whether someone else wrote in between; it
    // becomes this server's knowledge once the transaction has committed.
    afterCommit(() => {
      for (const [docName, lastSeq] of written) {
        const history = this.histories.get(docName)
        const headSeq = headSeqs.get(docName) ?? 0
        const othersWrote = history ? history.othersWrote || history.lastSeq !== headSeq : headSeq !== 0
        this.remember(docName, { lastSeq, snapshotThrough: history?.snapshotThrough ?? 0, othersWrote })
      }
    })
    return lastSeqs
  }

  private remember(docName: string, history: DocumentHistory): void {
    this.histories.delete(docName)
    this.histories.set(docName, history)
    if (this.histories.size > MAX_REMEMBERED_DOCUMENTS) this.histories.delete(this.histories.keys().next().value as string)
  }

  async putAnonymousCard(boardId: string, cardId: string, claimKeyHash: string): Promise<void> {
    await this.write('INSERT INTO anonymous_cards (board_id, card_id, claim_key_hash, created_at) VALUES ($1, $2, $3, $4)', [
      boardId,
      cardId,
      claimKeyHash,
      Date.now(),
    ])
  }

  async getAnonymousCardClaimHash(boardId: string, cardId: string): Promise<string | null> {
    const rows = await this.query<{ claim_key_hash: string }>('SELECT claim_key_hash FROM anonymous_cards WHERE board_id = $1 AND card_id = $2', [
      boardId,
      cardId,
    ])
    return rows[0]?.claim_key_hash ?? null
  }

  async deleteAnonymousCard(boardId: string, cardId: string): Promise<void> {
    await this.write('DELETE FROM anonymous_cards WHERE board_id = $1 AND card_id = $2', [boardId, cardId])
  }

  async listDocumentNames(prefix: string): Promise<string[]> {
    const rows = await this.query<{ doc: string }>(
      `SELECT doc FROM documents WHERE left(doc, length($1)) = $1
       UNION SELECT doc FROM document_snapshots WHERE left(doc, length($1)) = $1
       UNION SELECT DISTINCT doc FROM document_updates WHERE left(doc, length($1)) = $1`,
      [prefix],
    )
    return rows.map((row) => row.doc)
  }

  async createVoteRound(round: StoredVoteRound): Promise<void> {
    await this.write(
      `INSERT INTO vote_rounds (board_id, round_id, number, title, card_ids, budget, anonymous, status, opened_at, closed_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [
        round.boardId,
        round.roundId,
        round.number,
        round.title,
        JSON.stringify(round.cardIds),
        round.budget,
        round.anonymous,
        round.status,
        round.openedAt,
        round.closedAt,
      ],
    )
  }

  async getVoteRound(boardId: string, roundId: string): Promise<StoredVoteRound | null> {
    const row = (await this.query<VoteRoundRow>('SELECT * FROM vote_rounds WHERE board_id = $1 AND round_id = $2', [boardId, roundId]))[0]
    return row ? toVoteRound(row) : null
  }

  async countVoteRounds(boardId: string): Promise<number> {
    return (await this.query<{ n: number }>('SELECT COUNT(*) AS n FROM vote_rounds WHERE board_id = $1', [boardId]))[0]?.n ?? 0
  }

  /**
   * The UPDATE waits for every putBallot holding the round's row (FOR SHARE) to commit; the
   * ballots read after it are then all that were accepted, and later putBallots see it closed.
   */
  async closeVoteRound(boardId: string, roundId: string, closedAt: number): Promise<StoredBallot[] | null> {
    return this.writing(async ({ client }) => {
      const closed = await client.query("UPDATE vote_rounds SET status = 'closed', closed_at = $1 WHERE board_id = $2 AND round_id = $3 AND status = 'open'", [
        closedAt,
        boardId,
        roundId,
      ])
      if (closed.rowCount === 0) return null
      const ballots = await client.query<BallotRow>('SELECT * FROM ballots WHERE board_id = $1 AND round_id = $2', [boardId, roundId])
      return ballots.rows.map(toBallot)
    })
  }

  async putBallot(boardId: string, roundId: string, ballot: StoredBallot): Promise<boolean> {
    return this.writing(async ({ client }) => {
      const round = await client.query<{ status: string }>('SELECT status FROM vote_rounds WHERE board_id = $1 AND round_id = $2 FOR SHARE', [boardId, roundId])
      if (round.rows[0]?.status !== 'open') return false
      await client.query(
        `INSERT INTO ballots (board_id, round_id, person_id, dots, voter, updated_at) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (board_id, round_id, person_id) DO UPDATE SET dots = excluded.dots, voter = excluded.voter, updated_at = excluded.updated_at`,
        [boardId, roundId, ballot.personId, JSON.stringify(ballot.dots), JSON.stringify(ballot.voter), ballot.updatedAt],
      )
      return true
    })
  }

  async getBallot(boardId: string, roundId: string, personId: string): Promise<StoredBallot | null> {
    const row = (await this.query<BallotRow>('SELECT * FROM ballots WHERE board_id = $1 AND round_id = $2 AND person_id = $3', [boardId, roundId, personId]))[0]
    return row ? toBallot(row) : null
  }

  async listBallots(boardId: string, roundId: string): Promise<StoredBallot[]> {
    return (await this.query<BallotRow>('SELECT * FROM ballots WHERE board_id = $1 AND round_id = $2', [boardId, roundId])).map(toBallot)
  }

  async createPerson(person: StoredPerson): Promise<void> {
    await this.write(
      `INSERT INTO people (board_id, person_id, role, name, color, practice, created_at, last_seen_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [person.boardId, person.personId, person.role, person.name, person.color, person.practice, person.createdAt, person.lastSeenAt],
    )
  }

  async getPerson(boardId: string, personId: string): Promise<StoredPerson | null> {
    const row = (await this.query<PersonRow>('SELECT * FROM people WHERE board_id = $1 AND person_id = $2', [boardId, personId]))[0]
    return row ? toPerson(row) : null
  }

  async updatePerson(boardId: string, personId: string, update: PersonUpdate): Promise<StoredPerson | null> {
    return this.writing(async ({ client }) => {
      const row = (await client.query<PersonRow>('SELECT * FROM people WHERE board_id = $1 AND person_id = $2 FOR UPDATE', [boardId, personId])).rows[0]
      if (!row) return null
      const person = { ...toPerson(row), ...update }
      await client.query('UPDATE people SET name = $3, color = $4, practice = $5, last_seen_at = $6 WHERE board_id = $1 AND person_id = $2', [
        boardId,
        personId,
        person.name,
        person.color,
        person.practice,
        person.lastSeenAt,
      ])
      return person
    })
  }

  async listPeople(boardId: string): Promise<StoredPerson[]> {
    return (await this.query<PersonRow>('SELECT * FROM people WHERE board_id = $1 ORDER BY created_at, person_id', [boardId])).map(toPerson)
  }

  async putAsset(boardId: string, assetId: string, asset: StoredAsset, limits?: { maxBoardBytes: number }): Promise<PutAssetOutcome> {
    return this.writing(async ({ client }) => {
      // One upload to a board at a time, across servers, so two cannot both fit in the last room.
      await client.query("SELECT pg_advisory_xact_lock(hashtextextended('assets:' || $1, 0))", [boardId])
      const { rows } = await client.query<{ bytes: string; present: boolean }>(
        `SELECT COALESCE(SUM(octet_length(data)), 0) AS bytes, COALESCE(BOOL_OR(asset_id = $2), false) AS present
         FROM assets WHERE board_id = $1`,
        [boardId, assetId],
      )
      const before = Number(rows[0].bytes)
      const after = rows[0].present ? before : before + asset.data.byteLength
      if (!rows[0].present && limits && after > limits.maxBoardBytes) return { stored: false, reason: 'over-quota', boardBytes: before }
      await client.query(
        `INSERT INTO assets (board_id, asset_id, mime_type, data, created_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (board_id, asset_id) DO UPDATE SET created_at = excluded.created_at`,
        [boardId, assetId, asset.mimeType, Buffer.from(asset.data.buffer, asset.data.byteOffset, asset.data.byteLength), Date.now()],
      )
      return { stored: true, boardBytes: after }
    })
  }

  async listAssets(boardId: string): Promise<AssetSummary[]> {
    const rows = await this.query<{ asset_id: string; bytes: number; created_at: string }>(
      'SELECT asset_id, octet_length(data) AS bytes, created_at FROM assets WHERE board_id = $1 ORDER BY created_at, asset_id',
      [boardId],
    )
    return rows.map((row) => ({ assetId: row.asset_id, bytes: Number(row.bytes), uploadedAt: Number(row.created_at) }))
  }

  async deleteAssets(boardId: string, assetIds: string[], uploadedBefore: number): Promise<{ removed: string[]; bytes: number }> {
    if (assetIds.length === 0) return { removed: [], bytes: 0 }
    return this.writing(async ({ client }) => {
      await client.query("SELECT pg_advisory_xact_lock(hashtextextended('assets:' || $1, 0))", [boardId])
      const { rows } = await client.query<{ asset_id: string; bytes: number }>(
        'DELETE FROM assets WHERE board_id = $1 AND asset_id = ANY($2::text[]) AND created_at < $3 RETURNING asset_id, octet_length(data) AS bytes',
        [boardId, assetIds, uploadedBefore],
      )
      return { removed: rows.map((row) => row.asset_id), bytes: rows.reduce((sum, row) => sum + Number(row.bytes), 0) }
    })
  }

  async getAsset(boardId: string, assetId: string): Promise<StoredAsset | null> {
    const row = (
      await this.query<{ mime_type: string; data: Buffer }>('SELECT mime_type, data FROM assets WHERE board_id = $1 AND asset_id = $2', [boardId, assetId])
    )[0]
    return row ? { mimeType: row.mime_type, data: new Uint8Array(row.data) } : null
  }

  /** Writes the probe row and reads it back in one transaction, so servers probing at once do not read each other's nonce. */
  async checkHealth(): Promise<StorageHealth> {
    try {
      const nonce = randomBytes(8).toString('hex')
      const readBack = await this.writing(async ({ client }) => {
        await client.query(
          `INSERT INTO health_probe (id, nonce, written_at) VALUES (1, $1, $2)
           ON CONFLICT (id) DO UPDATE SET nonce = excluded.nonce, written_at = excluded.written_at`,
          [nonce, Date.now()],
        )
        return (await client.query<{ nonce: string }>('SELECT nonce FROM health_probe WHERE id = 1')).rows[0]?.nonce
      })
      if (readBack !== nonce) return { ok: false, reason: 'storage read back something other than what was just written' }
    } catch (error) {
      return { ok: false, reason: `storage cannot be written or read: ${messageOf(error)}` }
    }
    const reason = this.trouble.reason
    return reason ? { ok: false, reason } : { ok: true }
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    await this.pool.end()
  }

  private async query<Row extends pg.QueryResultRow>(sql: string, values: unknown[]): Promise<Row[]> {
    try {
      return (await this.pool.query<Row>(sql, values)).rows
    } catch (error) {
      throw this.failure(error)
    }
  }

  private async write(sql: string, values: unknown[]): Promise<void> {
    await this.writing(({ client }) => client.query(sql, values))
  }

  /** A write transaction; a commit clears a remembered full disk or I/O error. */
  private async writing<T>(work: (transaction: Transaction) => Promise<T>): Promise<T> {
    const result = await this.transaction(work)
    this.trouble.writeSucceeded()
    return result
  }

  /**
   * Runs `work` in a transaction on one pooled connection and commits it; rolls back and throws a
   * StorageError otherwise. A connection whose rollback fails is broken and is not given back to
   * the pool. A deadlock or serialization failure is tried again from the start.
   */
  private async transaction<T>(work: (transaction: Transaction) => Promise<T>, options: { begin?: string; docName?: string } = {}): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      let client: pg.PoolClient
      try {
        client = await this.pool.connect()
      } catch (error) {
        throw this.failure(error, options.docName)
      }
      const committed: Array<() => void> = []
      // A checked-out connection that breaks emits 'error' besides failing its query; unheard,
      // that would end the process. The query's own failure is what this transaction reports.
      let broken = false
      const onConnectionError = () => {
        broken = true
      }
      client.on('error', onConnectionError)
      try {
        await client.query(options.begin ?? 'BEGIN')
        const result = await work({ client, afterCommit: (action) => committed.push(action) })
        await client.query('COMMIT')
        for (const action of committed) action()
        return result
      } catch (error) {
        if (isQueryTimeout(error)) broken = true
        if (!broken) {
          broken = await client.query('ROLLBACK').then(
            () => false,
            () => true,
          )
        }
        if (!broken && attempt < MAX_TRANSACTION_ATTEMPTS && RETRYABLE_CODES.has(codeOf(error) ?? '')) continue
        throw this.failure(error, options.docName)
      } finally {
        client.off('error', onConnectionError)
        client.release(broken)
      }
    }
  }

  /** Turns any failure into a StorageError, remembering the ones that say the store is in trouble. */
  private failure(error: unknown, docName?: string): StorageError {
    if (error instanceof StorageError) return error
    const code = codeOf(error)
    const kind = troubleKind(code)
    if (kind) this.trouble.record(kind, `${code}: ${messageOf(error)}`)
    if (kind === 'corrupt' && docName) {
      return new DamagedDocumentError(docName, `PostgreSQL reports corrupt data where this document is stored (${code}: ${messageOf(error)})`, { cause: error })
    }
    return new StorageError(`PostgreSQL: ${messageOf(error)}`, code, { cause: error })
  }
}
