/**
 * The facilitation layer of a board, kept in its control document (facilitators write it; the
 * relay refuses everyone else): the session's phases, the shared timer, the board lock, the
 * spotlight and summons. Pure operations on a Y.Doc, used by the facilitator's client and read by
 * everyone's; the relay reads the lock.
 *
 * Layout: `facilitation` (Y.Map) with
 * - `phases`: Y.Array of { id, name, instructions, durationMs } and `currentPhaseId`;
 * - `timer`: { state: 'stopped' | 'running' | 'paused', endsAt (server clock, ms), remainingMs };
 * - `locked`: boolean — members cannot change the canvas while true;
 * - `spotlight`: { userId, name } | null — everyone follows that person until released;
 * - `summon`: { seq, userId, pageId, x, y, w, h } — "bring everyone to me".
 *
 * Times are on the server's clock (GET /api/time), so every screen agrees whatever its own clock.
 */
import * as Y from 'yjs'

export const FACILITATION_MAP = 'facilitation'

/** What members may do on the board during a phase. */
export const MEMBER_ACTIONS = ['add-cards', 'arrange', 'link', 'reply', 'react', 'vote'] as const
export type MemberAction = (typeof MEMBER_ACTIONS)[number]

export const MEMBER_ACTION_LABELS: Record<MemberAction, string> = {
  'add-cards': 'add cards',
  arrange: 'move and arrange cards',
  link: 'link cards',
  reply: 'reply in threads',
  react: 'react to cards',
  vote: 'vote',
}

export function isMemberAction(value: unknown): value is MemberAction {
  return typeof value === 'string' && (MEMBER_ACTIONS as readonly string[]).includes(value)
}

export interface PhaseData {
  id: string
  name: string
  instructions: string
  durationMs: number
  /** What members may do in this phase; every action when absent. */
  memberActions?: MemberAction[]
  /** Entering this phase opens a think-alone round (drafts), unless one is open already. */
  thinkAlone?: boolean
}

export type TimerState =
  | { state: 'stopped'; durationMs: number }
  | { state: 'running'; endsAt: number; durationMs: number }
  | { state: 'paused'; remainingMs: number; durationMs: number }

export interface SpotlightData {
  userId: string
  name: string
}

export interface SummonData {
  seq: number
  userId: string
  pageId: string
  x: number
  y: number
  w: number
  h: number
}

const facilitation = (doc: Y.Doc) => doc.getMap<unknown>(FACILITATION_MAP)

/** The phase the session is in (`phases` + `currentPhaseId`), or null before the first one. */
export function readCurrentPhase(doc: Y.Doc): PhaseData | null {
  const phases = facilitation(doc).get('phases')
  const currentId = facilitation(doc).get('currentPhaseId')
  if (!(phases instanceof Y.Array) || typeof currentId !== 'string') return null
  const phase = (phases.toArray() as Array<Partial<PhaseData> | null>).find((candidate) => candidate?.id === currentId)
  if (!phase || typeof phase.name !== 'string') return null
  return {
    id: currentId,
    name: phase.name,
    instructions: String(phase.instructions ?? ''),
    durationMs: Number(phase.durationMs) || 0,
    memberActions: Array.isArray(phase.memberActions) ? phase.memberActions.filter(isMemberAction) : undefined,
  }
}

/** Whether members may do `action` now (always, outside phases or in a phase that does not say). */
export function membersMay(doc: Y.Doc, action: MemberAction): boolean {
  const actions = readCurrentPhase(doc)?.memberActions
  return !actions || actions.includes(action)
}

/** Whether members may not change the canvas now. */
export function isBoardLocked(doc: Y.Doc): boolean {
  return facilitation(doc).get('locked') === true
}

export function setBoardLocked(doc: Y.Doc, locked: boolean): void {
  facilitation(doc).set('locked', locked)
}

export function readTimer(doc: Y.Doc): TimerState {
  const value = facilitation(doc).get('timer') as Partial<TimerState> | undefined
  const durationMs = Number(value?.durationMs) || 0
  if (value?.state === 'running' && typeof (value as { endsAt?: unknown }).endsAt === 'number') {
    return { state: 'running', endsAt: (value as { endsAt: number }).endsAt, durationMs }
  }
  if (value?.state === 'paused' && typeof (value as { remainingMs?: unknown }).remainingMs === 'number') {
    return { state: 'paused', remainingMs: (value as { remainingMs: number }).remainingMs, durationMs }
  }
  return { state: 'stopped', durationMs }
}

/** Milliseconds left on the timer at `serverNow` (0 when stopped or run out). */
export function timerRemaining(timer: TimerState, serverNow: number): number {
  switch (timer.state) {
    case 'running':
      return Math.max(0, timer.endsAt - serverNow)
    case 'paused':
      return Math.max(0, timer.remainingMs)
    case 'stopped':
      return 0
  }
}

export function startTimer(doc: Y.Doc, durationMs: number, serverNow: number): void {
  facilitation(doc).set('timer', { state: 'running', endsAt: serverNow + durationMs, durationMs })
}

export function pauseTimer(doc: Y.Doc, serverNow: number): void {
  const timer = readTimer(doc)
  if (timer.state !== 'running') return
  facilitation(doc).set('timer', { state: 'paused', remainingMs: timerRemaining(timer, serverNow), durationMs: timer.durationMs })
}

export function resumeTimer(doc: Y.Doc, serverNow: number): void {
  const timer = readTimer(doc)
  if (timer.state !== 'paused') return
  facilitation(doc).set('timer', { state: 'running', endsAt: serverNow + timer.remainingMs, durationMs: timer.durationMs })
}

export function addTimerTime(doc: Y.Doc, ms: number, serverNow: number): void {
  const timer = readTimer(doc)
  if (timer.state === 'running') {
    facilitation(doc).set('timer', { ...timer, endsAt: Math.max(timer.endsAt, serverNow) + ms, durationMs: timer.durationMs + ms })
  } else if (timer.state === 'paused') {
    facilitation(doc).set('timer', { ...timer, remainingMs: timer.remainingMs + ms, durationMs: timer.durationMs + ms })
  }
}

export function stopTimer(doc: Y.Doc): void {
  facilitation(doc).set('timer', { state: 'stopped', durationMs: readTimer(doc).durationMs })
}

export function readSpotlight(doc: Y.Doc): SpotlightData | null {
  const value = facilitation(doc).get('spotlight') as Partial<SpotlightData> | null | undefined
  return value && typeof value.userId === 'string' && typeof value.name === 'string' ? { userId: value.userId, name: value.name } : null
}

export function setSpotlight(doc: Y.Doc, spotlight: SpotlightData | null): void {
  facilitation(doc).set('spotlight', spotlight)
}

export function readSummon(doc: Y.Doc): SummonData | null {
  const value = facilitation(doc).get('summon') as SummonData | null | undefined
  if (!value || typeof value.seq !== 'number' || typeof value.pageId !== 'string') return null
  return value
}

export function summonEveryone(doc: Y.Doc, to: Omit<SummonData, 'seq'>): void {
  facilitation(doc).set('summon', { ...to, seq: (readSummon(doc)?.seq ?? 0) + 1 })
}
