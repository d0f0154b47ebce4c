/**
 * The SQLite backend's history tables (HistoryStore, migration 004): its own prepared statements
 * on the backend's database, run through the backend's write and read wrappers so failures are
 * reported as every other SQLite failure. Kept apart from sqliteStorage.ts, which owns the live
 * update log and its compaction; nothing here reads or writes the log.
 */
import type Database from 'better-sqlite3'
import { historyRowOf, summaryOf, tailOf, updatesOf, type HistoryRow } from './historyRows'
import type { HistoryStep, HistoryStepSummary, HistoryStore, HistoryTail } from './storage'

type SqliteHistoryRow = Omit<HistoryRow, 'keyframe'> & { keyframe: number }

function fromSqlite(row: SqliteHistoryRow): HistoryRow {
  return { ...row, keyframe: row.keyframe === 1 }
}

export interface SqliteAccess {
  writing<T>(operation: () => T): T
  reading<T>(operation: () => T, docName?: string): T
}

export class SqliteHistory implements HistoryStore {
  private readonly statements

  constructor(
    private readonly db: Database.Database,
    private readonly access: SqliteAccess,
  ) {
    const columns = 'doc, at, keyframe, data, state_vector, notes, bytes_since_keyframe, checksum'
    this.statements = {
      insert: db.prepare(
        `INSERT INTO history_steps (board_id, ${columns}) VALUES (@boardId, @doc, @at, @keyframe, @data, @state_vector, @notes, @bytes_since_keyframe, @checksum)`,
      ),
      tail: db.prepare<[string], SqliteHistoryRow>(`SELECT ${columns} FROM history_steps WHERE doc = ? ORDER BY id DESC LIMIT 1`),
      list: db.prepare<[string, number], SqliteHistoryRow>(`SELECT ${columns} FROM history_steps WHERE board_id = ? AND at >= ? ORDER BY at, id`),
      lastKeyframe: db.prepare<[string, number], { id: number }>(
        'SELECT id FROM history_steps WHERE doc = ? AND keyframe = 1 AND at <= ? ORDER BY id DESC LIMIT 1',
      ),
      from: db.prepare<[string, number, number], SqliteHistoryRow>(`SELECT ${columns} FROM history_steps WHERE doc = ? AND id >= ? AND at <= ? ORDER BY id`),
      prune: db.prepare<[{ boardId: string; before: number }]>(
        `DELETE FROM history_steps WHERE board_id = @boardId AND id < COALESCE(
           (SELECT MAX(k.id) FROM history_steps AS k WHERE k.doc = history_steps.doc AND k.keyframe = 1 AND k.at <= @before), 0)`,
      ),
    }
  }

  async appendHistoryStep(boardId: string, step: HistoryStep): Promise<void> {
    this.access.writing(() =>
      this.db.transaction(() => {
        const tail = this.statements.tail.get(step.docName)
        const before = tail ? Number(tail.bytes_since_keyframe) : 0
        const row = historyRowOf(step, before)
        this.statements.insert.run({ boardId, ...row, keyframe: row.keyframe ? 1 : 0 })
      })(),
    )
  }

  async historyTail(docName: string): Promise<HistoryTail | null> {
    const row = this.access.reading(() => this.statements.tail.get(docName), docName)
    return row ? tailOf(fromSqlite(row)) : null
  }

  async listHistory(boardId: string, from: number): Promise<HistoryStepSummary[]> {
    return this.access.reading(() => this.statements.list.all(boardId, from)).map((row) => summaryOf(fromSqlite(row)))
  }

  async readHistoryAt(docName: string, at: number): Promise<Uint8Array[]> {
    const rows = this.access.reading(
      () =>
        this.db.transaction(() => {
          const keyframe = this.statements.lastKeyframe.get(docName, at)
          return keyframe ? this.statements.from.all(docName, keyframe.id, at) : []
        })(),
      docName,
    )
    return updatesOf(docName, rows.map(fromSqlite))
  }

  async pruneHistory(boardId: string, before: number): Promise<number> {
    return this.access.writing(() => this.statements.prune.run({ boardId, before }).changes)
  }
}
