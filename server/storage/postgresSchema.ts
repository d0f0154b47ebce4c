/**
 * Brings a PostgreSQL schema to the version this release expects, by applying the migrations in
 * migrations/postgres/ above the highest version recorded in its schema_migrations table, all in
 * one transaction under a transaction-scoped advisory lock keyed by the schema: several servers
 * starting at once take turns, and each one after the first finds nothing left to do. A schema
 * from a newer release is refused rather than misread. Tables are created in the first schema of
 * the connection's search_path.
 *
 * @example
 *   const client = await pool.connect()
 *   try { await migratePostgresDatabase(client) } finally { client.release() }
 */
import type { ClientBase } from 'pg'
import { readMigrations } from './migrations'
import { snapshotChecksum, updateChecksum } from './rowChecksum'
import { StorageError } from './storage'

const MIGRATIONS = readMigrations('postgres')
export const POSTGRES_SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version

/** Rows whose checksums a migration's backfill computes per statement. */
const BACKFILL_BATCH_ROWS = 500

/**
 * Work a migration needs from code, run right after its SQL in the same transaction. 002: the
 * checksums of rows stored before it, which SQLite's migration computes with a function the
 * backend registers and PostgreSQL cannot (it has no CRC-32).
 */
const AFTER_SQL: Record<number, (client: ClientBase) => Promise<void>> = {
  2: backfillChecksums,
}

/** Applies the pending migrations; resolves with the version the schema was at before. */
export async function migratePostgresDatabase(client: ClientBase): Promise<number> {
  await client.query('BEGIN')
  try {
    await client.query("SELECT pg_advisory_xact_lock(hashtext('think-together migrations ' || current_schema()))")
    await client.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())',
    )
    const { rows } = await client.query<{ version: number | null }>('SELECT MAX(version) AS version FROM schema_migrations')
    const current = rows[0]?.version ?? 0
    if (current > POSTGRES_SCHEMA_VERSION) {
      throw new StorageError(
        `the database is at schema version ${current}, newer than this release knows (${POSTGRES_SCHEMA_VERSION}): run the release that wrote it, or restore a backup`,
        'SCHEMA_TOO_NEW',
      )
    }
    for (const migration of MIGRATIONS.filter((candidate) => candidate.version > current)) {
      await client.query(migration.sql)
      await AFTER_SQL[migration.version]?.(client)
      await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [migration.version, migration.name])
    }
    await client.query('COMMIT')
    return current
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined)
    throw error
  }
}

async function backfillChecksums(client: ClientBase): Promise<void> {
  for (let after = 0; ; ) {
    const { rows } = await client.query<{ seq: number; doc: string; prev_seq: number; data: Buffer }>(
      'SELECT seq, doc, prev_seq, data FROM document_updates WHERE seq > $1 ORDER BY seq LIMIT $2',
      [after, BACKFILL_BATCH_ROWS],
    )
    if (rows.length === 0) break
    await client.query(
      'UPDATE document_updates SET checksum = filled.checksum FROM unnest($1::bigint[], $2::bigint[]) AS filled (seq, checksum) WHERE document_updates.seq = filled.seq',
      [rows.map((row) => row.seq), rows.map((row) => updateChecksum(row.doc, Number(row.seq), Number(row.prev_seq), row.data))],
    )
    after = Number(rows[rows.length - 1].seq)
  }
  const { rows: snapshots } = await client.query<{ doc: string; through_seq: number; data: Buffer }>('SELECT doc, through_seq, data FROM document_snapshots')
  for (const snapshot of snapshots) {
    await client.query('UPDATE document_snapshots SET checksum = $2 WHERE doc = $1', [
      snapshot.doc,
      snapshotChecksum(snapshot.doc, Number(snapshot.through_seq), snapshot.data),
    ])
  }
}
