/**
 * What the facilitation UI reads: the control document's facilitation map as one snapshot
 * (re-read on every change, deep), this tab's session state shared between the editor-side
 * wiring and the overlay (the server clock, whether this person left the spotlight), and the
 * people on the board with their roles, as the relay stamps them on every presence it relays: it
 * writes the name and colour the server knows for the person's personal token into `presence`, and
 * sets `role` and `person` ({id, name, color, practice}) beside it, so what others claim does not count.
 */
import { useEffect, useState } from 'react'
import { atom } from 'tldraw'
import type * as Y from 'yjs'
import type { Awareness } from 'y-protocols/awareness'
import { create } from 'zustand'
import { persist } from 'zustand/middleware'
import { FACILITATION_MAP, isBoardLocked, readSpotlight, readTimer, type PhaseData, type SpotlightData, type TimerState } from '../../shared/board/facilitation'
import { isBoardRole, type BoardRole } from '../../shared/board/roles'
import { readCurrentPhaseId, readPhases } from './phases'
import type { ServerClock } from './serverClock'

export interface FacilitationSnapshot {
  readonly phases: PhaseData[]
  readonly currentPhaseId: string | null
  readonly timer: TimerState
  readonly locked: boolean
  readonly spotlight: SpotlightData | null
}

export function readFacilitation(doc: Y.Doc): FacilitationSnapshot {
  return {
    phases: readPhases(doc),
    currentPhaseId: readCurrentPhaseId(doc),
    timer: readTimer(doc),
    locked: isBoardLocked(doc),
    spotlight: readSpotlight(doc),
  }
}

/** The facilitation state of the control document, re-rendered whenever any of it changes. */
export function useFacilitation(controlDoc: Y.Doc): FacilitationSnapshot {
  const [snapshot, setSnapshot] = useState(() => readFacilitation(controlDoc))
  useEffect(() => {
    const map = controlDoc.getMap(FACILITATION_MAP)
    const update = () => setSnapshot(readFacilitation(controlDoc))
    update()
    map.observeDeep(update)
    return () => map.unobserveDeep(update)
  }, [controlDoc])
  return snapshot
}

/** This tab's estimate of the server clock, set while a board is open (registerFacilitation). */
export const serverClockAtom = atom<ServerClock | null>('facilitation.serverClock', null)
/** Whether the clock has been estimated at least once (facilitators' timer controls wait for it). */
export const clockEstimatedAtom = atom('facilitation.clockEstimated', false)
/** Whether this person left the current spotlight (they stay where they are until they rejoin). */
export const spotlightLeftAtom = atom('facilitation.spotlightLeft', false)

/** The latest "bring everyone to me" this screen took part in, for its notice (SummonNotice.tsx). */
export interface SummonNoticeData {
  readonly seq: number
  /** Who moved this screen; null on the facilitator's own screen, which moved the others. */
  readonly by: string | null
}

export const summonNoticeAtom = atom<SummonNoticeData | null>('facilitation.summonNotice', null)

/** Per-browser preferences of the facilitation UI. */
export interface FacilitationPreferences {
  /** Whether a soft sound plays when the timer ends (the visual pulse is always there). */
  readonly isTimerSoundOn: boolean
  setTimerSoundOn(on: boolean): void
}

export const useFacilitationPreferences = create<FacilitationPreferences>()(
  persist(
    (set) => ({
      isTimerSoundOn: false,
      setTimerSoundOn: (on) => set({ isTimerSoundOn: on }),
    }),
    { name: 'think-together:facilitation', version: 1 },
  ),
)

/** The awareness field in which each client publishes the role it joined with (the relay overwrites it with the true one). */
export const ROLE_AWARENESS_FIELD = 'role'
/** The awareness field in which the relay states who a presence belongs to: {id, name, color, practice}. */
export const PERSON_AWARENESS_FIELD = 'person'

export interface Participant {
  readonly userId: string
  readonly name: string
  readonly color: string
  /** Their practice line, from the relay's `person` stamp ('' when there is none). */
  readonly practice: string
  /** The role the person's client published, or null while it has not. */
  readonly role: BoardRole | null
  readonly isMe: boolean
}

const ROLE_ORDER: Record<BoardRole, number> = { facilitator: 0, member: 1, observer: 2 }

/** Everyone present, one entry per person (several tabs count once), facilitators first. */
export function readParticipants(awareness: Awareness): Participant[] {
  const byUser = new Map<string, Participant>()
  for (const [clientId, state] of awareness.getStates()) {
    const presence = (state as { presence?: unknown }).presence as { userId?: unknown; userName?: unknown; color?: unknown } | null | undefined
    if (!presence || typeof presence.userId !== 'string') continue
    const roleField = (state as Record<string, unknown>)[ROLE_AWARENESS_FIELD]
    const stamped = (state as Record<string, unknown>)[PERSON_AWARENESS_FIELD] as { practice?: unknown } | null | undefined
    const participant: Participant = {
      userId: presence.userId,
      name: typeof presence.userName === 'string' && presence.userName ? presence.userName : 'Someone',
      color: typeof presence.color === 'string' ? presence.color : 'currentColor',
      practice: typeof stamped?.practice === 'string' ? stamped.practice : '',
      role: isBoardRole(roleField) ? roleField : null,
      isMe: clientId === awareness.clientID,
    }
    const existing = byUser.get(participant.userId)
    if (!existing || (!existing.role && participant.role) || participant.isMe) byUser.set(participant.userId, participant)
  }
  return [...byUser.values()].sort((a, b) => ROLE_ORDER[a.role ?? 'observer'] - ROLE_ORDER[b.role ?? 'observer'] || a.name.localeCompare(b.name))
}

export function useParticipants(awareness: Awareness): Participant[] {
  const [participants, setParticipants] = useState(() => readParticipants(awareness))
  useEffect(() => {
    const update = () => setParticipants(readParticipants(awareness))
    update()
    awareness.on('change', update)
    return () => awareness.off('change', update)
  }, [awareness])
  return participants
}
