/**
 * Screens untrusted Yjs updates before the relay applies them to a live document. Each update is
 * first applied to a scratch document in a worker thread (updateScreenWorker.mjs) under a time
 * budget and a heap cap; only updates that pass are applied on the main thread. An update that
 * runs out of budget gets its worker terminated and replaced, so a crafted update never blocks
 * the relay's event loop.
 *
 * Two lanes, each with its own worker: small updates (what people's edits are) and large ones
 * (pastes, imports, and whatever an attacker makes costly). Costly updates queue behind each
 * other in the large lane and never in front of everyday edits. A closed connection's queued
 * updates are dropped. The budget runs from when a worker starts on an update, never while a
 * fresh worker boots.
 *
 * @example
 *   const screen = new UpdateScreen({ timeBudgetMs: 1000, heapBudgetMb: 256 })
 *   const verdict = await screen.check(update, connection)
 *   if (verdict.ok) Y.applyUpdate(doc, update)
 */
import { Worker } from 'node:worker_threads'

export type ScreenVerdict =
  | { ok: true }
  | { ok: false; reason: 'malformed'; detail: string }
  | { ok: false; reason: 'over-budget' }
  | { ok: false; reason: 'cancelled' }

export interface UpdateScreenOptions {
  /** Longest a single update may take to decode (milliseconds). */
  timeBudgetMs: number
  /** Heap each screening worker may use (megabytes). */
  heapBudgetMb: number
  /** Updates up to this size go to the small lane. */
  smallUpdateBytes?: number
}

interface Job {
  id: number
  update: Uint8Array
  owner: unknown
  resolve: (verdict: ScreenVerdict) => void
}

const WORKER_URL = new URL('./updateScreenWorker.mjs', import.meta.url)
const DEFAULT_SMALL_UPDATE_BYTES = 64 * 1024
/** A batch sent to a worker holds at most this many updates, or this many bytes (or one update). */
const MAX_BATCH_UPDATES = 128
const MAX_BATCH_BYTES = 1024 * 1024
/** However idle a worker looked, an update is refused after this many budgets of waiting. */
const MAX_WAIT_BUDGETS = 10

/** One worker and its queue. */
class Lane {
  private worker: Worker | null = null
  /** True once the worker has booted and warmed up; the budget never counts that time. */
  private online = false
  private readonly queue: Job[] = []
  /** The batch the worker is on, with the verdicts it has given so far. */
  private batch: Job[] = []
  private verdicts: ScreenVerdict[] = []
  private timer: NodeJS.Timeout | null = null
  private closed = false
  overBudgetCount = 0

  constructor(private readonly options: UpdateScreenOptions) {
    this.ensureWorker()
  }

  enqueue(job: Job): void {
    if (this.closed) {
      job.resolve({ ok: false, reason: 'cancelled' })
      return
    }
    this.queue.push(job)
    this.pump()
  }

  cancel(owner: unknown): void {
    for (let i = this.queue.length - 1; i >= 0; i--) {
      if (this.queue[i].owner !== owner) continue
      this.queue[i].resolve({ ok: false, reason: 'cancelled' })
      this.queue.splice(i, 1)
    }
  }

  async close(): Promise<void> {
    this.closed = true
    this.stopTimer()
    for (const job of [...this.batch, ...this.queue.splice(0)]) job.resolve({ ok: false, reason: 'cancelled' })
    this.batch = []
    const worker = this.worker
    this.worker = null
    await worker?.terminate()
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker
    const worker = new Worker(WORKER_URL, {
      resourceLimits: {
        maxOldGenerationSizeMb: this.options.heapBudgetMb,
        maxYoungGenerationSizeMb: Math.max(4, Math.floor(this.options.heapBudgetMb / 8)),
      },
    })
    this.online = false
    worker.unref()
    worker.on('message', (message: { ready?: true; id: number; ok: boolean; error?: string }) => {
      if (this.worker !== worker) return
      if (message.ready) {
        this.online = true
        this.pump()
        return
      }
      const job = this.batch[this.verdicts.length]
      if (!job || job.id !== message.id) return
      this.verdicts.push(message.ok ? { ok: true } : { ok: false, reason: 'malformed', detail: message.error ?? '' })
      if (this.verdicts.length < this.batch.length) {
        this.armBudget(worker)
        return
      }
      this.finishBatch(null)
      this.pump()
    })
    // A worker that dies (out of its heap budget) takes only the update it was on with it.
    const onGone = () => {
      if (this.worker !== worker) return
      this.worker = null
      if (this.batch.length > 0) this.finishBatch('over-budget')
      if (!this.closed) this.ensureWorker()
    }
    worker.on('error', onGone)
    worker.on('exit', onGone)
    this.worker = worker
    return worker
  }

