/**
 * The embedded default backend: one SQLite file in DATA_DIR, written with better-sqlite3 in WAL
 * mode with synchronous=FULL, so a transaction that has returned survives a process crash and a
 * power cut. better-sqlite3 is synchronous: each method does its work before its promise is made.
 */
import Database from 'better-sqlite3'
import type { BoardRecord, InitialDocument, Storage, StoredAsset, StoredBallot, StoredDocument, StoredVoteRound } from './storage'

const SCHEMA = `
CREATE TABLE IF NOT EXISTS boards (
  id TEXT PRIMARY KEY,
  title TEXT NOT NULL,
  problem TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS document_updates (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  doc TEXT NOT NULL,
  data BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS document_updates_by_doc ON document_updates (doc, seq);
CREATE TABLE IF NOT EXISTS document_snapshots (
  doc TEXT PRIMARY KEY,
  data BLOB NOT NULL,
  through_seq INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS anonymous_cards (
  board_id TEXT NOT NULL,
  card_id TEXT NOT NULL,
  claim_key_hash TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (board_id, card_id)
);
CREATE TABLE IF NOT EXISTS vote_rounds (
  board_id TEXT NOT NULL,
  round_id TEXT NOT NULL,
  number INTEGER NOT NULL,
  title TEXT NOT NULL,
  card_ids TEXT NOT NULL,
  budget INTEGER NOT NULL,
  anonymous INTEGER NOT NULL,
  status TEXT NOT NULL,
  opened_at INTEGER NOT NULL,
  closed_at INTEGER,
  PRIMARY KEY (board_id, round_id)
);
CREATE TABLE IF NOT EXISTS ballots (
  board_id TEXT NOT NULL,
  round_id TEXT NOT NULL,
  person_id TEXT NOT NULL,
  dots TEXT NOT NULL,
  voter TEXT NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (board_id, round_id, person_id)
);
CREATE TABLE IF NOT EXISTS assets (
  board_id TEXT NOT NULL,
  asset_id TEXT NOT NULL,
  mime_type TEXT NOT NULL,
  data BLOB NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (board_id, asset_id)
);
`

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

interface BoardRow {
  id: string
  title: string
  problem: string
  created_at: number
}

export class SqliteStorage implements Storage {
  private readonly db: Database.Database
  private readonly statements

