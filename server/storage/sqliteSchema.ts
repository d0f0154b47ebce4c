/**
 * Brings a SQLite database to the schema this release expects, by applying the migrations in
 * migrations/sqlite/ above its PRAGMA user_version, all in one transaction: a database is either
 * upgraded completely or left as it was. A database made before versions were recorded
 * (user_version 0, tables present) goes through 001 unchanged (IF NOT EXISTS) and is upgraded
 * from there. A database from a newer release is refused rather than misread.
 */
import type Database from 'better-sqlite3'
import { readMigrations } from './migrations'
import { snapshotChecksum, updateChecksum } from './rowChecksum'
import { StorageError } from './storage'

const MIGRATIONS = readMigrations('sqlite')
export const SQLITE_SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version

/** Applies the pending migrations; resolves with the version the database was at before. */
export function migrateSqliteDatabase(db: Database.Database): number {
  const current = db.pragma('user_version', { simple: true }) as number
  if (current > SQLITE_SCHEMA_VERSION) {
    throw new StorageError(
      `the database is at schema version ${current}, newer than this release knows (${SQLITE_SCHEMA_VERSION}): run the release that wrote it, or restore a backup`,
      'SCHEMA_TOO_NEW',
    )
  }
  const pending = MIGRATIONS.filter((migration) => migration.version > current)
  if (pending.length === 0) return current
  // Migrations that compute checksums of rows already stored call these.
  db.function('tt_update_checksum', { deterministic: true }, (doc, seq, prevSeq, data) =>
    updateChecksum(String(doc), Number(seq), Number(prevSeq), data as Buffer),
  )
  db.function('tt_snapshot_checksum', { deterministic: true }, (doc, throughSeq, data) => snapshotChecksum(String(doc), Number(throughSeq), data as Buffer))
  db.transaction(() => {
    for (const migration of pending) {
      db.exec(migration.sql)
      db.pragma(`user_version = ${migration.version}`)
    }
  }).immediate()
  return current
}
