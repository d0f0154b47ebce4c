/**
 * The PostgreSQL backend's history tables (HistoryStore, migration 004), on the backend's pool
 * through its query and transaction wrappers, so failures are reported as every other PostgreSQL
 * failure. Kept apart from postgresStorage.ts, which owns the live update log and its compaction;
 * nothing here reads or writes the log. A moment is read with one statement, so it sees one
 * consistent state of the table while other servers append.
 */
import type pg from 'pg'
import { historyRowOf, summaryOf, tailOf, updatesOf, type HistoryRow } from './historyRows'
import type { HistoryStep, HistoryStepSummary, HistoryStore, HistoryTail } from './storage'

const COLUMNS = 'doc, at, keyframe, data, state_vector, notes, bytes_since_keyframe, checksum'

export interface PostgresAccess {
  query<Row extends pg.QueryResultRow>(sql: string, values: unknown[]): Promise<Row[]>
  writing<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T>
}

export class PostgresHistory implements HistoryStore {
  constructor(private readonly access: PostgresAccess) {}

  async appendHistoryStep(boardId: string, step: HistoryStep): Promise<void> {
    await this.access.writing(async (client) => {
      const tail = await client.query<{ bytes_since_keyframe: number }>(
        'SELECT bytes_since_keyframe FROM history_steps WHERE doc = $1 ORDER BY id DESC LIMIT 1',
        [step.docName],
      )
      const row = historyRowOf(step, tail.rows[0] ? Number(tail.rows[0].bytes_since_keyframe) : 0)
      await client.query(`INSERT INTO history_steps (board_id, ${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, [
        boardId,
        row.doc,
        row.at,
        row.keyframe,
        row.data,
        row.state_vector,
        row.notes,
        row.bytes_since_keyframe,
        row.checksum,
      ])
    })
  }

  async historyTail(docName: string): Promise<HistoryTail | null> {
    const rows = await this.access.query<HistoryRow>(`SELECT ${COLUMNS} FROM history_steps WHERE doc = $1 ORDER BY id DESC LIMIT 1`, [docName])
    return rows[0] ? tailOf(rows[0]) : null
  }

  async listHistory(boardId: string, from: number): Promise<HistoryStepSummary[]> {
    const rows = await this.access.query<HistoryRow>(`SELECT ${COLUMNS} FROM history_steps WHERE board_id = $1 AND at >= $2 ORDER BY at, id`, [boardId, from])
    return rows.map(summaryOf)
  }

  async readHistoryAt(docName: string, at: number): Promise<Uint8Array[]> {
    const rows = await this.access.query<HistoryRow>(
      `WITH keyframe AS (SELECT MAX(id) AS id FROM history_steps WHERE doc = $1 AND keyframe AND at <= $2)
       SELECT ${COLUMNS} FROM history_steps, keyframe WHERE doc = $1 AND history_steps.id >= keyframe.id AND at <= $2 ORDER BY history_steps.id`,
      [docName, at],
    )
    return updatesOf(docName, rows)
  }

  async pruneHistory(boardId: string, before: number): Promise<number> {
    return this.access.writing(async (client) => {
      const result = await client.query(
        `DELETE FROM history_steps WHERE board_id = $1 AND id < COALESCE(
           (SELECT MAX(k.id) FROM history_steps AS k WHERE k.doc = history_steps.doc AND k.keyframe AND k.at <= $2), 0)`,
        [boardId, before],
      )
      return result.rowCount ?? 0
    })
  }
}
