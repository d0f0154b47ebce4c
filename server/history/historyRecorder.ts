/**
 * Keeps the history of every readable board document (canvas, conversation, control; never drafts,
 * never people) as the relay changes it: who added, changed or removed which record, and at the
 * end of each step (at most `stepMs` after the first change in it) what the document gained since
 * the step before, as a Yjs update taken from the live, garbage-collected document. A step is a
 * keyframe (the whole document) when the steps since the last keyframe together outgrow
 * KEYFRAME_AFTER times the document, so showing a moment applies at most about that many
 * documents' worth of steps after one keyframe, and keyframes take a bounded share of history.
 *
 * Attribution: a change is the person's or role's the server knows for the connection that sent
 * it; what the server writes itself (anonymous cards, reveals, vote results, migrations) is
 * nobody's, and so is every change to an anonymous card, whoever made it. Changes that arrive
 * from another instance are recorded there, not here. Markers (phase changes, reveals, vote
 * closes) are read from the control document's own changes.
 */
import type { Logger } from 'pino'
import * as Y from 'yjs'
import type { HistoryAuthor, HistoryChange, HistoryDocKind, HistoryMarker } from '../../shared/api/history'
import { BOARD_MAP, CARDS_MAP, REACTIONS_MAP, THREADS_MAP, TLDRAW_RECORDS_MAP, TOURS_MAP } from '../../shared/board/docLayout'
import { parseDocName } from '../../shared/board/docNames'
import { FACILITATION_MAP, readCurrentPhase } from '../../shared/board/facilitation'
import { VOTE_ROUNDS_KEY } from '../../shared/board/voting'
import type { BoardDocument } from '../relay/boardDocument'
import { RelayConnection } from '../relay/connection'
import type { Clock, DocumentHistory } from '../relay/context'
import { REMOTE_ORIGIN } from '../relay/fanout'
import type { HistoryTail, Storage } from '../storage/storage'

/** The maps at each readable document's root whose keys history names. */
export const HISTORY_MAPS: Record<HistoryDocKind, readonly string[]> = {
  canvas: [TLDRAW_RECORDS_MAP, CARDS_MAP],
  conversation: [THREADS_MAP, REACTIONS_MAP, TOURS_MAP],
  control: [BOARD_MAP, FACILITATION_MAP],
}

/**
 * A keyframe is written once the steps since the last one hold this many times the document's
 * bytes: more keeps fewer whole copies (less room), fewer makes a moment quicker to build. At 1,
 * a one-hour 20-person session took 2.5× its compacted size and a moment at most 0.8 s to show;
 * at 2, 2.2× and 1.4 s (BENCHMARKS.md).
 */
const KEYFRAME_AFTER = 1

/** Changes kept per step at most; a step with more still records its bytes, and the first ones. */
const MAX_CHANGES_PER_STEP = 5000

export interface HistoryRecorderOptions {
  storage: Storage
  log: Logger
  /** Runs the step timers (the relay's clock). */
  clock: Clock
  /** Wall-clock time of a step, in ms since the epoch. */
  now?: () => number
  /** How long a step lasts at most from its first change. */
  stepMs: number
  /** How long history is kept (HISTORY_RETENTION_DAYS); null keeps it as long as the board. */
  retentionMs: number | null
}

/** A board's expired history is deleted at most this often, after one of its steps is stored. */
const PRUNE_INTERVAL_MS = 60 * 60 * 1000

interface Track {
  readonly boardId: string
  readonly kind: HistoryDocKind
  /** Where the next step continues from (read from storage on load). */
  tail: Promise<HistoryTail | null>
  changes: Map<string, HistoryChange>
  markers: HistoryMarker[]
  /** Cards that are anonymous now (their changes are nobody's). */
  readonly anonymousCards: Set<string>
  cancelTimer: (() => void) | null
  /** Step closes of this document run one after another. */
  closing: Promise<void>
  readonly stopObserving: () => void
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function cardIdOfShape(value: unknown): string | null {
  if (!isRecord(value) || !isRecord(value.props)) return null
  return typeof value.props.cardId === 'string' ? value.props.cardId : null
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, index) => byte === b[index])
}

export class HistoryRecorder implements DocumentHistory {
  private readonly tracks = new Map<BoardDocument, Track>()
  /** When each board's expired history was last deleted. */
  private readonly prunedAt = new Map<string, number>()
  private readonly now: () => number

  constructor(private readonly options: HistoryRecorderOptions) {
    this.now = options.now ?? Date.now
  }

