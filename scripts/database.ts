/**
 * Backup and restore of the SQLite database (`npm run backup -- <file>`, `npm run restore --
 * <file>`), both on DATA_DIR as the server reads it.
 *
 * Backup runs beside a running server: it opens the database read-only on a connection of its
 * own (never the directory's lock) and writes `VACUUM INTO` a temporary file, which copies one
 * read transaction's view of the whole database, so the copy is consistent however busy the
 * server is, and compact. The copy is checked (PRAGMA quick_check) and renamed into place. The
 * token secret (DATA_DIR/token-secret, unless TOKEN_SECRET is set) goes beside it as
 * `<file>.token-secret`: without it, the restored boards' links would no longer open.
 *
 * Restore writes a backup into an empty (or missing) DATA_DIR, taking the directory's lock while
 * it does, and refuses a directory that is in use or holds anything.
 *
 * @example
 *   DATA_DIR=/data npm run backup -- /backups/think-together-2026-12-02.sqlite
 *   DATA_DIR=/new-data npm run restore -- /backups/think-together-2026-12-02.sqlite
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import Database from 'better-sqlite3'
import { DATABASE_FILE, DataDirectoryError, LOCK_FILE, lockDataDirectory } from '../server/storage/dataDirectory'

const TOKEN_SECRET_FILE = 'token-secret'

/** A backup or restore that cannot go ahead; the message says why and what to do. */
export class DatabaseToolError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'DatabaseToolError'
  }
}

export interface BackupResult {
  file: string
  bytes: number
  ms: number
  tokenSecretFile: string | null
}

/** Throws DatabaseToolError unless `file` is a SQLite database that checks out. */
function checkDatabaseFile(file: string): void {
  let db: Database.Database
  try {
    db = new Database(file, { readonly: true, fileMustExist: true })
  } catch (error) {
    throw new DatabaseToolError(`${file} cannot be opened as a database: ${error instanceof Error ? error.message : String(error)}`)
  }
  try {
    const check = db.pragma('quick_check', { simple: true })
    if (check !== 'ok') throw new DatabaseToolError(`${file} does not check out (quick_check: ${String(check)})`)
    const hasBoards = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'boards'").get()
    if (!hasBoards) throw new DatabaseToolError(`${file} is a SQLite database but not a Think Together one (it has no boards table)`)
  } catch (error) {
    if (error instanceof DatabaseToolError) throw error
    throw new DatabaseToolError(`${file} does not check out: ${error instanceof Error ? error.message : String(error)}`)
  } finally {
    db.close()
  }
}

/** Copies DATA_DIR's database into `target` (which must not exist), consistently, while the server runs. */
export function backupDatabase(dataDir: string, target: string): BackupResult {
  const source = join(dataDir, DATABASE_FILE)
  if (!existsSync(source) || statSync(source).size === 0) throw new DatabaseToolError(`there is no database to back up at ${source}`)
  if (existsSync(target)) throw new DatabaseToolError(`${target} exists already; back up into a new file`)
  const started = performance.now()
  const partial = `${target}.partial-${process.pid}`
  rmSync(partial, { force: true })
  // Read-only: this connection never writes, never checkpoints, and needs no lock but a reader's.
  const db = new Database(source, { readonly: true, fileMustExist: true, timeout: 5000 })
  try {
    db.prepare('VACUUM INTO ?').run(partial)
  } catch (error) {
    rmSync(partial, { force: true })
    throw new DatabaseToolError(`backing up ${source} failed: ${error instanceof Error ? error.message : String(error)}`)
  } finally {
    db.close()
  }
  try {
    checkDatabaseFile(partial)
  } catch (error) {
    rmSync(partial, { force: true })
    throw error
  }
  renameSync(partial, target)
  const secret = join(dataDir, TOKEN_SECRET_FILE)
  const tokenSecretFile = existsSync(secret) ? `${target}.token-secret` : null
  if (tokenSecretFile) copyFileSync(secret, tokenSecretFile)
  return { file: target, bytes: statSync(target).size, ms: performance.now() - started, tokenSecretFile }
}

/** Writes the backup `source` as DATA_DIR's database; the directory must be empty and unused. */
export function restoreDatabase(dataDir: string, source: string): { file: string; tokenSecretRestored: boolean } {
  if (!existsSync(source)) throw new DatabaseToolError(`there is no backup at ${source}`)
  checkDatabaseFile(source)
  mkdirSync(dataDir, { recursive: true })
  const present = readdirSync(dataDir)
  if (present.length > 0) {
    // A running server holds the directory's lock: say that rather than only "not empty".
    if (present.includes(LOCK_FILE)) {
      try {
        lockDataDirectory(dataDir).release()
      } catch (error) {
        if (error instanceof DataDirectoryError) {
          throw new DatabaseToolError(`a Think Together server is running on ${dataDir}: restore into a new, empty DATA_DIR and start the server on that`)
        }
        throw error
      }
    }
    throw new DatabaseToolError(`${dataDir} is not empty (it holds ${present.join(', ')}): restore only into an empty DATA_DIR; nothing was changed`)
  }
  // Held while writing, so that a server started meanwhile refuses the directory.
  const lock = lockDataDirectory(dataDir)
  try {
    const file = join(dataDir, DATABASE_FILE)
    copyFileSync(source, file)
    const secret = `${source}.token-secret`
    const tokenSecretRestored = existsSync(secret)
    if (tokenSecretRestored) copyFileSync(secret, join(dataDir, TOKEN_SECRET_FILE))
    return { file, tokenSecretRestored }
  } finally {
    lock.release()
  }
}

function main(argv: string[]): void {
  const [command, file] = argv
  const dataDir = resolve(process.env.DATA_DIR || './data')
  if ((command !== 'backup' && command !== 'restore') || !file) {
    console.error('usage: npm run backup -- <file>   |   npm run restore -- <file>   (DATA_DIR says which data directory)')
    process.exit(2)
  }
  try {
    if (command === 'backup') {
      const result = backupDatabase(dataDir, resolve(file))
      console.log(`backed up ${join(dataDir, DATABASE_FILE)} to ${result.file} (${result.bytes} bytes, ${result.ms.toFixed(0)} ms)`)
      if (result.tokenSecretFile) console.log(`and the token secret to ${result.tokenSecretFile} (keep it as safe as the links)`)
    } else {
      const result = restoreDatabase(dataDir, resolve(file))
      console.log(`restored ${resolve(file)} to ${result.file}`)
      if (!result.tokenSecretRestored) console.log(`no ${resolve(file)}.token-secret beside the backup: start the server with the TOKEN_SECRET the boards' links were signed with`)
    }
  } catch (error) {
    if (!(error instanceof DatabaseToolError)) throw error
    console.error(`${command} refused: ${error.message}`)
    process.exit(1)
  }
}

if (process.argv[1] && /database\.(ts|js)$/.test(process.argv[1])) main(process.argv.slice(2))
