/**
 * What the voting UI reads and does: the rounds published in the control document (live), and
 * this browser's own ballots, which live only on the server. A ballot edit shows at once and is
 * saved in order (one request at a time per round, always the newest ballot); if the server
 * refuses, the ballot is read back from it so the UI shows what the server holds. Ballots go with
 * this person's personal token, which tells the server who votes.
 */
import { useEffect, useState } from 'react'
import type * as Y from 'yjs'
import { create } from 'zustand'
import { FACILITATION_MAP } from '../../shared/board/facilitation'
import { listVoteRounds, type VoteRound } from '../../shared/board/voting'
import { ApiError } from '../api/apiRequest'
import { fetchBallot, saveBallot } from '../api/votingApi'
import { addDot, removeDot, type Ballot } from './ballot'

/** What a voter is told when their dots arrived after the facilitator closed the vote (409). */
export const CLOSED_BEFORE_COUNTED = 'This vote closed before your dots were counted.'

/** The rounds of the control document, most recent last, re-read whenever facilitation changes. */
export function useVoteRounds(controlDoc: Y.Doc): VoteRound[] {
  const [rounds, setRounds] = useState(() => listVoteRounds(controlDoc))
  useEffect(() => {
    const map = controlDoc.getMap(FACILITATION_MAP)
    const update = () => setRounds(listVoteRounds(controlDoc))
    update()
    map.observeDeep(update)
    return () => map.unobserveDeep(update)
  }, [controlDoc])
  return rounds
}

/**
 * How far an open round has got, as the server publishes it in the round: how many people have dots
 * in, of the people with a member or facilitator link on the canvas now. Null until it says.
 */
export function roundProgress(round: VoteRound): { voted: number; present: number } | null {
  const { voted, present } = round
  const isCount = (value: unknown): value is number => typeof value === 'number' && Number.isInteger(value) && value >= 0
  return isCount(voted) && isCount(present) ? { voted, present } : null
}

/** The round the board shows: the newest open one, else the newest closed one. */
export function currentRound(rounds: readonly VoteRound[]): VoteRound | null {
  const open = rounds.filter((round) => round.status === 'open')
  return open[open.length - 1] ?? rounds[rounds.length - 1] ?? null
}

export interface BallotState {
  readonly dots: Ballot
  readonly status: 'loading' | 'ready' | 'saving' | 'failed'
  /** Why the last load or save failed, for people. */
  readonly error: string | null
}

interface VotingSession {
  readonly boardId: string
  /** This person's personal token: ballots go with it. */
  readonly personToken: string
}

interface BallotsState {
  readonly session: VotingSession | null
  /** roundId -> this person's ballot in it. */
  readonly ballots: Readonly<Record<string, BallotState>>
  /** The round whose cards show dots or results; null follows `currentRound`. */
  readonly shownRoundId: string | null
  start(session: VotingSession): void
  stop(): void
  showRound(roundId: string | null): void
  loadBallot(roundId: string): Promise<void>
  addDot(round: VoteRound, cardId: string): void
  removeDot(round: VoteRound, cardId: string): void
}

/** Per round: the save in flight, and whether another is wanted after it. */
const saving = new Map<string, { running: boolean; again: boolean }>()

export const useBallots = create<BallotsState>()((set, get) => {
  const patch = (roundId: string, change: Partial<BallotState>) =>
    set((state) => {
      const before: BallotState = state.ballots[roundId] ?? { dots: {}, status: 'ready', error: null }
      return { ballots: { ...state.ballots, [roundId]: { ...before, ...change } } }
    })

  const save = async (roundId: string): Promise<void> => {
    const entry = saving.get(roundId) ?? { running: false, again: false }
    saving.set(roundId, entry)
    if (entry.running) {
      entry.again = true
      return
    }
    entry.running = true
    try {
      do {
        entry.again = false
        const session = get().session
        const ballot = get().ballots[roundId]
        if (!session || !ballot) return
        patch(roundId, { status: 'saving' })
        try {
          const saved = await saveBallot(session.boardId, session.personToken, roundId, ballot.dots)
          if (!entry.again) patch(roundId, { dots: saved, status: 'ready', error: null })
        } catch (error) {
          const message =
            error instanceof ApiError && error.kind === 'conflict'
              ? CLOSED_BEFORE_COUNTED
              : error instanceof ApiError
                ? error.message
                : 'Your dots could not be saved.'
          entry.again = false
          patch(roundId, { status: 'failed', error: message })
          await get()
            .loadBallot(roundId)
            .catch(() => {})
          patch(roundId, { error: message })
        }
      } while (entry.again)
    } finally {
      entry.running = false
    }
  }

  return {
    session: null,
    ballots: {},
    shownRoundId: null,
    start: (session) => set({ session, ballots: {}, shownRoundId: null }),
    stop: () => set({ session: null, ballots: {}, shownRoundId: null }),
    showRound: (roundId) => set({ shownRoundId: roundId }),
    loadBallot: async (roundId) => {
      const session = get().session
      if (!session) return
      patch(roundId, { status: 'loading', error: null })
      try {
        const dots = await fetchBallot(session.boardId, session.personToken, roundId)
        patch(roundId, { dots, status: 'ready', error: null })
      } catch (error) {
        patch(roundId, { status: 'failed', error: error instanceof ApiError ? error.message : 'Your dots could not be loaded.' })
      }
    },
    addDot: (round, cardId) => {
      const current = get().ballots[round.roundId]
      if (round.status !== 'open' || !current || current.status === 'loading') return
      const dots = addDot(current.dots, cardId, round)
      if (dots === current.dots) return
      patch(round.roundId, { dots })
      void save(round.roundId)
    },
    removeDot: (round, cardId) => {
      const current = get().ballots[round.roundId]
      if (round.status !== 'open' || !current || current.status === 'loading') return
      const dots = removeDot(current.dots, cardId)
      if (dots === current.dots) return
      patch(round.roundId, { dots })
      void save(round.roundId)
    },
  }
})
