/**
 * Worker half of the WAL checkpointer (see walCheckpointer.ts): a second connection to the
 * server's SQLite file, in a thread of its own, that moves the write-ahead log into the database
 * file. Copying the WAL's pages and syncing the database file costs this thread, not the relay's
 * event loop; in WAL mode a checkpoint and the main connection's writes run side by side.
 *
 * Only passive checkpoints: they never take the write lock, so they never hold up the main
 * connection's commits.
 *
 * Messages in: { id } (a checkpoint) and { close: true }. Messages out:
 * { ready: true } once the file is open, { id, ok: true, busy, log, checkpointed } for each
 * checkpoint, { id, ok: false, code, error } when one failed.
 */
import { parentPort, workerData } from 'node:worker_threads'
import Database from 'better-sqlite3'

const db = new Database(workerData.filename, { fileMustExist: true })
// A checkpoint syncs the database file before it lets the WAL be reused.
db.pragma('synchronous = FULL')
// A passive checkpoint waits for nobody; the timeout is for opening the file.
db.pragma('busy_timeout = 2000')
db.pragma(`journal_size_limit = ${workerData.journalSizeLimit}`)
parentPort.postMessage({ ready: true })

parentPort.on('message', (message) => {
  if (message.close) {
    db.close()
    parentPort.close()
    return
  }
  try {
    const [row] = db.pragma('wal_checkpoint(PASSIVE)')
    parentPort.postMessage({ id: message.id, ok: true, busy: row.busy, log: row.log, checkpointed: row.checkpointed })
  } catch (error) {
    parentPort.postMessage({ id: message.id, ok: false, code: error?.code ?? null, error: String(error?.message ?? error) })
  }
})
