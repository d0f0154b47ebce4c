/**
 * The session's phases, kept next to the timer in the control document's facilitation map:
 * `phases` (a Y.Array of { id, name, instructions, durationMs }) and `currentPhaseId`. Pure
 * operations on a Y.Doc; only a facilitator's writes reach others (the relay refuses the rest).
 *
 * @example
 * ```ts
 * addPhase(controlDoc, phaseFromPreset('think-alone'))
 * goToPhase(controlDoc, nextPhaseId(readPhases(controlDoc), readCurrentPhaseId(controlDoc)))
 * ```
 */
import * as Y from 'yjs'
import { openThinkAloneRound, readThinkAloneRound } from '../../shared/board/drafts'
import { FACILITATION_MAP, isMemberAction, stopTimer, type MemberAction, type PhaseData } from '../../shared/board/facilitation'

export const MAX_PHASE_NAME_LENGTH = 60
export const MAX_PHASE_INSTRUCTIONS_LENGTH = 600
/** A phase lasts at least a minute and at most three hours. */
export const MIN_PHASE_MS = 60_000
export const MAX_PHASE_MS = 3 * 60 * 60_000

export type PhasePresetKey = 'think-alone' | 'share' | 'link-and-cluster' | 'vote' | 'synthesise'

export interface PhasePreset {
  readonly key: PhasePresetKey
  readonly name: string
  readonly instructions: string
  readonly durationMs: number
  /** What members may do on the board in it (thinking alone happens in private drafts). */
  readonly memberActions: readonly MemberAction[]
  /** Whether entering it opens a think-alone round: one set-up, not a phase and a round. */
  readonly thinkAlone?: boolean
}

export const PHASE_PRESETS: readonly PhasePreset[] = [
  {
    key: 'think-alone',
    name: 'Think alone',
    instructions: 'On your own, write down what you know and think about the problem, one card per thought. No discussion yet.',
    durationMs: 5 * 60_000,
    memberActions: [],
    thinkAlone: true,
  },
  {
    key: 'share',
    name: 'Share',
    instructions: 'Take turns: each person walks the others through their cards. Ask questions to understand, not to judge.',
    durationMs: 10 * 60_000,
    memberActions: ['reply', 'react'],
  },
  {
    key: 'link-and-cluster',
    name: 'Link and cluster',
    instructions: 'Move related cards together and draw links between ideas that build on, explain or contradict each other.',
    durationMs: 10 * 60_000,
    memberActions: ['arrange', 'link', 'reply', 'react'],
  },
  {
    key: 'vote',
    name: 'Vote',
    instructions: 'Place your dots on the cards you think matter most for the problem.',
    durationMs: 5 * 60_000,
    memberActions: ['vote'],
  },
  {
    key: 'synthesise',
    name: 'Synthesise',
    instructions: 'Together, write synthesis cards: what have we learned, and what will we try next?',
    durationMs: 10 * 60_000,
    memberActions: ['add-cards', 'arrange', 'link', 'reply', 'react'],
  },
]

const facilitation = (doc: Y.Doc) => doc.getMap<unknown>(FACILITATION_MAP)

function newPhaseId(): string {
  return `phase-${Math.random().toString(36).slice(2, 10)}${Date.now().toString(36)}`
}

/** Clamps a phase's fields to what the UI can show: trimmed text, a duration in whole seconds. */
export function cleanPhase(phase: PhaseData): PhaseData {
  const durationMs = Math.round(Math.min(MAX_PHASE_MS, Math.max(MIN_PHASE_MS, Number(phase.durationMs) || MIN_PHASE_MS)) / 1000) * 1000
  const cleaned: PhaseData = {
    id: phase.id,
    name: phase.name.trim().slice(0, MAX_PHASE_NAME_LENGTH) || 'Untitled phase',
    instructions: phase.instructions.trim().slice(0, MAX_PHASE_INSTRUCTIONS_LENGTH),
    durationMs,
  }
  if (phase.memberActions) cleaned.memberActions = [...new Set(phase.memberActions.filter(isMemberAction))]
  if (phase.thinkAlone === true) cleaned.thinkAlone = true
  return cleaned
}

export function phaseFromPreset(key: PhasePresetKey, id: string = newPhaseId()): PhaseData {
  const preset = PHASE_PRESETS.find((candidate) => candidate.key === key) ?? PHASE_PRESETS[0]
  const phase: PhaseData = { id, name: preset.name, instructions: preset.instructions, durationMs: preset.durationMs, memberActions: [...preset.memberActions] }
  if (preset.thinkAlone) phase.thinkAlone = true
  return phase
}

