/**
 * Voting in front of the canvas: on each card of the shown round a small badge (dot controls
 * while the round is open, the count and place once it is closed); and the voting panel in the
 * board's dock — a facilitator opens a round over the selection, sees how many of those here have
 * voted, and closes it; everyone sees the rounds, their own dots left, and the ranked results with
 * how they moved since the last round.
 */
import { useState, type FormEvent } from 'react'
import { useEditor, useValue } from 'tldraw'
import { readCard } from '../../shared/board/boardModel'
import { canWriteBoard } from '../../shared/board/roles'
import { MAX_VOTE_BUDGET, type VoteRound } from '../../shared/board/voting'
import { useBoardContext } from '../board/boardContext'
import { useMay } from '../board/useMay'
import { dotsLeft, dotsUsed, type Ballot } from './ballot'
import { compareRounds, describeDotsDelta, describeMovement, ordinal, previousRoundFor, type RankedCard } from './roundComparison'
import { bringCardIntoView, cardShapesOnPage, selectedCardIds } from './roundCards'
import { ApiError } from '../api/apiRequest'
import { closeRound, openRound } from '../api/votingApi'
import { currentRound, roundProgress, useBallots, useVoteRounds, type BallotState } from './votingState'
import { useDockStore } from '../dock/dockStore'
import './voting.css'

/** The voting panel's id in the board's dock. */
export const VOTING_PANEL_ID = 'voting'

const DEFAULT_BUDGET = 3
const LABEL_TEXT_LENGTH = 40

function cardLabel(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim()
  if (!oneLine) return 'an empty card'
  return oneLine.length > LABEL_TEXT_LENGTH ? `${oneLine.slice(0, LABEL_TEXT_LENGTH - 1)}…` : oneLine
}

