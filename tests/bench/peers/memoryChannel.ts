/**
 * The bench-only IPC channel every peer server of the side-by-side benchmark answers on (see
 * tests/bench/side-by-side.ts): on `{ type: 'memory' }` it forces garbage collection (the peer
 * runs under `node --expose-gc`) and answers with its heap figures and how many documents it holds
 * in memory. When the benchmark goes away (the IPC channel closes), the peer stops.
 *
 * @example
 *   answerMemoryRequests(() => docs.size, () => process.exit(0))
 */
import { setImmediate as nextTurn } from 'node:timers/promises'

export interface MemoryRequest {
  type: 'memory'
}

export interface MemoryReport {
  type: 'memory'
  heapUsed: number
  heapTotal: number
  external: number
  arrayBuffers: number
  rss: number
  /** Documents the server holds in memory right now. */
  documents: number
}

export function answerMemoryRequests(countDocuments: () => number | Promise<number>, stop: () => void): void {
  const gc = (globalThis as { gc?: () => void }).gc
  if (!gc) throw new Error('a benchmark peer needs node --expose-gc')
  process.on('message', async (message: MemoryRequest) => {
    if (message?.type !== 'memory') return
    const documents = await countDocuments()
    // Several passes: weak references and finalizers free more on the next collection.
    for (let pass = 0; pass < 4; pass++) {
      gc()
      await nextTurn()
    }
    const memory = process.memoryUsage()
    const report: MemoryReport = {
      type: 'memory',
      heapUsed: memory.heapUsed,
      heapTotal: memory.heapTotal,
      external: memory.external,
      arrayBuffers: memory.arrayBuffers,
      rss: memory.rss,
      documents,
    }
    process.send!(report)
  })
  process.on('disconnect', stop)
}

/** The port and host a peer listens on, as the benchmark hands them to every peer. */
export function listenAddress(): { port: number; host: string } {
  return { port: Number(process.env.PORT ?? 0), host: process.env.HOST ?? '127.0.0.1' }
}

/** The document name in a stock y-websocket URL, `/<prefix>/<docName>?params`. */
export function docNameFromUrl(url: string | undefined, prefix: string): string {
  const path = (url ?? '/').split('?')[0]
  return decodeURIComponent(path.startsWith(prefix) ? path.slice(prefix.length) : path.slice(1))
}
