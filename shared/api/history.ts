/**
 * The history route group and what history keeps: the timeline of a board (steps of activity with
 * who changed what, and markers for phase changes, reveals and vote closes), the readable
 * documents as they were at a moment, and restoring a moment as a new board. The same schemas
 * validate a step's attribution where it is read back from storage.
 *
 *   GET  /api/boards/:id/history           Bearer <board link>        -> 200 HistoryTimeline
 *   GET  /api/boards/:id/history/at?t=     Bearer <board link>        -> 200 HistoryMoment
 *   POST /api/boards/:id/history/restore   Bearer <facilitator link> {at} -> 201 CreatedBoard
 */
import { z } from 'zod'
import { BOARD_ROLES } from '../board/roles'
import { boardPath } from './common'

/** The documents history keeps (never drafts, never people). */
export const HISTORY_DOC_KINDS = ['canvas', 'conversation', 'control'] as const
export type HistoryDocKind = (typeof HISTORY_DOC_KINDS)[number]

/** Who the server knew a change came from: a person (by personal token) or only a link's role. */
export const HistoryAuthor = z.object({ personId: z.string().max(64).nullable(), role: z.enum(BOARD_ROLES) })
export type HistoryAuthor = z.infer<typeof HistoryAuthor>

/** One record (a key of a map at a document's root) that a step added, changed or removed. */
export const HistoryChange = z.object({
  /** Null for what the server wrote itself, and for every change to an anonymous card. */
  author: HistoryAuthor.nullable(),
  action: z.enum(['added', 'changed', 'removed']),
  doc: z.enum(HISTORY_DOC_KINDS),
  map: z.string().max(64),
  key: z.string().max(200),
})
export type HistoryChange = z.infer<typeof HistoryChange>

export const HISTORY_MARKER_KINDS = ['phase', 'reveal', 'vote-close'] as const
export const HistoryMarker = z.object({ kind: z.enum(HISTORY_MARKER_KINDS), label: z.string().max(200) })
export type HistoryMarker = z.infer<typeof HistoryMarker>

/** What a stored step says happened in it; validated where it is read back. */
export const StoredStepNotes = z.object({ changes: z.array(HistoryChange).max(5000), markers: z.array(HistoryMarker).max(50) })
export type StoredStepNotes = z.infer<typeof StoredStepNotes>

/** A person as history names them (their current name on the board). */
export const HistoryPerson = z.object({ personId: z.string(), name: z.string(), color: z.string() })
export type HistoryPerson = z.infer<typeof HistoryPerson>

/** Who, in a step or a moment: a named person, or a role when the link named nobody. */
export const HistoryWho = z.object({ personId: z.string().nullable(), name: z.string(), color: z.string().nullable(), role: z.enum(BOARD_ROLES) })
export type HistoryWho = z.infer<typeof HistoryWho>

export const HistoryStepView = z.object({
  at: z.number(),
  /** How many records changed, by anyone (the server and anonymous cards included). */
  changes: z.number().int().nonnegative(),
  who: z.array(HistoryWho),
  markers: z.array(HistoryMarker),
})
export type HistoryStepView = z.infer<typeof HistoryStepView>

export const HistoryTimeline = z.object({
  /** The first and last moment that can be shown (null when nothing was recorded yet). */
  from: z.number().nullable(),
  to: z.number().nullable(),
  /** How far apart recorded moments are at most during active work, in ms. */
  stepMs: z.number().positive(),
  steps: z.array(HistoryStepView),
})
export type HistoryTimeline = z.infer<typeof HistoryTimeline>

export const HistoryChangeView = z.object({
  who: HistoryWho.nullable(),
  action: z.enum(['added', 'changed', 'removed']),
  doc: z.enum(HISTORY_DOC_KINDS),
  map: z.string(),
  key: z.string(),
})
export type HistoryChangeView = z.infer<typeof HistoryChangeView>

export const HistoryMoment = z.object({
  /** The moment shown: the last recorded step at or before the one asked for. */
  at: z.number(),
  /** Each readable document's state at that moment, as one Yjs update (base64). */
  documents: z.object({ canvas: z.string(), conversation: z.string(), control: z.string() }),
  /** Who added or changed what in the step that ends at this moment. */
  changes: z.array(HistoryChangeView),
})
export type HistoryMoment = z.infer<typeof HistoryMoment>

export const RestoreHistoryBody = z.object({ at: z.number().int().nonnegative() })
export type RestoreHistoryBody = z.infer<typeof RestoreHistoryBody>

export const historyRoutes = {
  timeline: (boardId: string) => `${boardPath(boardId)}/history`,
  at: (boardId: string, at: number) => `${boardPath(boardId)}/history/at?t=${Math.floor(at)}`,
  restore: (boardId: string) => `${boardPath(boardId)}/history/restore`,
}
