/**
 * Schema migrations of the SQLite backend on real files: a database made by the previous release
 * (its tables exist, no schema version recorded) opens and is upgraded with its data intact; a
 * failed upgrade leaves the database as it was; a database from a newer release is refused.
 */
import { afterEach, describe, expect, test } from 'vitest'
import Database from 'better-sqlite3'
import { join } from 'node:path'
import * as Y from 'yjs'
import { SqliteStorage } from '../../server/storage/sqliteStorage'
import { SQLITE_SCHEMA_VERSION } from '../../server/storage/sqliteSchema'
import { StorageError, type StoredBallot } from '../../server/storage/storage'
import { makeDataDir, removeDataDir } from '../helpers/serverProcess'

/** The schema of the release before `people` and schema versions (`git show 6e6c69a:server/storage/sqliteStorage.ts`), kept as it was. */
const PREVIOUS_RELEASE_SCHEMA = `
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

/** The `people` table as the release that added it (without recording a version) created it. */
const PEOPLE_TABLE = `
CREATE TABLE IF NOT EXISTS people (
  board_id TEXT NOT NULL,
  person_id TEXT NOT NULL,
  role TEXT NOT NULL,
  name TEXT,
  color TEXT NOT NULL,
  practice TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL,
  PRIMARY KEY (board_id, person_id)
);
`

const dirs: string[] = []
afterEach(() => {
  for (const dir of dirs.splice(0)) removeDataDir(dir)
})

function databaseFile(): string {
  const dir = makeDataDir()
  dirs.push(dir)
  return join(dir, 'think-together.sqlite')
}

/** The same bytes for the same text (a fixed client id), so stored and expected updates compare. */
function update(text: string): Uint8Array {
  const doc = new Y.Doc()
  doc.clientID = 1
  doc.getText('t').insert(0, text)
  return Y.encodeStateAsUpdate(doc)
}

const ballot: StoredBallot = {
  personId: 'p'.repeat(22),
  dots: { 'card-1': 2, 'card-2': 1 },
  voter: { id: 'v1', name: 'Ada', color: '#f00' },
  updatedAt: 5,
}

/**
 * A database as the previous release left it: a board, a document with only updates, a document
 * compacted into a snapshot with an update after it (its earlier updates deleted, so sequence
 * numbers have a gap), a draft whose last updates were compacted away, and the other tables.
 */
function writePreviousReleaseDatabase(file: string, extraSchema = ''): { canvas: Uint8Array[]; snapshot: Uint8Array; afterSnapshot: Uint8Array } {
  const db = new Database(file)
  db.pragma('journal_mode = WAL')
  db.exec(PREVIOUS_RELEASE_SCHEMA + extraSchema)
  const insertUpdate = db.prepare('INSERT INTO document_updates (doc, data) VALUES (?, ?)')
  const canvas = [update('one'), update('two'), update('three')]
  const snapshot = update('control as compacted')
  const afterSnapshot = update('control after compaction')
  db.transaction(() => {
    db.prepare('INSERT INTO boards VALUES (?, ?, ?, ?)').run('board-1', 'Handovers', 'They lose information.', 1)
    insertUpdate.run('board-1.control', update('control 1'))
    insertUpdate.run('board-1.control', update('control 2'))
    for (const u of canvas) insertUpdate.run('board-1', u)
    db.prepare('INSERT INTO document_snapshots VALUES (?, ?, ?, ?)').run('board-1.control', snapshot, 2, 10)
    db.prepare('DELETE FROM document_updates WHERE doc = ? AND seq <= ?').run('board-1.control', 2)
    insertUpdate.run('board-1.control', afterSnapshot)
    insertUpdate.run('board-1.drafts.x', update('draft'))
    db.prepare('INSERT INTO document_snapshots VALUES (?, ?, ?, ?)').run('board-1.drafts.x', update('draft compacted'), 7, 11)
    db.prepare('DELETE FROM document_updates WHERE doc = ? AND seq <= ?').run('board-1.drafts.x', 7)
    db.prepare('INSERT INTO anonymous_cards VALUES (?, ?, ?, ?)').run('board-1', 'card-1', 'hash-1', 3)
    db.prepare('INSERT INTO vote_rounds VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').run(
      'board-1',
      'round-1',
      1,
      'Which first?',
      '["card-1","card-2"]',
      3,
      0,
      'open',
      4,
      null,
    )
    db.prepare('INSERT INTO ballots VALUES (?, ?, ?, ?, ?, ?)').run(
      'board-1',
      'round-1',
      ballot.personId,
      JSON.stringify(ballot.dots),
      JSON.stringify(ballot.voter),
      5,
    )
    db.prepare('INSERT INTO assets VALUES (?, ?, ?, ?, ?)').run('board-1', 'a'.repeat(40), 'image/png', Buffer.from([1, 2, 3]), 6)
  })()
  expect(db.pragma('user_version', { simple: true })).toBe(0)
  db.close()
  return { canvas, snapshot, afterSnapshot }
}

describe('SQLite schema migrations', () => {
  test('a database made by the previous release (tables, no version) opens upgraded, with every row intact and checked', async () => {
    const file = databaseFile()
    const { canvas, snapshot, afterSnapshot } = writePreviousReleaseDatabase(file)
    const storage = new SqliteStorage(file)

    expect(await storage.getBoard('board-1')).toEqual({ id: 'board-1', title: 'Handovers', problem: 'They lose information.', createdAt: 1 })
    expect(await storage.loadDocument('board-1')).toEqual({ snapshot: null, updates: canvas, lastSeq: 5 })
    expect(await storage.loadDocument('board-1.control')).toEqual({ snapshot, updates: [afterSnapshot], lastSeq: 6 })
    expect(await storage.loadDocument('board-1.drafts.x')).toMatchObject({ updates: [], lastSeq: 7 })
    expect(await storage.listDocumentNames('board-1.')).toEqual(expect.arrayContaining(['board-1.control', 'board-1.drafts.x']))
    expect(await storage.getAnonymousCardClaimHash('board-1', 'card-1')).toBe('hash-1')
    expect(await storage.getVoteRound('board-1', 'round-1')).toMatchObject({ title: 'Which first?', cardIds: ['card-1', 'card-2'], status: 'open' })
    expect(await storage.listBallots('board-1', 'round-1')).toEqual([ballot])
    expect(await storage.getAsset('board-1', 'a'.repeat(40))).toEqual({ mimeType: 'image/png', data: new Uint8Array([1, 2, 3]) })
    // The table the previous release did not have.
    expect(await storage.listPeople('board-1')).toEqual([])

    // New rows follow the upgraded ones: numbered after every number ever used (the deleted 7 too).
    const next = await storage.appendUpdates('board-1.drafts.x', [update('draft after upgrade')])
    expect(next).toBeGreaterThan(7)
    await storage.close()

    const db = new Database(file, { readonly: true })
    expect(db.pragma('user_version', { simple: true })).toBe(SQLITE_SCHEMA_VERSION)
    const unchecked = db.prepare('SELECT COUNT(*) AS n FROM document_updates WHERE checksum IS NULL OR prev_seq IS NULL').get() as { n: number }
    const uncheckedSnapshots = db.prepare('SELECT COUNT(*) AS n FROM document_snapshots WHERE checksum IS NULL').get() as { n: number }
    db.close()
    expect(unchecked.n).toBe(0)
    expect(uncheckedSnapshots.n).toBe(0)

    const reopened = new SqliteStorage(file)
    expect(await reopened.loadDocument('board-1.control')).toEqual({ snapshot, updates: [afterSnapshot], lastSeq: 6 })
    expect((await reopened.loadDocument('board-1.drafts.x')).updates).toEqual([update('draft after upgrade')])
    await reopened.close()
  })

  test('a database from the release that added people, without a version, keeps its people', async () => {
    const file = databaseFile()
    writePreviousReleaseDatabase(file, PEOPLE_TABLE)
    const db = new Database(file)
    db.prepare('INSERT INTO people VALUES (?, ?, ?, ?, ?, ?, ?, ?)').run('board-1', 'p'.repeat(22), 'member', 'Ada', '#f00', 'ward nurse', 1, 2)
    db.close()
    const storage = new SqliteStorage(file)
    expect(await storage.listPeople('board-1')).toEqual([
      { boardId: 'board-1', personId: 'p'.repeat(22), role: 'member', name: 'Ada', color: '#f00', practice: 'ward nurse', createdAt: 1, lastSeenAt: 2 },
    ])
    await storage.close()
  })

  test('an upgrade that fails half-way leaves the database exactly as it was (all migrations in one transaction)', async () => {
    const file = databaseFile()
    writePreviousReleaseDatabase(file)
    const db = new Database(file)
    // 002 adds this column; finding it already there makes the upgrade fail after 001 ran.
    db.exec('ALTER TABLE document_snapshots ADD COLUMN checksum INTEGER')
    db.close()
    expect(() => new SqliteStorage(file)).toThrow(StorageError)
    const after = new Database(file, { readonly: true })
    expect(after.pragma('user_version', { simple: true })).toBe(0)
    const tables = (after.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as Array<{ name: string }>).map((row) => row.name)
    const columns = (after.prepare('PRAGMA table_info(document_updates)').all() as Array<{ name: string }>).map((row) => row.name)
    after.close()
    expect(tables).not.toContain('people')
    expect(tables).not.toContain('documents')
    expect(columns).toEqual(['seq', 'doc', 'data'])
  })

  test('a database from a newer release is refused, not misread', async () => {
    const file = databaseFile()
    new SqliteStorage(file).close()
    const db = new Database(file)
    db.pragma(`user_version = ${SQLITE_SCHEMA_VERSION + 1}`)
    db.close()
    expect(() => new SqliteStorage(file)).toThrow(/newer than this release knows/)
  })

  test('a new database starts at the latest version and opening it again changes nothing', async () => {
    const file = databaseFile()
    const storage = new SqliteStorage(file)
    await storage.appendUpdates('doc', [update('a')])
    await storage.close()
    const reopened = new SqliteStorage(file)
    expect((await reopened.loadDocument('doc')).updates).toEqual([update('a')])
    await reopened.close()
    const db = new Database(file, { readonly: true })
    expect(db.pragma('user_version', { simple: true })).toBe(SQLITE_SCHEMA_VERSION)
    db.close()
  })
})