  documentLoaded(document: BoardDocument): void {
    const parsed = parseDocName(document.name)
    if (!parsed || (parsed.kind !== 'canvas' && parsed.kind !== 'conversation' && parsed.kind !== 'control')) return
    const kind: HistoryDocKind = parsed.kind
    const anonymousCards = new Set<string>()
    if (kind === 'canvas') {
      for (const [cardId, card] of document.doc.getMap<unknown>(CARDS_MAP))
        if (card instanceof Y.Map && card.get('anonymous') === true) anonymousCards.add(cardId)
    }
    const observers: Array<() => void> = []
    const track: Track = {
      boardId: parsed.boardId,
      kind,
      tail: this.options.storage.historyTail(document.name).catch((error: unknown) => {
        this.options.log.warn({ err: error, docName: document.name }, 'history tail could not be read; the next step is a keyframe')
        return null
      }),
      changes: new Map(),
      markers: [],
      anonymousCards,
      cancelTimer: null,
      closing: Promise.resolve(),
      stopObserving: () => {
        for (const stop of observers) stop()
      },
    }
    for (const mapName of HISTORY_MAPS[kind]) {
      let map: Y.Map<unknown>
      try {
        map = document.doc.getMap<unknown>(mapName)
      } catch {
        // A root of another type under this name: nothing history can name in it.
        continue
      }
      const observer = (events: Array<Y.YEvent<Y.AbstractType<unknown>>>, transaction: Y.Transaction) =>
        this.observed(document, track, mapName, map, events, transaction)
      map.observeDeep(observer)
      observers.push(() => map.unobserveDeep(observer))
    }
    this.tracks.set(document, track)
  }

  async documentUnloading(document: BoardDocument): Promise<void> {
    const track = this.tracks.get(document)
    if (!track) return
    track.cancelTimer?.()
    track.cancelTimer = null
    await this.closeStep(document, track)
    track.stopObserving()
    this.tracks.delete(document)
  }

  /** Ends every open step now (e.g. before a moment is read, so it includes the latest changes). */
  async flushBoard(boardId: string): Promise<void> {
    const closing: Array<Promise<void>> = []
    for (const [document, track] of this.tracks) {
      if (track.boardId !== boardId || !track.cancelTimer) continue
      track.cancelTimer()
      track.cancelTimer = null
      closing.push(this.closeStep(document, track))
    }
    await Promise.all(closing)
  }

  private authorOf(origin: unknown): HistoryAuthor | null {
    if (!(origin instanceof RelayConnection)) return null
    const session = origin.currentSession
    return session ? { personId: session.personId ?? null, role: session.role } : null
  }

  private observed(
    document: BoardDocument,
    track: Track,
    mapName: string,
    map: Y.Map<unknown>,
    events: Array<Y.YEvent<Y.AbstractType<unknown>>>,
    transaction: Y.Transaction,
  ): void {
    if (transaction.origin === REMOTE_ORIGIN || transaction.origin === document) return
    const author = this.authorOf(transaction.origin)
    for (const event of events) {
      if (event.target === map) {
        for (const [key, change] of event.changes.keys) {
          const action = change.action === 'add' ? 'added' : change.action === 'delete' ? 'removed' : 'changed'
          this.note(track, mapName, key, action, author, change.oldValue)
        }
      } else {
        const key = event.path[0]
        if (typeof key === 'string') this.note(track, mapName, key, 'changed', author, undefined)
        if (mapName === FACILITATION_MAP && key === VOTE_ROUNDS_KEY) this.noteVoteCloses(track, event)
      }
    }
    if (mapName === FACILITATION_MAP) this.noteFacilitation(document, track, events)
    if (mapName === CARDS_MAP) this.refreshAnonymous(track, map, events)
    this.startStep(document, track)
  }

  private note(track: Track, mapName: string, key: string, action: HistoryChange['action'], author: HistoryAuthor | null, oldValue: unknown): void {
    const anonymous = track.kind === 'canvas' && ((mapName === CARDS_MAP && track.anonymousCards.has(key)) || this.isAnonymousShape(track, key, oldValue))
    const id = `${mapName}\0${key}`
    const earlier = track.changes.get(id)
    if (!earlier && track.changes.size >= MAX_CHANGES_PER_STEP) return
    // Within a step, "added" stays "added" and a later removal wins; the last author named.
    const merged: HistoryChange['action'] =
      earlier?.action === 'added' && action !== 'removed' ? 'added' : earlier?.action === 'added' && action === 'removed' ? 'removed' : action
    track.changes.delete(id)
    track.changes.set(id, { author: anonymous ? null : author, action: merged, doc: track.kind, map: mapName, key })
  }

  /** A contribution shape showing an anonymous card (looked up as it is now, or as it was when removed). */
  private isAnonymousShape(track: Track, key: string, oldValue: unknown): boolean {
    if (!key.startsWith('shape:')) return false
    const cardId = cardIdOfShape(oldValue)
    if (cardId && track.anonymousCards.has(cardId)) return true
    for (const [, change] of track.changes) if (change.map === CARDS_MAP && change.author === null && change.key === cardId) return true
    return false
  }

