/**
 * A new board's history begins where the board does: the first update of each of its documents
 * (the title and problem; for a board restored from history, the canvas and conversation of that
 * moment too) is recorded as the document's first keyframe, so every later moment, and a restore
 * of it, has the whole board to build on. Failing to record it loses no board: history then begins
 * with the first change, and the failure is logged.
 */
import type { Logger } from 'pino'
import * as Y from 'yjs'
import type { InitialDocument, Storage } from '../storage/storage'

export async function recordFirstSteps(storage: Storage, boardId: string, documents: InitialDocument[], at: number, log: Logger): Promise<void> {
  try {
    for (const { docName, update } of documents) {
      const doc = new Y.Doc()
      Y.applyUpdate(doc, update)
      const stateVector = Y.encodeStateVector(doc)
      doc.destroy()
      await storage.appendHistoryStep(boardId, { docName, at, keyframe: true, update, stateVector, notes: { changes: [], markers: [] } })
    }
  } catch (error) {
    log.warn({ err: error, boardId }, "the board's first history steps could not be stored; its history begins with its first change")
  }
}