function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`
}

/**
 * An open round's badges are always on its cards (there is voting to do); a closed round's
 * results only while the voting panel is open, where they are discussed: closing the panel gives
 * the board back to the cards alone.
 */
export function VotingOverlay() {
  const { controlDoc } = useBoardContext()
  const rounds = useVoteRounds(controlDoc)
  const shownRoundId = useBallots((state) => state.shownRoundId)
  const panelOpen = useDockStore((state) => state.openPanel === VOTING_PANEL_ID)
  const shown = rounds.find((round) => round.roundId === shownRoundId) ?? currentRound(rounds)
  if (!shown || (shown.status === 'closed' && !panelOpen)) return null
  return <CardBadges round={shown} rounds={rounds} />
}

/** Badges on the shown round's cards that are in view. */
function CardBadges({ round, rounds }: { round: VoteRound; rounds: VoteRound[] }) {
  const editor = useEditor()
  const { role } = useBoardContext()
  const ballot = useBallots((state) => state.ballots[round.roundId])
  const placements = useValue('vote badge placements', () => {
    const viewport = editor.getViewportPageBounds()
    const placed: Array<{ cardId: string; x: number; y: number }> = []
    for (const [cardId, shapeId] of cardShapesOnPage(editor, round.cardIds)) {
      const bounds = editor.getShapePageBounds(shapeId)
      if (!bounds || !viewport.collides(bounds)) continue
      const corner = editor.pageToViewport({ x: bounds.maxX, y: bounds.minY })
      placed.push({ cardId, x: Math.round(corner.x), y: Math.round(corner.y) })
    }
    return placed
  }, [editor, round.cardIds])
  const ranked = round.status === 'closed' ? compareRounds(round, previousRoundFor(rounds, round)) : []
  const rankedByCard = new Map(ranked.map((card) => [card.cardId, card]))
  // The server takes a member's ballot only while the phase allows voting (and not while locked).
  const mayVote = useMay('vote')
  const canVote = canWriteBoard(role) && mayVote && round.status === 'open'

  return (
    <div className="tt-vote-badges" aria-label={`${round.title} on the cards`} role="group">
      {placements.map(({ cardId, x, y }) => (
        <div
          key={cardId}
          className="tt-vote-badge"
          style={{ left: x, top: y }}
          data-testid="vote-badge"
          data-card-id={cardId}
          onPointerDown={(event) => event.stopPropagation()}
        >
          {round.status === 'closed' ? (
            <ResultBadge card={rankedByCard.get(cardId)} />
          ) : canVote ? (
            <DotControls round={round} cardId={cardId} ballot={ballot} />
          ) : (
            <span className="tt-vote-badge__muted tt-vote-badge__label" title={round.title}>
              In the vote
            </span>
          )}
        </div>
      ))}
    </div>
  )
}

function DotControls({ round, cardId, ballot }: { round: VoteRound; cardId: string; ballot: BallotState | undefined }) {
  const { canvasDoc } = useBoardContext()
  const addDot = useBallots((state) => state.addDot)
  const removeDot = useBallots((state) => state.removeDot)
  const dots = ballot?.dots[cardId] ?? 0
  const left = ballot ? dotsLeft(ballot.dots, round.budget) : 0
  const ready = ballot !== undefined && ballot.status !== 'loading'
  const label = cardLabel(readCard(canvasDoc, cardId)?.text ?? '')
  return (
    <>
      <button
        type="button"
        className="tt-vote-badge__button"
        aria-label={`Remove a dot from “${label}”`}
        disabled={!ready || dots === 0}
        onClick={() => removeDot(round, cardId)}
        data-testid="vote-remove"
      >
        −
      </button>
      <span className="tt-vote-badge__dots" aria-label={`Your dots on “${label}”: ${dots}`} data-testid="vote-my-dots" data-dots={dots}>
        {dots > 0 ? <DotRow count={dots} /> : <span className="tt-vote-badge__muted">0</span>}
      </span>
      <button
        type="button"
        className="tt-vote-badge__button"
        aria-label={`Add a dot to “${label}”`}
        disabled={!ready || left === 0}
        onClick={() => addDot(round, cardId)}
        data-testid="vote-add"
      >
        +
      </button>
    </>
  )
}

function DotRow({ count }: { count: number }) {
  const shown = Math.min(count, 5)
  return (
    <span aria-hidden="true" className="tt-vote-dot-row">
      {Array.from({ length: shown }, (_, index) => (
        <span key={index} className="tt-vote-dot" />
      ))}
      {count > shown && <span className="tt-vote-dot-more">+{count - shown}</span>}
    </span>
  )
}

function ResultBadge({ card }: { card: RankedCard | undefined }) {
  if (!card) return null
  const moved = card.previousPlace === null ? 0 : card.previousPlace - card.place
  return (
    <span className="tt-vote-badge__result" data-testid="vote-result-badge" data-dots={card.dots} data-place={card.place}>
      <strong>{plural(card.dots, 'dot', 'dots')}</strong>
      <span className="tt-vote-badge__muted">{ordinal(card.place)}</span>
      {moved !== 0 && (
        <span
          className={moved > 0 ? 'tt-vote-move tt-vote-move--up' : 'tt-vote-move tt-vote-move--down'}
          aria-label={moved > 0 ? `up ${moved}` : `down ${-moved}`}
        >
          {moved > 0 ? '↑' : '↓'}
          {Math.abs(moved)}
        </span>
      )}
    </span>
  )
}

/** On the rail's Voting button: says when a vote is open. */
export function VotingBadge() {
  const { controlDoc } = useBoardContext()
  const rounds = useVoteRounds(controlDoc)
  if (!rounds.some((round) => round.status === 'open')) return null
  return (
    <span className="tt-dock__badge" data-testid="voting-live">
      open
    </span>
  )
}

/** The voting panel's body in the dock. */
export function VotingPanelBody() {
  const { role, controlDoc } = useBoardContext()
  const rounds = useVoteRounds(controlDoc)
  const shownRoundId = useBallots((state) => state.shownRoundId)
  const shown = rounds.find((round) => round.roundId === shownRoundId) ?? currentRound(rounds)
  return (
    <div className="tt-voting__panel" data-testid="voting-panel">
      {role === 'facilitator' && <OpenRoundForm />}
      {rounds.length === 0 ? (
        <p className="tt-voting__muted">No votes yet.</p>
      ) : (
        <>
          <RoundPicker rounds={rounds} shown={shown} />
          {shown && <RoundDetails round={shown} rounds={rounds} />}
        </>
      )}
    </div>
  )
}

function OpenRoundForm() {
  const editor = useEditor()
  const { boardId, token } = useBoardContext()
  const selected = useValue('cards to vote on', () => selectedCardIds(editor), [editor])
  const [title, setTitle] = useState('')
  const [budget, setBudget] = useState(DEFAULT_BUDGET)
  const [anonymous, setAnonymous] = useState(true)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const showRound = useBallots((state) => state.showRound)

  const submit = async (event: FormEvent) => {
    event.preventDefault()
    if (selected.length === 0 || busy) return
    setBusy(true)
    setError(null)
    try {
      const roundId = await openRound(boardId, token, { cardIds: selected, budget, anonymous, title: title.trim() || undefined })
      showRound(roundId)
      setTitle('')
    } catch (failure) {
      setError(failure instanceof ApiError ? failure.message : 'The vote could not be opened.')
    } finally {
      setBusy(false)
    }
  }

  return (
    <form className="tt-voting__form" onSubmit={submit} aria-label="Open a vote" data-testid="vote-open-form">
      <h3 className="tt-voting__section">Open a vote</h3>
      <p className="tt-voting__muted" data-testid="vote-selection-count">
        {selected.length === 0 ? 'Select cards, or a frame holding them.' : `${plural(selected.length, 'card', 'cards')} selected`}
      </p>
      <label className="tt-voting__field">
        <span>Title</span>
        <input value={title} maxLength={120} placeholder="Optional" onChange={(event) => setTitle(event.target.value)} data-testid="vote-title" />
      </label>
      <label className="tt-voting__field">
        <span>Dots per person</span>
        <input
          type="number"
          min={1}
          max={MAX_VOTE_BUDGET}
          value={budget}
          onChange={(event) => setBudget(Math.min(MAX_VOTE_BUDGET, Math.max(1, Math.round(Number(event.target.value)) || 1)))}
          data-testid="vote-budget"
        />
      </label>
      <fieldset className="tt-voting__choice">
        <legend>Who gave dots</legend>
        <label>
          <input type="radio" name="vote-anonymity" checked={anonymous} onChange={() => setAnonymous(true)} data-testid="vote-anonymous" />
          Anonymous
        </label>
        <label>
          <input type="radio" name="vote-anonymity" checked={!anonymous} onChange={() => setAnonymous(false)} data-testid="vote-named" />
          Named
        </label>
      </fieldset>
      <button type="submit" className="tt-voting__button tt-voting__button--primary" disabled={selected.length === 0 || busy} data-testid="vote-open">
        {selected.length === 0 ? 'Open vote' : `Open vote on ${plural(selected.length, 'card', 'cards')}`}
      </button>
      {error && (
        <p className="tt-voting__error" role="alert">
          {error}
        </p>
      )}
    </form>
  )
}

function RoundPicker({ rounds, shown }: { rounds: VoteRound[]; shown: VoteRound | null }) {
  const showRound = useBallots((state) => state.showRound)
  if (rounds.length < 2) return null
  return (
    <div className="tt-voting__rounds" role="group" aria-label="Rounds">
      {rounds.map((round) => (
        <button
          key={round.roundId}
          type="button"
          className="tt-voting__chip"
          aria-pressed={round.roundId === shown?.roundId}
          onClick={() => showRound(round.roundId)}
          data-testid="vote-round-chip"
        >
          {round.title}
        </button>
      ))}
    </div>
  )
}

function RoundDetails({ round, rounds }: { round: VoteRound; rounds: VoteRound[] }) {
  const { role, boardId, token } = useBoardContext()
  const mayVote = useMay('vote')
  const ballot = useBallots((state) => state.ballots[round.roundId])
  const [error, setError] = useState<string | null>(null)
  const [closing, setClosing] = useState(false)

  const close = async () => {
    setClosing(true)
    setError(null)
    try {
      await closeRound(boardId, token, round.roundId)
    } catch (failure) {
      setError(failure instanceof ApiError ? failure.message : 'The vote could not be closed.')
    } finally {
      setClosing(false)
    }
  }

  return (
    <div className="tt-voting__round" data-testid="vote-round" data-status={round.status} data-round-id={round.roundId}>
      <h3 className="tt-voting__section">
        {round.title}
        <span className="tt-voting__status">{round.status === 'open' ? 'Open' : 'Closed'}</span>
      </h3>
      <p className="tt-voting__muted">
        {plural(round.cardIds.length, 'card', 'cards')} · {plural(round.budget, 'dot', 'dots')} each · {round.anonymous ? 'anonymous' : 'named'}
      </p>
      {round.status === 'open' ? (
        <>
          {canWriteBoard(role) && mayVote ? (
            <MyDots round={round} ballot={ballot} />
          ) : canWriteBoard(role) ? (
            <p className="tt-voting__muted" data-testid="vote-paused-note">
              Voting waits for a phase that allows it; your dots so far are kept.
            </p>
          ) : (
            <p className="tt-voting__muted" data-testid="vote-observer-note">
              Observers follow the vote but don’t place dots.
            </p>
          )}
          <p className="tt-voting__muted">Results show when the facilitator closes the vote.</p>
          {role === 'facilitator' && <VoteProgress round={round} />}
          {role === 'facilitator' && (
            <button type="button" className="tt-voting__button" onClick={close} disabled={closing} data-testid="vote-close">
              Close vote and show results
            </button>
          )}
        </>
      ) : (
        <Results round={round} rounds={rounds} />
      )}
      {ballot?.error && (
        <p className="tt-voting__error" role="alert" data-testid="vote-ballot-error">
          {ballot.error}
        </p>
      )}
      {error && (
        <p className="tt-voting__error" role="alert">
          {error}
        </p>
      )}
    </div>
  )
}

/** "3 of 5 have voted": people with dots in, of the members and facilitators on the board now. */
function VoteProgress({ round }: { round: VoteRound }) {
  const progress = roundProgress(round)
  if (!progress) return null
  const { voted, present } = progress
  return (
    <div className="tt-voting__progress">
      <p className="tt-voting__progress-text" role="status" data-testid="vote-progress" data-voted={voted} data-present={present}>
        <strong>
          {voted} of {present}
        </strong>{' '}
        {voted === 1 && present === 1 ? 'has' : 'have'} voted
      </p>
      <span className="tt-voting__progress-bar" aria-hidden="true">
        <span className="tt-voting__progress-fill" style={{ width: `${present > 0 ? Math.min(100, (voted / present) * 100) : 0}%` }} />
      </span>
    </div>
  )
}

function MyDots({ round, ballot }: { round: VoteRound; ballot: BallotState | undefined }) {
  const dots: Ballot = ballot?.dots ?? {}
  const left = dotsLeft(dots, round.budget)
  return (
    <>
      <p className="tt-voting__left" role="status" data-testid="vote-dots-left" data-left={left} data-used={dotsUsed(dots)}>
        {ballot?.status === 'loading' ? 'Loading your dots…' : `${plural(left, 'dot', 'dots')} left of ${round.budget}`}
        {ballot?.status === 'saving' && <span className="tt-voting__muted"> · saving</span>}
      </p>
      <p className="tt-voting__muted">Use + and − on the cards. Only you see your dots until the vote closes.</p>
    </>
  )
}

function Results({ round, rounds }: { round: VoteRound; rounds: VoteRound[] }) {
  const editor = useEditor()
  const { canvasDoc } = useBoardContext()
  const previous = previousRoundFor(rounds, round)
  const ranked = compareRounds(round, previous)
  return (
    <>
      <p className="tt-voting__muted">
        {plural(round.voterCount ?? 0, 'person', 'people')} voted
        {previous && ` · compared with ${previous.title}`}
      </p>
      <p className="tt-voting__muted" data-testid="vote-results-on-cards">
        The counts show on the cards while this panel is open.
      </p>
      <ol className="tt-voting__results" aria-label={`Results of ${round.title}`} data-testid="vote-results">
        {ranked.map((card) => {
          const label = cardLabel(readCard(canvasDoc, card.cardId)?.text ?? '')
          const movement = describeMovement(card, previous !== null)
          const delta = describeDotsDelta(card)
          return (
            <li key={card.cardId} className="tt-voting__result" data-testid="vote-result" data-card-id={card.cardId} data-dots={card.dots}>
              <span className="tt-voting__place">{ordinal(card.place)}</span>
              <span className="tt-voting__result-body">
                <button type="button" className="tt-voting__card-link" onClick={() => bringCardIntoView(editor, card.cardId)}>
                  {label}
                </button>
                {(movement || delta) && (
                  <span className="tt-voting__muted" data-testid="vote-movement">
                    {[movement, delta].filter(Boolean).join(' · ')}
                  </span>
                )}
                {card.voters && card.voters.length > 0 && (
                  <span className="tt-voting__voters" data-testid="vote-voters">
                    {card.voters.map((voter, index) => (
                      <span key={voter.id}>
                        {index > 0 && ', '}
                        <span style={{ color: voter.color }}>{voter.name}</span> {voter.dots}
                      </span>
                    ))}
                  </span>
                )}
              </span>
              <span className="tt-voting__count">{plural(card.dots, 'dot', 'dots')}</span>
            </li>
          )
        })}
      </ol>
    </>
  )
}
