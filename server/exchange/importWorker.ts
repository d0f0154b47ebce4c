/**
 * The import worker thread (see importPool.ts): reads one import at a time with readImport and
 * hands back the outcome, the documents' bytes transferred rather than copied.
 */
import { parentPort } from 'node:worker_threads'
import { readImport, type ImportOutcome, type ImportRequest } from './importReader'

if (!parentPort) throw new Error('importWorker.ts runs as a worker thread')
const port = parentPort

port.on('message', ({ id, request }: { id: number; request: ImportRequest }) => {
  let outcome: ImportOutcome
  try {
    outcome = readImport(request)
  } catch (error) {
    outcome = { ok: false, status: 400, message: `The file could not be read (${error instanceof Error ? error.message : String(error)}).` }
  }
  const transfer = outcome.ok ? Object.values(outcome.updates).map((update) => update.buffer as ArrayBuffer) : []
  port.postMessage({ id, outcome }, transfer)
})
