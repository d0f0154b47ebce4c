/**
 * Screens untrusted Yjs updates before the relay applies them to a live document. Each update is
 * first applied to a scratch document in a worker thread (updateScreenWorker.mjs) under a time
 * budget and a heap cap; only updates that pass are applied on the main thread. An update that
 * runs out of budget gets the worker terminated and replaced, so one crafted update stalls other
 * boards' screening for at most the time budget and never blocks the relay's event loop.
 *
 * @example
 *   const screen = new UpdateScreen({ timeBudgetMs: 1000, heapBudgetMb: 256 })
 *   const verdict = await screen.check(update)
 *   if (verdict.ok) Y.applyUpdate(doc, update)
 */
import { Worker } from 'node:worker_threads'

export type ScreenVerdict =
  | { ok: true }
  | { ok: false; reason: 'malformed'; detail: string }
  | { ok: false; reason: 'over-budget' }
  | { ok: false; reason: 'screen-closed' }

export interface UpdateScreenOptions {
  /** Longest a single update may take to decode (milliseconds). */
  timeBudgetMs: number
  /** Heap the screening worker may use (megabytes). */
  heapBudgetMb: number
}

interface Job {
  id: number
  update: Uint8Array
  resolve: (verdict: ScreenVerdict) => void
}

const WORKER_URL = new URL('./updateScreenWorker.mjs', import.meta.url)

export class UpdateScreen {
  private worker: Worker | null = null
  private readonly queue: Job[] = []
  private current: Job | null = null
  private timer: NodeJS.Timeout | null = null
  private nextId = 1
  private closed = false
  /** How many workers were replaced because an update ran past its budget. */
  overBudgetCount = 0

  constructor(private readonly options: UpdateScreenOptions) {}

  check(update: Uint8Array): Promise<ScreenVerdict> {
    if (this.closed) return Promise.resolve({ ok: false, reason: 'screen-closed' })
    return new Promise((resolve) => {
      this.queue.push({ id: this.nextId++, update, resolve })
      this.pump()
    })
  }

  async close(): Promise<void> {
    this.closed = true
    for (const job of this.queue.splice(0)) job.resolve({ ok: false, reason: 'screen-closed' })
    this.finishCurrent({ ok: false, reason: 'screen-closed' })
    await this.worker?.terminate()
    this.worker = null
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker
    const worker = new Worker(WORKER_URL, {
      resourceLimits: {
        maxOldGenerationSizeMb: this.options.heapBudgetMb,
        maxYoungGenerationSizeMb: Math.max(4, Math.floor(this.options.heapBudgetMb / 8)),
      },
    })
    worker.unref()
    worker.on('message', (message: { id: number; ok: boolean; error?: string }) => {
      if (!this.current || message.id !== this.current.id) return
      this.finishCurrent(message.ok ? { ok: true } : { ok: false, reason: 'malformed', detail: message.error ?? '' })
      this.pump()
    })
    // A worker that dies (out of its heap budget, or terminated) takes only the current job with it.
    const onGone = () => {
      if (this.worker !== worker) return
      this.worker = null
      if (this.current) {
        this.overBudgetCount++
        this.finishCurrent({ ok: false, reason: 'over-budget' })
      }
      this.pump()
    }
    worker.on('error', onGone)
    worker.on('exit', onGone)
    this.worker = worker
    return worker
  }

  private pump(): void {
    if (this.closed || this.current || this.queue.length === 0) return
    const job = this.queue.shift()!
    this.current = job
    this.ensureWorker().postMessage({ id: job.id, update: job.update })
    this.timer = setTimeout(() => {
      const worker = this.worker
      this.worker = null
      this.overBudgetCount++
      this.finishCurrent({ ok: false, reason: 'over-budget' })
      void worker?.terminate()
      this.pump()
    }, this.options.timeBudgetMs)
  }

  private finishCurrent(verdict: ScreenVerdict): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    const job = this.current
    this.current = null
    job?.resolve(verdict)
  }
}