function parsePhase(value: unknown): PhaseData | null {
  if (!value || typeof value !== 'object') return null
  const { id, name, instructions, durationMs, memberActions, thinkAlone } = value as Record<string, unknown>
  if (typeof id !== 'string' || typeof name !== 'string' || typeof instructions !== 'string' || typeof durationMs !== 'number') return null
  return cleanPhase({
    id,
    name,
    instructions,
    durationMs,
    memberActions: Array.isArray(memberActions) ? memberActions.filter(isMemberAction) : undefined,
    thinkAlone: thinkAlone === true,
  })
}

function phaseArray(doc: Y.Doc): Y.Array<PhaseData> | null {
  const value = facilitation(doc).get('phases')
  return value instanceof Y.Array ? (value as Y.Array<PhaseData>) : null
}

/** The session's phases in order; malformed entries (which only a buggy client could write) are skipped. */
export function readPhases(doc: Y.Doc): PhaseData[] {
  const phases = phaseArray(doc)?.toArray() ?? []
  return phases.map(parsePhase).filter((phase): phase is PhaseData => phase !== null)
}

export function readCurrentPhaseId(doc: Y.Doc): string | null {
  const value = facilitation(doc).get('currentPhaseId')
  return typeof value === 'string' ? value : null
}

/** The phase the session is in, or null before the first one (or when it was removed). */
export function currentPhase(phases: readonly PhaseData[], currentPhaseId: string | null): PhaseData | null {
  return phases.find((phase) => phase.id === currentPhaseId) ?? null
}

/** The phase after the current one (the first one before the session has started), or null at the end. */
export function nextPhaseId(phases: readonly PhaseData[], currentPhaseId: string | null): string | null {
  const index = phases.findIndex((phase) => phase.id === currentPhaseId)
  return phases[index + 1]?.id ?? null
}

export function previousPhaseId(phases: readonly PhaseData[], currentPhaseId: string | null): string | null {
  const index = phases.findIndex((phase) => phase.id === currentPhaseId)
  return index > 0 ? phases[index - 1].id : null
}

function ensurePhaseArray(doc: Y.Doc): Y.Array<PhaseData> {
  const existing = phaseArray(doc)
  if (existing) return existing
  const created = new Y.Array<PhaseData>()
  facilitation(doc).set('phases', created)
  return created
}

export function addPhase(doc: Y.Doc, phase: PhaseData): void {
  doc.transact(() => ensurePhaseArray(doc).push([cleanPhase(phase)]))
}

export function updatePhase(doc: Y.Doc, phase: PhaseData): void {
  doc.transact(() => {
    const phases = ensurePhaseArray(doc)
    const index = phases.toArray().findIndex((candidate) => parsePhase(candidate)?.id === phase.id)
    if (index < 0) return
    phases.delete(index, 1)
    phases.insert(index, [cleanPhase(phase)])
  })
}

export function removePhase(doc: Y.Doc, phaseId: string): void {
  doc.transact(() => {
    const phases = ensurePhaseArray(doc)
    const index = phases.toArray().findIndex((candidate) => parsePhase(candidate)?.id === phaseId)
    if (index >= 0) phases.delete(index, 1)
    if (readCurrentPhaseId(doc) === phaseId) facilitation(doc).delete('currentPhaseId')
  })
}

/** Moves a phase one place earlier (-1) or later (+1) in the session. */
export function movePhase(doc: Y.Doc, phaseId: string, by: -1 | 1): void {
  doc.transact(() => {
    const phases = ensurePhaseArray(doc)
    const all = phases.toArray()
    const index = all.findIndex((candidate) => parsePhase(candidate)?.id === phaseId)
    const target = index + by
    if (index < 0 || target < 0 || target >= all.length) return
    phases.delete(index, 1)
    phases.insert(target, [all[index]])
  })
}

/**
 * Makes a phase the current one (null: no phase). The timer stops: the facilitator starts the new
 * phase's countdown when the group is ready.
 */
/** Moves the session to a phase; a think-alone phase opens a round of drafts in the same change. */
export function goToPhase(doc: Y.Doc, phaseId: string | null, now = Date.now()): void {
  doc.transact(() => {
    if (phaseId === null) facilitation(doc).delete('currentPhaseId')
    else facilitation(doc).set('currentPhaseId', phaseId)
    stopTimer(doc)
    const phase = phaseId === null ? null : currentPhase(readPhases(doc), phaseId)
    if (phase?.thinkAlone && readThinkAloneRound(doc)?.status !== 'open') openThinkAloneRound(doc, crypto.randomUUID(), now)
  })
}