  constructor(filename: string) {
    this.db = new Database(filename)
    this.db.pragma('journal_mode = WAL')
    this.db.pragma('synchronous = FULL')
    this.db.pragma('busy_timeout = 200')
    this.db.exec(SCHEMA)
    this.statements = {
      insertBoard: this.db.prepare(
        'INSERT INTO boards (id, title, problem, created_at) VALUES (@id, @title, @problem, @createdAt)',
      ),
      selectBoard: this.db.prepare<[string], BoardRow>('SELECT * FROM boards WHERE id = ?'),
      insertUpdate: this.db.prepare<[string, Uint8Array]>('INSERT INTO document_updates (doc, data) VALUES (?, ?)'),
      selectUpdates: this.db.prepare<[string, number], { seq: number; data: Buffer }>(
        'SELECT seq, data FROM document_updates WHERE doc = ? AND seq > ? ORDER BY seq',
      ),
      selectSnapshot: this.db.prepare<[string], { data: Buffer; through_seq: number }>(
        'SELECT data, through_seq FROM document_snapshots WHERE doc = ?',
      ),
      upsertSnapshot: this.db.prepare<[string, Uint8Array, number, number]>(
        `INSERT INTO document_snapshots (doc, data, through_seq, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (doc) DO UPDATE SET data = excluded.data, through_seq = excluded.through_seq, updated_at = excluded.updated_at`,
      ),
      deleteUpdatesThrough: this.db.prepare<[string, number]>('DELETE FROM document_updates WHERE doc = ? AND seq <= ?'),
      insertAnonymousCard: this.db.prepare<[string, string, string, number]>(
        'INSERT INTO anonymous_cards (board_id, card_id, claim_key_hash, created_at) VALUES (?, ?, ?, ?)',
      ),
      selectAnonymousCard: this.db.prepare<[string, string], { claim_key_hash: string }>(
        'SELECT claim_key_hash FROM anonymous_cards WHERE board_id = ? AND card_id = ?',
      ),
      deleteAnonymousCard: this.db.prepare<[string, string]>('DELETE FROM anonymous_cards WHERE board_id = ? AND card_id = ?'),
      selectDocumentNames: this.db.prepare<[number, string, number, string], { doc: string }>(
        `SELECT DISTINCT doc FROM document_updates WHERE substr(doc, 1, ?) = ?
         UNION SELECT doc FROM document_snapshots WHERE substr(doc, 1, ?) = ?`,
      ),
      insertVoteRound: this.db.prepare(
        `INSERT INTO vote_rounds (board_id, round_id, number, title, card_ids, budget, anonymous, status, opened_at, closed_at)
         VALUES (@boardId, @roundId, @number, @title, @cardIds, @budget, @anonymous, @status, @openedAt, @closedAt)`,
      ),
      selectVoteRound: this.db.prepare<[string, string], VoteRoundRow>('SELECT * FROM vote_rounds WHERE board_id = ? AND round_id = ?'),
      countVoteRounds: this.db.prepare<[string], { n: number }>('SELECT COUNT(*) AS n FROM vote_rounds WHERE board_id = ?'),
      closeVoteRound: this.db.prepare<[number, string, string]>(
        "UPDATE vote_rounds SET status = 'closed', closed_at = ? WHERE board_id = ? AND round_id = ?",
      ),
      upsertBallot: this.db.prepare<[string, string, string, string, string, number]>(
        `INSERT INTO ballots (board_id, round_id, person_id, dots, voter, updated_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (board_id, round_id, person_id) DO UPDATE SET dots = excluded.dots, voter = excluded.voter, updated_at = excluded.updated_at`,
      ),
      selectBallot: this.db.prepare<[string, string, string], BallotRow>(
        'SELECT * FROM ballots WHERE board_id = ? AND round_id = ? AND person_id = ?',
      ),
      selectBallots: this.db.prepare<[string, string], BallotRow>('SELECT * FROM ballots WHERE board_id = ? AND round_id = ?'),
      upsertAsset: this.db.prepare<[string, string, string, Uint8Array, number]>(
        `INSERT INTO assets (board_id, asset_id, mime_type, data, created_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (board_id, asset_id) DO NOTHING`,
      ),
      selectAsset: this.db.prepare<[string, string], { mime_type: string; data: Buffer }>(
        'SELECT mime_type, data FROM assets WHERE board_id = ? AND asset_id = ?',
      ),
    }
  }

  async createBoard(board: BoardRecord, initialDocuments: InitialDocument[]): Promise<void> {
    this.db.transaction(() => {
      this.statements.insertBoard.run(board)
      for (const { docName, update } of initialDocuments) this.statements.insertUpdate.run(docName, update)
    })()
  }

  async getBoard(id: string): Promise<BoardRecord | null> {
    const row = this.statements.selectBoard.get(id)
    return row ? { id: row.id, title: row.title, problem: row.problem, createdAt: row.created_at } : null
  }

  async loadDocument(docName: string): Promise<StoredDocument> {
    return this.db.transaction((): StoredDocument => {
      const snapshot = this.statements.selectSnapshot.get(docName)
      const throughSeq = snapshot?.through_seq ?? 0
      const rows = this.statements.selectUpdates.all(docName, throughSeq)
      return {
        snapshot: snapshot ? new Uint8Array(snapshot.data) : null,
        updates: rows.map((row) => new Uint8Array(row.data)),
        lastSeq: rows.length > 0 ? rows[rows.length - 1].seq : throughSeq,
      }
    })()
  }