  private refreshAnonymous(track: Track, cards: Y.Map<unknown>, events: Array<Y.YEvent<Y.AbstractType<unknown>>>): void {
    for (const event of events) {
      const key = event.target === cards ? null : event.path[0]
      const keys = key === null ? [...event.changes.keys.keys()] : typeof key === 'string' ? [key] : []
      for (const cardId of keys) {
        const card = cards.get(cardId)
        if (card instanceof Y.Map && card.get('anonymous') === true) track.anonymousCards.add(cardId)
        else if (card !== undefined) track.anonymousCards.delete(cardId)
      }
    }
  }

  private noteFacilitation(document: BoardDocument, track: Track, events: Array<Y.YEvent<Y.AbstractType<unknown>>>): void {
    for (const event of events) {
      if (event.path.length > 0) continue
      const phase = event.changes.keys.get('currentPhaseId')
      if (phase) {
        const current = readCurrentPhase(document.doc)
        track.markers.push({ kind: 'phase', label: current ? current.name.slice(0, 200) : 'No phase' })
      }
      const thinkAlone = event.changes.keys.get('thinkAlone')
      if (thinkAlone) {
        const now = (event.target as Y.Map<unknown>).get('thinkAlone')
        const before = thinkAlone.oldValue
        if (isRecord(now) && now.status === 'revealed' && !(isRecord(before) && before.status === 'revealed')) {
          track.markers.push({ kind: 'reveal', label: 'Drafts revealed' })
        }
      }
    }
  }

  private noteVoteCloses(track: Track, event: Y.YEvent<Y.AbstractType<unknown>>): void {
    if (event.path.length !== 1) return
    const rounds = event.target as Y.Map<unknown>
    for (const [roundId, change] of event.changes.keys) {
      const round = rounds.get(roundId)
      const wasClosed = isRecord(change.oldValue) && change.oldValue.status === 'closed'
      if (isRecord(round) && round.status === 'closed' && !wasClosed) {
        const title = typeof round.title === 'string' && round.title.trim() !== '' ? round.title.trim() : 'Vote'
        track.markers.push({ kind: 'vote-close', label: `${title.slice(0, 180)} closed` })
      }
    }
  }

  private startStep(document: BoardDocument, track: Track): void {
    if (track.cancelTimer) return
    track.cancelTimer = this.options.clock.setTimeout(() => {
      track.cancelTimer = null
      void this.closeStep(document, track)
    }, this.options.stepMs)
  }

  private async pruneExpired(boardId: string, now: number): Promise<void> {
    const { retentionMs } = this.options
    if (retentionMs === null || now - (this.prunedAt.get(boardId) ?? Number.NEGATIVE_INFINITY) < PRUNE_INTERVAL_MS) return
    this.prunedAt.set(boardId, now)
    const removed = await this.options.storage.pruneHistory(boardId, now - retentionMs)
    if (removed > 0) this.options.log.info({ boardId, removed }, 'expired history deleted')
  }

  /** Stores the step: what the document gained since the last one, with who changed what. */
  private closeStep(document: BoardDocument, track: Track): Promise<void> {
    track.closing = track.closing.then(async () => {
      try {
        await document.flush()
        if (document.isFailed) return
        const tail = await track.tail
        const changes = [...track.changes.values()]
        const markers = track.markers
        track.changes = new Map()
        track.markers = []
        const stateVector = Y.encodeStateVector(document.doc)
        if (changes.length === 0 && markers.length === 0 && tail && sameBytes(tail.stateVector, stateVector)) return
        const diff = document.encodeStoredUpdate(tail?.stateVector)
        const whole = document.encodeStoredUpdate()
        const keyframe = !tail || tail.bytesSinceKeyframe + diff.length > KEYFRAME_AFTER * whole.length
        const update = keyframe ? whole : diff
        const at = Math.max(this.now(), tail ? tail.at : 0)
        const notes = { changes, markers }
        await this.options.storage.appendHistoryStep(track.boardId, { docName: document.name, at, keyframe, update, stateVector, notes })
        track.tail = Promise.resolve({ at, stateVector, bytesSinceKeyframe: keyframe ? 0 : (tail?.bytesSinceKeyframe ?? 0) + update.length })
        await this.pruneExpired(track.boardId, at)
      } catch (error) {
        this.options.log.warn({ err: error, docName: document.name }, 'a history step could not be stored; the next step holds what it changed, unattributed')
        track.tail = this.options.storage.historyTail(document.name).catch(() => null)
      }
    })
    return track.closing
  }
}
