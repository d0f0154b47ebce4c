/**
 * Stores the updates every document received in one event-loop turn in one storage transaction,
 * then lets each document relay its own. Durability and throughput want the same thing here:
 * one commit (one fsync) per turn instead of one per document.
 */
import type { Storage } from '../storage/storage'
import { localUpdates, type BoardDocument } from './boardDocument'

export class TurnWriter {
  private readonly dirty = new Set<BoardDocument>()
  private scheduled = false

  constructor(private readonly storage: Storage) {}

  /** The document has pending updates: store them at the end of this turn. */
  schedule(document: BoardDocument): void {
    this.dirty.add(document)
    if (this.scheduled) return
    this.scheduled = true
    setImmediate(() => this.write())
  }

  private write(): void {
    this.scheduled = false
    const documents = [...this.dirty]
    this.dirty.clear()
    const taken: Array<{ document: BoardDocument; batch: NonNullable<ReturnType<BoardDocument['takePendingForTurn']>> }> = []
    for (const document of documents) {
      const batch = document.takePendingForTurn()
      if (batch) taken.push({ document, batch })
      else void document.flush()
    }
    if (taken.length === 0) return
    // Updates other instances stored are only relayed here: a batch may have nothing to store.
    const toStore = taken.map(({ document, batch }) => ({ docName: document.name, updates: localUpdates(batch) })).filter((entry) => entry.updates.length > 0)
    const stored = toStore.length > 0 ? this.storage.appendUpdatesMany(toStore) : Promise.resolve([])
    let index = 0
    for (const { document, batch } of taken) {
      const position = localUpdates(batch).length > 0 ? index++ : -1
      void document.completeTurn(batch, position === -1 ? Promise.resolve(0) : stored.then((lastSeqs) => lastSeqs[position]))
    }
  }
}