  async appendUpdates(docName: string, updates: Uint8Array[]): Promise<number> {
    return this.db.transaction((): number => {
      let lastSeq = 0
      for (const update of updates) {
        lastSeq = Number(this.statements.insertUpdate.run(docName, update).lastInsertRowid)
      }
      return lastSeq
    })()
  }

  async appendUpdatesMany(entries: Array<{ docName: string; updates: Uint8Array[] }>): Promise<number[]> {
    return this.db.transaction((): number[] =>
      entries.map(({ docName, updates }) => {
        let lastSeq = 0
        for (const update of updates) lastSeq = Number(this.statements.insertUpdate.run(docName, update).lastInsertRowid)
        return lastSeq
      }),
    )()
  }

  async compactDocument(docName: string, snapshot: Uint8Array, throughSeq: number): Promise<void> {
    this.db.transaction(() => {
      this.statements.upsertSnapshot.run(docName, snapshot, throughSeq, Date.now())
      this.statements.deleteUpdatesThrough.run(docName, throughSeq)
    })()
  }

  async putAnonymousCard(boardId: string, cardId: string, claimKeyHash: string): Promise<void> {
    this.statements.insertAnonymousCard.run(boardId, cardId, claimKeyHash, Date.now())
  }

  async getAnonymousCardClaimHash(boardId: string, cardId: string): Promise<string | null> {
    return this.statements.selectAnonymousCard.get(boardId, cardId)?.claim_key_hash ?? null
  }

  async deleteAnonymousCard(boardId: string, cardId: string): Promise<void> {
    this.statements.deleteAnonymousCard.run(boardId, cardId)
  }

  async listDocumentNames(prefix: string): Promise<string[]> {
    return this.statements.selectDocumentNames.all(prefix.length, prefix, prefix.length, prefix).map((row) => row.doc)
  }

  async createVoteRound(round: StoredVoteRound): Promise<void> {
    this.statements.insertVoteRound.run({
      ...round,
      cardIds: JSON.stringify(round.cardIds),
      anonymous: round.anonymous ? 1 : 0,
    })
  }

  async getVoteRound(boardId: string, roundId: string): Promise<StoredVoteRound | null> {
    const row = this.statements.selectVoteRound.get(boardId, roundId)
    return row ? toVoteRound(row) : null
  }

  async countVoteRounds(boardId: string): Promise<number> {
    return this.statements.countVoteRounds.get(boardId)?.n ?? 0
  }

  async closeVoteRound(boardId: string, roundId: string, closedAt: number): Promise<void> {
    this.statements.closeVoteRound.run(closedAt, boardId, roundId)
  }

  async putBallot(boardId: string, roundId: string, ballot: StoredBallot): Promise<void> {
    this.statements.upsertBallot.run(boardId, roundId, ballot.personId, JSON.stringify(ballot.dots), JSON.stringify(ballot.voter), ballot.updatedAt)
  }

  async getBallot(boardId: string, roundId: string, personId: string): Promise<StoredBallot | null> {
    const row = this.statements.selectBallot.get(boardId, roundId, personId)
    return row ? toBallot(row) : null
  }

  async listBallots(boardId: string, roundId: string): Promise<StoredBallot[]> {
    return this.statements.selectBallots.all(boardId, roundId).map(toBallot)
  }

  async putAsset(boardId: string, assetId: string, asset: StoredAsset): Promise<void> {
    this.statements.upsertAsset.run(boardId, assetId, asset.mimeType, asset.data, Date.now())
  }

  async getAsset(boardId: string, assetId: string): Promise<StoredAsset | null> {
    const row = this.statements.selectAsset.get(boardId, assetId)
    return row ? { mimeType: row.mime_type, data: new Uint8Array(row.data) } : null
  }

  async close(): Promise<void> {
    this.db.close()
  }
}
