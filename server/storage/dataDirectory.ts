/**
 * What a data directory holds and who may use it. One server at a time: an exclusive lock on
 * DATA_DIR/think-together.lock (a SQLite file in exclusive locking mode with a write transaction
 * held open), taken before anything else and held for the life of the process; the operating
 * system releases it when the process ends, even on kill -9. And no silent fresh start: when the
 * database is missing or empty in a directory that was used before, the server refuses to start
 * unless told to begin an empty service (START_FRESH=1).
 *
 * @example
 *   const lock = lockDataDirectory(dataDir)
 *   const { file } = checkDatabasePresent(dataDir, lock, { startFresh: false })
 *   // … serve …
 *   lock.release()
 */
import { existsSync, statSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'

export const DATABASE_FILE = 'think-together.sqlite'
export const LOCK_FILE = 'think-together.lock'
/** Written by TokenAuthority on the first start (server/auth/tokens.ts) when TOKEN_SECRET is not set. */
const TOKEN_SECRET_FILE = 'token-secret'

/** The data directory cannot be used as it is; the message says why and what to do. */
export class DataDirectoryError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'DataDirectoryError'
  }
}

export interface DataDirectoryLock {
  /** Whether the lock file was there before this start: the directory has been used before. */
  readonly usedBefore: boolean
  release(): void
}

/** Takes the directory's lock, or throws DataDirectoryError when another server holds it. */
export function lockDataDirectory(dataDir: string): DataDirectoryLock {
  const file = join(dataDir, LOCK_FILE)
  const usedBefore = existsSync(file)
  // timeout 0: a held lock is an answer, not something to wait for.
  const db = new Database(file, { timeout: 0 })
  try {
    db.pragma('locking_mode = EXCLUSIVE')
    db.exec('BEGIN EXCLUSIVE')
  } catch (error) {
    db.close()
    if (error instanceof Database.SqliteError && error.code.startsWith('SQLITE_BUSY')) {
      throw new DataDirectoryError(
        `another Think Together server is already using the data directory ${dataDir} (it holds ${file}): stop it first, or give this server its own DATA_DIR`,
      )
    }
    throw error
  }
  return {
    usedBefore,
    release: () => {
      if (db.open) db.close()
    },
  }
}

/**
 * The database file to open. Throws DataDirectoryError when it is missing or empty although the
 * directory was used before (its token secret or lock file exists), unless `startFresh`; then
 * `startsOver` says so, for the log.
 */
export function checkDatabasePresent(dataDir: string, lock: DataDirectoryLock, options: { startFresh: boolean }): { file: string; startsOver: boolean } {
  const file = join(dataDir, DATABASE_FILE)
  const missingOrEmpty = !existsSync(file) || statSync(file).size === 0
  const evidence = !missingOrEmpty
    ? null
    : existsSync(join(dataDir, TOKEN_SECRET_FILE))
      ? `${TOKEN_SECRET_FILE} exists`
      : lock.usedBefore
        ? `${LOCK_FILE} from an earlier start exists`
        : null
  if (!evidence) return { file, startsOver: false }
  if (options.startFresh) return { file, startsOver: true }
  throw new DataDirectoryError(
    `${file}: the database is missing or empty but this data directory has been used before (${evidence}): restore it from a backup, or start with START_FRESH=1 to begin an empty service`,
  )
}
