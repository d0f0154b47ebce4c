/**
 * Worker half of the update screen (see updateScreen.ts): applies each untrusted Yjs update to a
 * scratch document, off the main thread, so an update crafted to make the decoder loop or
 * allocate without bound (yjs issues 479, 498, 687, 713) costs this worker, not the relay.
 * The main thread terminates this worker when a check runs past its time budget; the worker's
 * heap is capped by its resourceLimits.
 *
 * Messages in: { jobs: Array<{ id: number, update: Uint8Array }> }. Messages out: { ready: true }
 * once warmed up, then { id, ok: true } or { id, ok: false, error: string } for each update.
 */
import { parentPort } from 'node:worker_threads'
import * as Y from 'yjs'

/**
 * Runs Yjs's decoding paths a few times before taking real work, so the first real updates are
 * not charged for compiling them (a cold worker can be ten times slower than a warm one).
 */
function warmUp() {
  const source = new Y.Doc()
  const updates = []
  source.on('update', (update) => updates.push(update))
  for (let i = 0; i < 40; i++) {
    source.getMap('records').set(`shape:${i}`, { x: i, y: i * 2, props: { text: 'warm up' } })
    source.getText('text').insert(0, 'warm ')
    source.getArray('list').push([i])
    if (i % 3 === 0) source.getText('text').delete(0, 2)
  }
  updates.push(Y.encodeStateAsUpdate(source))
  for (let round = 0; round < 5; round++) {
    for (const update of updates) {
      const scratch = new Y.Doc({ gc: false })
      Y.applyUpdate(scratch, update)
      scratch.destroy()
    }
  }
  source.destroy()
}

warmUp()
parentPort.postMessage({ ready: true })

/** Jobs come in batches; each result is posted as soon as it is known, so the main thread can
 * tell which update of a batch ran past its budget. */
parentPort.on('message', ({ jobs }) => {
  for (const { id, update } of jobs) {
    // A fixed guid: a random one costs more than decoding a small update.
    const scratch = new Y.Doc({ gc: false, guid: 'screen' })
    try {
      Y.applyUpdate(scratch, update)
      parentPort.postMessage({ id, ok: true })
    } catch (error) {
      parentPort.postMessage({ id, ok: false, error: error instanceof Error ? error.message : String(error) })
    } finally {
      scratch.destroy()
    }
  }
})