  /** Sends the worker every queued update (up to a batch's limits) in one message. */
  private pump(): void {
    if (this.closed || this.batch.length > 0 || this.queue.length === 0) return
    const worker = this.ensureWorker()
    if (!this.online) return
    let bytes = 0
    let count = 0
    while (count < this.queue.length && count < MAX_BATCH_UPDATES && (count === 0 || bytes + this.queue[count].update.length <= MAX_BATCH_BYTES)) {
      bytes += this.queue[count].update.length
      count++
    }
    this.batch = this.queue.splice(0, count)
    this.verdicts = []
    worker.postMessage({ jobs: this.batch.map(({ id, update }) => ({ id, update })) })
    this.armBudget(worker)
  }

  /**
   * Times the update the worker is on. The budget counts the worker's busy time, not time the
   * update spent in transit or the worker sat idle waiting to be scheduled; a hard cap of ten
   * budgets bounds the wait anyway.
   */
  private armBudget(worker: Worker): void {
    this.stopTimer()
    const budget = this.options.timeBudgetMs
    const startedAt = performance.now()
    const startUsage = worker.performance.eventLoopUtilization()
    const arm = (delay: number) => {
      this.timer = setTimeout(() => {
        const busy = worker.performance.eventLoopUtilization(startUsage).active
        if (busy < budget && performance.now() - startedAt < budget * MAX_WAIT_BUDGETS) return arm(budget - busy + 1)
        this.worker = null
        this.finishBatch('over-budget')
        void worker.terminate()
        this.ensureWorker()
      }, delay)
    }
    arm(budget)
  }

  /**
   * Settles the batch in one go (so the updates it passes are applied in the same event-loop
   * turn and stored in one transaction). When `failure` is given, the update the worker was on
   * fails with it and the updates after it go back to the front of the queue.
   */
  private finishBatch(failure: 'over-budget' | null): void {
    this.stopTimer()
    const batch = this.batch
    const verdicts = this.verdicts
    this.batch = []
    this.verdicts = []
    if (failure) {
      this.overBudgetCount++
      const culprit = batch[verdicts.length]
      this.queue.unshift(...batch.slice(verdicts.length + 1))
      culprit?.resolve({ ok: false, reason: failure })
    }
    for (const [i, verdict] of verdicts.entries()) batch[i].resolve(verdict)
  }

  private stopTimer(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
  }
}

export class UpdateScreen {
  private readonly small: Lane
  private readonly large: Lane
  private readonly smallUpdateBytes: number
  private nextId = 1

  constructor(options: UpdateScreenOptions) {
    this.smallUpdateBytes = options.smallUpdateBytes ?? DEFAULT_SMALL_UPDATE_BYTES
    this.small = new Lane(options)
    this.large = new Lane(options)
  }

  /** How many updates ran past their budget (their workers were replaced). */
  get overBudgetCount(): number {
    return this.small.overBudgetCount + this.large.overBudgetCount
  }

  /** Checks an update; `owner` (the connection) lets its queued updates be cancelled together. */
  check(update: Uint8Array, owner: unknown = null): Promise<ScreenVerdict> {
    const lane = update.length <= this.smallUpdateBytes ? this.small : this.large
    return new Promise((resolve) => lane.enqueue({ id: this.nextId++, update, owner, resolve }))
  }

  /** Drops every queued update of `owner` (a connection that closed). */
  cancel(owner: unknown): void {
    this.small.cancel(owner)
    this.large.cancel(owner)
  }

  async close(): Promise<void> {
    await Promise.all([this.small.close(), this.large.close()])
  }
}
