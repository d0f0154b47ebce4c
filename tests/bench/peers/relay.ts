/**
 * Peer server for the side-by-side benchmark: this relay as shipped. It imports server/main.ts,
 * which starts the server from the environment exactly as `npm start` does (SQLite in DATA_DIR,
 * the real policy, update screen and limits, its own signal handling); this file only adds the
 * bench's memory channel (./memoryChannel.ts), reading the documents it holds from its own
 * /metrics.
 */
import '../../../server/main'
import { answerMemoryRequests, listenAddress } from './memoryChannel'

const { port, host } = listenAddress()

async function documentsLoaded(): Promise<number> {
  const text = await (await fetch(`http://${host}:${port}/metrics`)).text()
  const match = /^tt_documents_loaded (\S+)$/m.exec(text)
  return match ? Number(match[1]) : Number.NaN
}

answerMemoryRequests(documentsLoaded, () => process.kill(process.pid, 'SIGTERM'))
