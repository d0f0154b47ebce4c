/**
 * Worker half of the update screen (see updateScreen.ts): applies each untrusted Yjs update to a
 * scratch document, off the main thread, so an update crafted to make the decoder loop or
 * allocate without bound (yjs issues 479, 498, 687, 713) costs this worker, not the relay.
 * The main thread terminates this worker when a check runs past its time budget; the worker's
 * heap is capped by its resourceLimits.
 *
 * Messages in: { id: number, update: Uint8Array }. Messages out: { id, ok: true } or
 * { id, ok: false, error: string }.
 */
import { parentPort } from 'node:worker_threads'
import * as Y from 'yjs'

parentPort.on('message', ({ id, update }) => {
  const scratch = new Y.Doc({ gc: false })
  try {
    Y.applyUpdate(scratch, update)
    parentPort.postMessage({ id, ok: true })
  } catch (error) {
    parentPort.postMessage({ id, ok: false, error: error instanceof Error ? error.message : String(error) })
  } finally {
    scratch.destroy()
  }
})
