/**
 * Checkpoints SQLite's write-ahead log in a thread of its own (walCheckpointWorker.mjs), so
 * that the relay's event loop never copies WAL pages into the database file nor waits for that
 * file's fsync. SQLite's automatic checkpoint does both inside whichever commit crosses 1,000 WAL
 * pages, and a truncating checkpoint after each compaction did them on every busy board once
 * every ten seconds: with ten crowded boards, a stall of the relay every second.
 *
 * The main connection turns its automatic checkpoint off and tells the checkpointer of each
 * write; the worker runs a passive checkpoint at most once per `intervalMs` while writes come in.
 * Only passive ones: they never take the write lock, so the main connection's commits never wait
 * for the worker (a truncating checkpoint would block them, and one that outwaited their busy
 * timeout would fail a commit). Truncating the WAL file stays with the main connection, once the
 * database sits idle (SqliteStorage). Should the worker fail, the main connection gets its
 * automatic checkpoint back: slower, never unsafe. Durability is unchanged: commits are synced to
 * the WAL by the main connection (synchronous=FULL), whatever the checkpoint does.
 *
 * @example
 *   const checkpointer = WalCheckpointer.start(file, db, { journalSizeLimit: 4 << 20 })
 *   db.prepare('INSERT …').run(…); checkpointer.wrote()
 *   await checkpointer.close()
 */
import { Worker } from 'node:worker_threads'
import type Database from 'better-sqlite3'

const WORKER_URL = new URL('./walCheckpointWorker.mjs', import.meta.url)

/** SQLite's own default: what the main connection goes back to if the worker fails. */
const AUTOMATIC_CHECKPOINT_PAGES = 1000

/**
 * A passive checkpoint leaves the frames written while it ran, and the WAL only starts over once
 * a checkpoint has moved all of it; under writes that never pause it could grow without end.
 * Past as many frames as SQLite's own automatic checkpoint lets it reach, the main connection
 * moves what the worker left (the last few commits) itself, between two commits, and the next
 * commit starts the WAL over: the WAL file stays the size it had without the worker.
 */
const MAX_WAL_FRAMES = AUTOMATIC_CHECKPOINT_PAGES

export interface WalCheckpointerOptions {
  journalSizeLimit: number
  /** How often at most a passive checkpoint runs while writes come in. @default 200 */
  intervalMs?: number
  /** Told when the worker fails and the main connection checkpoints by itself again. */
  onFailure?: (error: Error) => void
}

interface CheckpointOutcome {
  /** Frames in the WAL, and how many of them are now in the database file. */
  log: number
  checkpointed: number
}

interface Reply {
  id: number
  ok: boolean
  log?: number
  checkpointed?: number
  error?: string
}

export class WalCheckpointer {
  private nextId = 1
  private readonly waiting = new Map<number, { resolve(outcome: CheckpointOutcome): void; reject(error: Error): void }>()
  private timer: NodeJS.Timeout | null = null
  /** One checkpoint at a time: the next waits for this one. */
  private running: Promise<unknown> = Promise.resolve()
  private failed = false
  private closed = false
  /** Frames in the WAL when the worker last checkpointed. */
  private walFrames = 0
  private readonly intervalMs: number

  private constructor(
    private readonly worker: Worker,
    private readonly db: Database.Database,
    private readonly options: WalCheckpointerOptions,
  ) {
    this.intervalMs = options.intervalMs ?? 200
    worker.on('message', (reply: Reply | { ready: true }) => {
      if ('id' in reply) this.settle(reply)
    })
    worker.on('error', (error) => this.fail(error))
    worker.on('exit', (code) => {
      if (!this.closed) this.fail(new Error(`the WAL checkpoint worker exited with code ${code}`))
    })
  }

  /**
   * Starts the worker and turns the main connection's automatic checkpoint off. The worker opens
   * its own connection to `filename`; if that fails, the automatic checkpoint comes back.
   */
  static start(filename: string, db: Database.Database, options: WalCheckpointerOptions): WalCheckpointer {
    const worker = new Worker(WORKER_URL, { workerData: { filename, journalSizeLimit: options.journalSizeLimit } })
    // The worker runs while the server works; it does not keep a finished process alive.
    worker.unref()
    db.pragma('wal_autocheckpoint = 0')
    return new WalCheckpointer(worker, db, options)
  }

  /** Whether the worker does the checkpoints (false once it failed: the main connection does). */
  get active(): boolean {
    return !this.failed && !this.closed
  }

  /** The main connection committed: a passive checkpoint runs soon, at most one per interval. */
  wrote(): void {
    if (!this.active) return
    if (this.walFrames > MAX_WAL_FRAMES) {
      this.walFrames = 0
      try {
        // Passive: if the worker is checkpointing right now this does nothing, and the next one does it.
        this.db.pragma('wal_checkpoint(PASSIVE)')
      } catch {
        // Tried again once the worker reports a long WAL again.
      }
    }
    if (this.timer) return
    this.timer = setTimeout(() => {
      this.timer = null
      void this.checkpoint().catch(() => undefined)
    }, this.intervalMs)
    this.timer.unref()
  }

  /** Stops the worker after the checkpoint it is running; the main connection checkpoints on close. */
  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    await this.running.catch(() => undefined)
    if (this.failed) return
    const exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()))
    // Until it has exited, the worker keeps the process alive: a shutdown waits for it.
    this.worker.ref()
    this.worker.postMessage({ close: true })
    await exited
  }

  private checkpoint(): Promise<CheckpointOutcome> {
    const run = this.running
      .catch(() => undefined)
      .then(
        () =>
          new Promise<CheckpointOutcome>((resolve, reject) => {
            if (!this.active) {
              reject(new Error('the WAL checkpoint worker is not running'))
              return
            }
            const id = this.nextId++
            this.waiting.set(id, { resolve, reject })
            this.worker.postMessage({ id })
          }),
      )
    this.running = run
    return run
  }

  private settle(reply: Reply): void {
    const waiter = this.waiting.get(reply.id)
    if (!waiter) return
    this.waiting.delete(reply.id)
    // A checkpoint that could not run (busy, I/O) is tried again after the next write.
    if (reply.ok) {
      this.walFrames = reply.log ?? 0
      waiter.resolve({ log: reply.log ?? 0, checkpointed: reply.checkpointed ?? 0 })
    } else waiter.reject(new Error(reply.error ?? 'checkpoint failed'))
  }

  private fail(error: Error): void {
    if (this.failed) return
    this.failed = true
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    for (const waiter of this.waiting.values()) waiter.reject(error)
    this.waiting.clear()
    if (this.db.open) this.db.pragma(`wal_autocheckpoint = ${AUTOMATIC_CHECKPOINT_PAGES}`)
    this.options.onFailure?.(error)
  }
}
