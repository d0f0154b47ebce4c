/**
 * Schema migrations as numbered SQL files, one folder per backend dialect:
 * `migrations/<dialect>/NNN-what-it-does.sql`. A number means the same change in every dialect
 * (002 adds the checksums in SQLite and in PostgreSQL), so a backend's schema version
 * says the same thing whatever the backend. Migrations are never edited once released; a change
 * is a new file with the next number.
 *
 * Each backend applies the files above its recorded version, in order, in one transaction, and
 * records the new version (SQLite: PRAGMA user_version, see sqliteSchema.ts; PostgreSQL: the
 * schema_migrations table, see postgresSchema.ts).
 *
 * @example
 *   for (const migration of readMigrations('sqlite')) console.log(migration.version, migration.name)
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

export type MigrationDialect = 'sqlite' | 'postgres'

export interface Migration {
  version: number
  /** The file name without its number and extension, e.g. "checksums". */
  name: string
  sql: string
}

const MIGRATIONS_DIR = join(import.meta.dirname, 'migrations')
const FILE_NAME = /^(\d{3})-([a-z0-9-]+)\.sql$/

/** The dialect's migrations in order; throws when their numbers are not 1, 2, 3, … */
export function readMigrations(dialect: MigrationDialect): Migration[] {
  const dir = join(MIGRATIONS_DIR, dialect)
  const migrations = readdirSync(dir)
    .filter((file) => file.endsWith('.sql'))
    .map((file): Migration => {
      const match = FILE_NAME.exec(file)
      if (!match) throw new Error(`migration file name ${file} in ${dir} is not NNN-name.sql`)
      return { version: Number(match[1]), name: match[2], sql: readFileSync(join(dir, file), 'utf8') }
    })
    .sort((a, b) => a.version - b.version)
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1) {
      throw new Error(`migrations in ${dir} must be numbered 001, 002, … without gaps; found ${migration.version} at position ${index + 1}`)
    }
  })
  return migrations
}
