/**
 * "Ready" in a think-alone round: each member says in awareness when they are done
 * (`draftsReady: { roundId, ready }`), and the facilitator sees how many of those present are.
 * Readiness is presence, not content: it says nothing about what anyone wrote.
 */
import type { Awareness } from 'y-protocols/awareness'
import { ROLE_AWARENESS_FIELD } from '../facilitation/facilitationState'

export const READY_AWARENESS_FIELD = 'draftsReady'

export interface DraftsReadyField {
  readonly roundId: string
  readonly ready: boolean
}

export interface ReadyCount {
  readonly ready: number
  /** Members present, plus anyone else (a facilitator) who said whether they are ready this round. */
  readonly total: number
}

function readReadyField(value: unknown): DraftsReadyField | null {
  if (!value || typeof value !== 'object') return null
  const { roundId, ready } = value as Record<string, unknown>
  return typeof roundId === 'string' && typeof ready === 'boolean' ? { roundId, ready } : null
}

/**
 * Counts people (not tabs: a person's tabs count once, and ready if any of them is) from awareness
 * states. Observers and people whose presence has not arrived are left out.
 */
export function countReady(states: Iterable<[number, Record<string, unknown>]>, roundId: string): ReadyCount {
  const people = new Map<string, { expected: boolean; ready: boolean }>()
  for (const [, state] of states) {
    const presence = state.presence as { userId?: unknown } | null | undefined
    if (!presence || typeof presence.userId !== 'string') continue
    const field = readReadyField(state[READY_AWARENESS_FIELD])
    const inRound = field?.roundId === roundId
    const person = people.get(presence.userId) ?? { expected: false, ready: false }
    person.expected ||= state[ROLE_AWARENESS_FIELD] === 'member' || inRound
    person.ready ||= inRound && field.ready
    people.set(presence.userId, person)
  }
  let ready = 0
  let total = 0
  for (const person of people.values()) {
    if (!person.expected) continue
    total++
    if (person.ready) ready++
  }
  return { ready, total }
}

/** Whether this client said it is ready in this round. */
export function isLocallyReady(awareness: Awareness, roundId: string): boolean {
  const field = readReadyField(awareness.getLocalState()?.[READY_AWARENESS_FIELD])
  return field?.roundId === roundId && field.ready
}

export function publishReady(awareness: Awareness, roundId: string, ready: boolean): void {
  const field: DraftsReadyField = { roundId, ready }
  awareness.setLocalStateField(READY_AWARENESS_FIELD, field)
}
