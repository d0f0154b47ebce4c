/**
 * The server as `npm start` runs it, plus a bench-only IPC channel: on `{ type: 'measure' }` it
 * forces garbage collection (needs `node --expose-gc`) and answers with its memory figures and
 * relay stats. relay-memory.ts starts it through ./relay-server.ts; nothing else should.
 */
import { setImmediate as nextTurn } from 'node:timers/promises'
import { readConfig } from '../../server/config'
import { createLogger, startServer } from '../../server/app'

export interface MemoryReport {
  type: 'memory'
  heapUsed: number
  heapTotal: number
  external: number
  arrayBuffers: number
  rss: number
  connections: number
  documents: number
}

const gc = (globalThis as { gc?: () => void }).gc
if (!gc) throw new Error('relay-memory-server needs node --expose-gc')

const config = readConfig()
const server = await startServer(config, createLogger(config.logLevel))

process.on('message', async (message: { type: string }) => {
  if (message.type !== 'measure') return
  // Several passes: weak references and finalizers free more on the next collection.
  for (let pass = 0; pass < 4; pass++) {
    gc()
    await nextTurn()
  }
  const memory = process.memoryUsage()
  const stats = server.relay.stats()
  const report: MemoryReport = {
    type: 'memory',
    heapUsed: memory.heapUsed,
    heapTotal: memory.heapTotal,
    external: memory.external,
    arrayBuffers: memory.arrayBuffers,
    rss: memory.rss,
    connections: stats.connections,
    documents: stats.documents,
  }
  process.send!(report)
})

const shutdown = () => void server.stop().then(() => process.exit(0))
process.on('SIGTERM', shutdown)
process.on('SIGINT', shutdown)
process.on('disconnect', shutdown)
