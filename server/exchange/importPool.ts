/**
 * Runs imports off the event loop: one worker thread (importWorker.ts) reads one import at a time
 * (readImport in importReader.ts: parse, check, build the board's documents), so a board file of
 * several megabytes costs the relay's other boards nothing. A worker that runs past its time
 * budget or its heap is terminated and replaced; its import is refused, the next one is read.
 *
 * @example
 *   const pool = new ImportPool({ timeBudgetMs: 60_000, heapBudgetMb: 1024 })
 *   const outcome = await pool.read({ mediaType: 'application/json', body, query: {}, now: Date.now() })
 *   await pool.close()
 */
import { Worker } from 'node:worker_threads'
import type { ImportOutcome, ImportRequest } from './importReader'

/** In the built server the worker is bundled next to main.js; from source, tsx loads the .ts file. */
const FROM_SOURCE = import.meta.url.endsWith('.ts')
const WORKER_URL = new URL(FROM_SOURCE ? './importWorkerFromSource.mjs' : './importWorker.js', import.meta.url)

export interface ImportPoolOptions {
  timeBudgetMs: number
  heapBudgetMb: number
}

interface Job {
  id: number
  request: ImportRequest
  resolve(outcome: ImportOutcome): void
}

export class ImportPool {
  private worker: Worker | null = null
  private readonly queue: Job[] = []
  private current: Job | null = null
  private cancelBudget: (() => void) | null = null
  private nextId = 1
  private closed = false

  constructor(private readonly options: ImportPoolOptions) {}

  /** Reads an import in the worker; never rejects. */
  read(request: ImportRequest): Promise<ImportOutcome> {
    if (this.closed) return Promise.resolve({ ok: false, status: 503, message: 'The server is shutting down; try again in a moment.' })
    return new Promise((resolve) => {
      this.queue.push({ id: this.nextId++, request, resolve })
      this.pump()
    })
  }

  async close(): Promise<void> {
    this.closed = true
    for (const job of this.queue.splice(0)) job.resolve({ ok: false, status: 503, message: 'The server is shutting down; try again in a moment.' })
    this.finish({ ok: false, status: 503, message: 'The server is shutting down; try again in a moment.' })
    const worker = this.worker
    this.worker = null
    await worker?.terminate()
  }

  private pump(): void {
    if (this.current || this.closed) return
    const job = this.queue.shift()
    if (!job) return
    this.current = job
    const worker = this.ensureWorker()
    worker.postMessage({ id: job.id, request: job.request })
    const timer = setTimeout(() => {
      if (this.current !== job) return
      this.finish({
        ok: false,
        status: 413,
        message: `The file took longer than ${Math.round(this.options.timeBudgetMs / 1000)} s to read; split it into smaller boards.`,
      })
      this.replaceWorker(worker)
    }, this.options.timeBudgetMs)
    this.cancelBudget = () => clearTimeout(timer)
  }

  private finish(outcome: ImportOutcome): void {
    const job = this.current
    this.current = null
    this.cancelBudget?.()
    this.cancelBudget = null
    job?.resolve(outcome)
    queueMicrotask(() => this.pump())
  }

  private replaceWorker(worker: Worker): void {
    if (this.worker !== worker) return
    this.worker = null
    void worker.terminate()
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker
    const worker = new Worker(WORKER_URL, {
      resourceLimits: { maxOldGenerationSizeMb: this.options.heapBudgetMb, maxYoungGenerationSizeMb: Math.max(16, Math.floor(this.options.heapBudgetMb / 16)) },
    })
    worker.unref()
    worker.on('message', ({ id, outcome }: { id: number; outcome: ImportOutcome }) => {
      if (this.worker === worker && this.current?.id === id) this.finish(outcome)
    })
    // Out of its heap (or broken): the import it was on is refused, the next gets a new worker.
    const onGone = () => {
      if (this.worker !== worker) return
      this.worker = null
      if (this.current) this.finish({ ok: false, status: 413, message: 'The file is too large to read on this server; split it into smaller boards.' })
    }
    worker.on('error', onGone)
    worker.on('exit', onGone)
    this.worker = worker
    return worker
  }
}
