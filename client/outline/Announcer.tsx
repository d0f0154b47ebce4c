/**
 * Says out loud, through a polite live region a screen reader reads, what changes for everyone
 * without anyone looking: a new phase (its name, place and instructions), the timer's last minute
 * and its end, drafts revealed, and a vote's results. Read from the control document; always
 * mounted in the board's chrome, whether or not the outline is open.
 */
import { useEffect, useRef, useState } from 'react'
import { useValue } from 'tldraw'
import { readThinkAloneRound } from '../../shared/board/drafts'
import { timerRemaining } from '../../shared/board/facilitation'
import { useBoardContext } from '../board/boardContext'
import { useFacilitation, serverClockAtom } from '../facilitation/facilitationState'
import { currentPhase } from '../facilitation/phases'
import { useVoteRounds } from '../voting/votingState'

const LAST_MINUTE_MS = 60_000
/** How late into the last minute a page that just arrived still says it. */
const ANNOUNCE_WINDOW_MS = 3_000

export function Announcer() {
  const { controlDoc } = useBoardContext()
  const state = useFacilitation(controlDoc)
  const rounds = useVoteRounds(controlDoc)
  const clock = useValue('serverClock', () => serverClockAtom.get(), [])
  const [message, setMessage] = useState('')
  const announce = (text: string) => setMessage((before) => (before === text ? `${text}\u00a0` : text))
  const announceRef = useRef(announce)
  announceRef.current = announce

  const phase = currentPhase(state.phases, state.currentPhaseId)
  const phaseIndex = phase ? state.phases.indexOf(phase) : -1
  const phaseText = phase ? `Phase: ${phase.name}, ${phaseIndex + 1} of ${state.phases.length}. ${phase.instructions}`.trim() : null
  const seenPhase = useRef(phase?.id ?? null)
  useEffect(() => {
    if ((phase?.id ?? null) === seenPhase.current) return
    seenPhase.current = phase?.id ?? null
    if (phaseText) announceRef.current(phaseText)
  }, [phase?.id, phaseText])

  // The timer's last minute, and its end: checked every second while it runs.
  const timer = state.timer
  useEffect(() => {
    if (timer.state !== 'running') return
    // A timer already well into its last minute when this page saw it is not announced again.
    const atStart = timerRemaining(timer, clock ? clock.now() : Date.now())
    let saidLastMinute = atStart < LAST_MINUTE_MS - ANNOUNCE_WINDOW_MS
    let saidEnd = atStart <= 0
    const check = () => {
      const remaining = timerRemaining(timer, clock ? clock.now() : Date.now())
      if (!saidLastMinute && remaining <= LAST_MINUTE_MS && remaining > 0) {
        saidLastMinute = true
        announceRef.current('One minute left.')
      }
      if (!saidEnd && remaining <= 0) {
        saidEnd = true
        announceRef.current('Time is up.')
      }
    }
    const interval = setInterval(check, 1_000)
    return () => clearInterval(interval)
  }, [timer, clock])

  const round = readThinkAloneRound(controlDoc)
  const revealedRoundId = round?.status === 'revealed' ? round.roundId : null
  const seenReveal = useRef(revealedRoundId)
  useEffect(() => {
    if (revealedRoundId === seenReveal.current) return
    seenReveal.current = revealedRoundId
    if (revealedRoundId) announceRef.current('Drafts revealed: everyone’s cards are on the board.')
  }, [revealedRoundId])

  const closedRounds = rounds.filter((candidate) => candidate.status === 'closed').map((candidate) => candidate.roundId)
  const lastClosed = closedRounds.at(-1) ?? null
  const seenClosed = useRef(lastClosed)
  useEffect(() => {
    if (lastClosed === seenClosed.current) return
    seenClosed.current = lastClosed
    const closed = rounds.find((candidate) => candidate.roundId === lastClosed)
    if (closed) announceRef.current(`${closed.title} closed: the results are on the cards and in the Voting panel.`)
  }, [lastClosed, rounds])

  return (
    <div className="tt-visually-hidden" role="status" aria-live="polite" data-testid="announcer">
      {message}
    </div>
  )
}
