/**
 * Reads a board's history back for people: the timeline (steps of activity grouped per step
 * length, with who took part, how much changed and the markers) and a moment (each readable
 * document as it was then, as one Yjs update, with who added or changed what in the step that
 * ends there). Names come from the people the server knows on the board, as they are named now;
 * a link that named nobody is shown by its role. What is older than the retention is not shown.
 */
import * as Y from 'yjs'
import type { HistoryChangeView, HistoryDocKind, HistoryMoment, HistoryStepView, HistoryTimeline, HistoryWho, HistoryAuthor } from '../../shared/api/history'
import { HISTORY_DOC_KINDS } from '../../shared/api/history'
import { canvasDocName, controlDocName, conversationDocName } from '../../shared/board/docNames'
import type { Storage, StoredPerson } from '../storage/storage'

export interface HistoryReaderOptions {
  storage: Storage
  stepMs: number
  retentionMs: number | null
  now?: () => number
}

const ROLE_NAMES: Record<HistoryAuthor['role'], string> = {
  facilitator: 'Someone with the facilitator link',
  member: 'Someone with the member link',
  observer: 'Someone with the observer link',
}

export function historyDocName(boardId: string, kind: HistoryDocKind): string {
  return kind === 'canvas' ? canvasDocName(boardId) : kind === 'control' ? controlDocName(boardId) : conversationDocName(boardId)
}

export class HistoryReader {
  private readonly now: () => number

  constructor(private readonly options: HistoryReaderOptions) {
    this.now = options.now ?? Date.now
  }

  /** The earliest moment that may be shown. */
  get oldestShown(): number {
    return this.options.retentionMs === null ? 0 : this.now() - this.options.retentionMs
  }

  async timeline(boardId: string): Promise<HistoryTimeline> {
    const [steps, people] = await Promise.all([this.options.storage.listHistory(boardId, this.oldestShown), this.peopleOf(boardId)])
    const buckets = new Map<number, { at: number; changes: number; who: Map<string, HistoryWho>; markers: HistoryStepView['markers'] }>()
    for (const step of steps) {
      const key = Math.floor(step.at / this.options.stepMs)
      const bucket = buckets.get(key) ?? { at: step.at, changes: 0, who: new Map<string, HistoryWho>(), markers: [] as HistoryStepView['markers'] }
      bucket.at = Math.max(bucket.at, step.at)
      bucket.changes += step.notes.changes.length
      for (const change of step.notes.changes) {
        const who = change.author && this.whoOf(change.author, people)
        if (who) bucket.who.set(who.personId ?? `role:${who.role}`, who)
      }
      bucket.markers.push(...step.notes.markers)
      buckets.set(key, bucket)
    }
    const views = [...buckets.values()].map((bucket) => ({ at: bucket.at, changes: bucket.changes, who: [...bucket.who.values()], markers: bucket.markers }))
    return {
      from: steps.length > 0 ? steps[0].at : null,
      to: steps.length > 0 ? Math.max(...steps.map((step) => step.at)) : null,
      stepMs: this.options.stepMs,
      steps: views,
    }
  }

  /** The readable documents at `at` (null when `at` is older than what is kept). */
  async moment(boardId: string, at: number): Promise<HistoryMoment | null> {
    if (at < this.oldestShown) return null
    const states = await this.documentsAt(boardId, at)
    const bucketStart = Math.floor(at / this.options.stepMs) * this.options.stepMs
    const [steps, people] = await Promise.all([this.options.storage.listHistory(boardId, bucketStart), this.peopleOf(boardId)])
    const changes: HistoryChangeView[] = []
    for (const step of steps) {
      if (step.at > at) continue
      for (const change of step.notes.changes) {
        changes.push({ who: change.author && this.whoOf(change.author, people), action: change.action, doc: change.doc, map: change.map, key: change.key })
      }
    }
    const base64 = (update: Uint8Array) => Buffer.from(update).toString('base64')
    return { at, documents: { canvas: base64(states.canvas), conversation: base64(states.conversation), control: base64(states.control) }, changes }
  }

  /** Each readable document at `at`, as one Yjs update (an empty document's when nothing was recorded by then). */
  async documentsAt(boardId: string, at: number): Promise<Record<HistoryDocKind, Uint8Array>> {
    const entries = await Promise.all(
      HISTORY_DOC_KINDS.map(async (kind) => {
        const updates = await this.options.storage.readHistoryAt(historyDocName(boardId, kind), at)
        // Applied to a document of its own, so what later steps removed is collected: the answer is
        // the document as it was, no larger, and quick for the browser to read.
        const doc = new Y.Doc()
        doc.transact(() => {
          for (const update of updates) Y.applyUpdate(doc, update)
        })
        const state = Y.encodeStateAsUpdate(doc)
        doc.destroy()
        return [kind, state] as const
      }),
    )
    return Object.fromEntries(entries) as Record<HistoryDocKind, Uint8Array>
  }

  private async peopleOf(boardId: string): Promise<Map<string, StoredPerson>> {
    return new Map((await this.options.storage.listPeople(boardId)).map((person) => [person.personId, person]))
  }

  private whoOf(author: HistoryAuthor, people: Map<string, StoredPerson>): HistoryWho {
    const person = author.personId ? people.get(author.personId) : undefined
    if (person) return { personId: person.personId, name: person.name ?? 'Someone new', color: person.color, role: author.role }
    return { personId: null, name: ROLE_NAMES[author.role], color: null, role: author.role }
  }
}
