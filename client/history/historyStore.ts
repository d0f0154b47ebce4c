/**
 * What the history strip shows, per browser: whether it is open, the timeline it read, the
 * moment the person is looking at (null: the live board) with the documents of that moment, and
 * playback. A moment's documents are plain Y.Docs built from the server's answer, never connected
 * to anything: the live documents are not touched while someone looks back.
 */
import * as Y from 'yjs'
import { create } from 'zustand'
import type { HistoryChangeView, HistoryTimeline } from '../../shared/api/history'
import { ApiError } from '../api/apiRequest'
import { fetchHistoryMoment, fetchHistoryTimeline } from '../api/historyApi'

export const PLAYBACK_SPEEDS = [1, 4, 16, 60] as const
export type PlaybackSpeed = (typeof PLAYBACK_SPEEDS)[number]

export interface MomentDocs {
  readonly at: number
  readonly canvas: Y.Doc
  readonly conversation: Y.Doc
  readonly control: Y.Doc
  readonly changes: readonly HistoryChangeView[]
}

export interface HistoryState {
  readonly isOpen: boolean
  readonly timeline: HistoryTimeline | null
  /** Where the cursor is (ms since the epoch); null while the live board shows. */
  readonly cursor: number | null
  /** The moment shown for the cursor, once it arrived. */
  readonly moment: MomentDocs | null
  readonly isLoading: boolean
  readonly problem: string | null
  readonly isPlaying: boolean
  readonly speed: PlaybackSpeed
  open(boardId: string, token: string): Promise<void>
  /** Reads the timeline again (it grows while people work). */
  refresh(boardId: string, token: string): Promise<void>
  close(): void
  /** Looks at the board as it was at `at` (the latest request wins). */
  show(boardId: string, token: string, at: number): Promise<void>
  backToNow(): void
  setPlaying(playing: boolean): void
  setSpeed(speed: PlaybackSpeed): void
}

function docOf(base64: string): Y.Doc {
  const doc = new Y.Doc()
  const bytes = Uint8Array.from(atob(base64), (char) => char.charCodeAt(0))
  Y.applyUpdate(doc, bytes)
  return doc
}

function destroy(moment: MomentDocs | null): void {
  moment?.canvas.destroy()
  moment?.conversation.destroy()
  moment?.control.destroy()
}

let requested = 0

export const useHistoryStore = create<HistoryState>()((set, get) => ({
  isOpen: false,
  timeline: null,
  cursor: null,
  moment: null,
  isLoading: false,
  problem: null,
  isPlaying: false,
  speed: 4,
  async open(boardId, token) {
    set({ isOpen: true, problem: null })
    try {
      set({ timeline: await fetchHistoryTimeline(boardId, token) })
    } catch (error) {
      set({ problem: error instanceof ApiError ? error.message : 'The history could not be read.' })
    }
  },
  async refresh(boardId, token) {
    try {
      const timeline = await fetchHistoryTimeline(boardId, token)
      if (get().isOpen) set({ timeline })
    } catch {
      // The timeline shown stays; the next refresh tries again.
    }
  },
  close() {
    get().backToNow()
    set({ isOpen: false })
  },
  async show(boardId, token, at) {
    const ticket = ++requested
    set({ cursor: at, isLoading: true, problem: null })
    try {
      const answer = await fetchHistoryMoment(boardId, token, at)
      if (ticket !== requested || get().cursor === null) return
      const previous = get().moment
      set({
        moment: {
          at: answer.at,
          canvas: docOf(answer.documents.canvas),
          conversation: docOf(answer.documents.conversation),
          control: docOf(answer.documents.control),
          changes: answer.changes,
        },
        isLoading: false,
      })
      destroy(previous)
    } catch (error) {
      if (ticket !== requested) return
      set({ isLoading: false, isPlaying: false, problem: error instanceof ApiError ? error.message : 'That moment could not be read.' })
    }
  },
  backToNow() {
    requested++
    const previous = get().moment
    set({ cursor: null, moment: null, isPlaying: false, isLoading: false })
    destroy(previous)
  },
  setPlaying: (playing) => set({ isPlaying: playing }),
  setSpeed: (speed) => set({ speed }),
}))
