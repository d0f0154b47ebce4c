/**
 * The status line, in the chrome just below the pinned problem: one line with the current phase,
 * the shared countdown (on the server's clock), what members may do (the lock wins over the
 * phase), the spotlight, and who is here with their roles; the phase's instructions below it (one
 * line, More for all of it), and a notice while changes wait for the facilitator. A facilitator
 * also gets the controls, in the Facilitate panel of the board's dock. Everything is read live
 * from the control document.
 */
import { useEffect, useRef, useState, type ReactNode } from 'react'
import { useEditor, useValue } from 'tldraw'
import {
  addTimerTime,
  pauseTimer,
  resumeTimer,
  setBoardLocked,
  setSpotlight,
  startTimer,
  stopTimer,
  summonEveryone,
  timerRemaining,
  type PhaseData,
  type TimerState,
  MEMBER_ACTIONS,
  MEMBER_ACTION_LABELS,
  type MemberAction,
} from '../../shared/board/facilitation'
import type { BoardRole } from '../../shared/board/roles'
import { useBoardContext } from '../board/boardContext'
import { HeldChangesNotice } from '../board/HeldChangesNotice'
import {
  clockEstimatedAtom,
  serverClockAtom,
  spotlightLeftAtom,
  useFacilitation,
  useFacilitationPreferences,
  useParticipants,
  type FacilitationSnapshot,
  summonNoticeAtom,
} from './facilitationState'
import {
  MAX_PHASE_INSTRUCTIONS_LENGTH,
  MAX_PHASE_MS,
  MAX_PHASE_NAME_LENGTH,
  PHASE_PRESETS,
  addPhase,
  currentPhase,
  goToPhase,
  movePhase,
  nextPhaseId,
  phaseFromPreset,
  previousPhaseId,
  removePhase,
  updatePhase,
  type PhasePresetKey,
} from './phases'
import { summonToMyView } from './registerFacilitation'
import { formatCountdown, playSoftChime } from './timerSignal'
import { useTopBelow } from '../dock/useTopBelow'
import './facilitation.css'

/** The problem panel, tldraw's TopPanel: the status line sits below it. */
const PROBLEM_PANEL_SELECTOR = '[data-testid="problem-panel"]'

const ROLE_LABELS: Record<BoardRole, string> = { facilitator: 'Facilitator', member: 'Member', observer: 'Observer' }

export function FacilitationStatusLine() {
  const { controlDoc, role } = useBoardContext()
  const state = useFacilitation(controlDoc)
  const top = useTopBelow(PROBLEM_PANEL_SELECTOR, 8, 96)
  const [isPeopleOpen, setPeopleOpen] = useState(false)
  const [isInstructionsOpen, setInstructionsOpen] = useState(false)
  const peopleButton = useRef<HTMLButtonElement>(null)
  const phase = currentPhase(state.phases, state.currentPhaseId)
  const phaseIndex = phase ? state.phases.indexOf(phase) : -1

  const closePeople = () => {
    setPeopleOpen(false)
    requestAnimationFrame(() => peopleButton.current?.focus())
  }

  return (
    <div className="tt-facilitation" style={{ top }} data-testid="facilitation" onPointerDown={(event) => event.stopPropagation()}>
      <div className="tt-facilitation__line" data-testid="status-line">
        <section className="tt-facilitation__bar" aria-label="Session" data-testid="facilitation-bar">
          <div className="tt-facilitation__phase">
            <span className="tt-facilitation__phase-name" data-testid="phase-name">
              {phase ? phase.name : 'No phase yet'}
            </span>
            {phase && (
              <span className="tt-facilitation__muted" data-testid="phase-position">
                {phaseIndex + 1} of {state.phases.length}
              </span>
            )}
          </div>
          <TimerChip timer={state.timer} />
          <MembersMay state={state} role={role} memberActions={phase?.memberActions ?? null} />
          <SpotlightNotice state={state} />
          <button
            ref={peopleButton}
            type="button"
            className="tt-facilitation__button"
            aria-expanded={isPeopleOpen}
            aria-controls="tt-facilitation-people"
            onClick={() => setPeopleOpen((open) => !open)}
            data-testid="facilitation-people-toggle"
          >
            People
          </button>
        </section>
        {phase?.instructions && (
          <div className="tt-facilitation__instructions-row" data-expanded={isInstructionsOpen}>
            <p
              className="tt-facilitation__instructions"
              id="tt-phase-instructions"
              aria-label={`Instructions for ${phase.name}`}
              data-testid="phase-instructions"
            >
              {phase.instructions}
            </p>
            <button
              type="button"
              className="tt-facilitation__link tt-facilitation__more"
              aria-expanded={isInstructionsOpen}
              aria-controls="tt-phase-instructions"
              onClick={() => setInstructionsOpen((open) => !open)}
            >
              {isInstructionsOpen ? 'Less' : 'More'}
            </button>
          </div>
        )}
        <HeldChangesNotice />
      </div>
      {isPeopleOpen && <PeoplePanel onClose={closePeople} />}
    </div>
  )
}

/**
 * What members may do now, in one place: the lock wins over the phase, so the line never says
 * members may move cards while the board is locked.
 */
function MembersMay({ state, role, memberActions }: { state: FacilitationSnapshot; role: BoardRole; memberActions: readonly MemberAction[] | null }) {
  if (state.locked) {
    return (
      <span className="tt-facilitation__status tt-facilitation__status--locked" role="status" data-testid="lock-notice">
        {role === 'facilitator' ? 'Board locked for members' : 'Board locked by the facilitator'}
      </span>
    )
  }
  if (!memberActions) return null
  return (
    <span className="tt-facilitation__status" data-testid="phase-member-actions">
      {memberActions.length === 0
        ? 'Members work in their own drafts; the board stays as it is.'
        : `Members may ${memberActions.map((action) => MEMBER_ACTION_LABELS[action]).join(', ')}.`}
    </span>
  )
}

/** The Facilitate panel's body in the dock (facilitators only): phases, timer, board and people. */
export function FacilitatePanelBody() {
  const { controlDoc } = useBoardContext()
  const state = useFacilitation(controlDoc)
  return (
    <div data-testid="facilitation-controls" className="tt-facilitation__sections">
      <PhaseControls state={state} />
      <TimerControls state={state} />
      <BoardControls state={state} />
    </div>
  )
}

export function useIsFacilitator(): boolean {
  return useBoardContext().role === 'facilitator'
}

/** The shared countdown; it pulses gently (and chimes, if turned on) when it reaches zero. */
function TimerChip({ timer }: { timer: TimerState }) {
  const clock = useValue('serverClock', () => serverClockAtom.get(), [])
  const [, setTick] = useState(0)
  const [hasEnded, setEnded] = useState(false)
  const armedEndsAt = useRef<number | null>(null)
  const serverNow = clock ? clock.now() : Date.now()
  const remainingMs = timerRemaining(timer, serverNow)

  useEffect(() => {
    if (timer.state !== 'running') return
    const interval = setInterval(() => setTick((tick) => tick + 1), 100)
    return () => clearInterval(interval)
  }, [timer])

  useEffect(() => {
    if (timer.state !== 'running') {
      armedEndsAt.current = null
      setEnded(false)
      return
    }
    if (remainingMs > 0) {
      armedEndsAt.current = timer.endsAt
      setEnded(false)
    } else if (armedEndsAt.current === timer.endsAt) {
      armedEndsAt.current = null
      setEnded(true)
      if (useFacilitationPreferences.getState().isTimerSoundOn) playSoftChime()
    }
  }, [timer, remainingMs])

  if (timer.state === 'stopped') return null
  const text = formatCountdown(remainingMs)
  return (
    <span
      className="tt-facilitation__timer"
      role="timer"
      aria-label={`Time left: ${text}${timer.state === 'paused' ? ', paused' : ''}`}
      data-testid="timer"
      data-state={timer.state}
      data-ended={hasEnded}
      data-clock-offset-ms={clock?.estimate()?.offsetMs ?? 0}
    >
      {text}
      {timer.state === 'paused' && <span className="tt-facilitation__muted"> paused</span>}
      {hasEnded && (
        <span className="tt-visually-hidden" role="status">
          Time is up
        </span>
      )}
    </span>
  )
}

function SpotlightNotice({ state }: { state: FacilitationSnapshot }) {
  const editor = useEditor()
  const { controlDoc } = useBoardContext()
  const hasLeft = useValue('spotlightLeft', () => spotlightLeftAtom.get(), [])
  const spotlight = state.spotlight
  if (!spotlight) return null
  if (spotlight.userId === editor.user.getId()) {
    return (
      <span className="tt-facilitation__status" role="status" data-testid="spotlight-notice" data-spotlight="leading">
        Spotlight: everyone follows you
        <button type="button" className="tt-facilitation__link" onClick={() => setSpotlight(controlDoc, null)} data-testid="spotlight-release">
          Release
        </button>
      </span>
    )
  }
  return (
    <span className="tt-facilitation__status" role="status" data-testid="spotlight-notice" data-spotlight={hasLeft ? 'left' : 'following'}>
      {hasLeft ? `You left ${spotlight.name}’s spotlight` : `Following ${spotlight.name} (spotlight)`}
      {hasLeft ? (
        <button type="button" className="tt-facilitation__link" onClick={() => spotlightLeftAtom.set(false)} data-testid="spotlight-rejoin">
          Rejoin
        </button>
      ) : (
        <button type="button" className="tt-facilitation__link" onClick={() => editor.stopFollowingUser()} data-testid="spotlight-leave">
          Leave spotlight
        </button>
      )}
    </span>
  )
}

function Panel({ id, title, onClose, children }: { id: string; title: string; onClose: () => void; children: ReactNode }) {
  const ref = useRef<HTMLElement>(null)
  useEffect(() => {
    ref.current?.querySelector<HTMLElement>('button, input, select, textarea')?.focus()
  }, [])
  return (
    <section
      ref={ref}
      id={id}
      className="tt-facilitation__panel"
      aria-label={title}
      onKeyDown={(event) => {
        if (event.key === 'Escape') {
          event.stopPropagation()
          onClose()
        }
      }}
    >
      <div className="tt-facilitation__panel-header">
        <h2 className="tt-facilitation__panel-title">{title}</h2>
        <button type="button" className="tt-facilitation__link" onClick={onClose} aria-label={`Close ${title.toLowerCase()}`}>
          Close
        </button>
      </div>
      {children}
    </section>
  )
}

function PeoplePanel({ onClose }: { onClose: () => void }) {
  const { awareness } = useBoardContext()
  const participants = useParticipants(awareness)
  const isSoundOn = useFacilitationPreferences((prefs) => prefs.isTimerSoundOn)
  const setSoundOn = useFacilitationPreferences((prefs) => prefs.setTimerSoundOn)
  return (
    <Panel id="tt-facilitation-people" title="People and roles" onClose={onClose}>
      <ul className="tt-facilitation__people" data-testid="participants">
        {participants.map((person) => (
          <li key={person.userId} className="tt-facilitation__person" data-testid="participant" data-role={person.role ?? 'unknown'}>
            <span className="tt-facilitation__dot" style={{ background: person.color }} aria-hidden="true" />
            <span className="tt-facilitation__person-name">
              {person.name}
              {person.isMe && <span className="tt-facilitation__muted"> (you)</span>}
            </span>
            {person.role && (
              <span className="tt-facilitation__role" data-role={person.role}>
                {ROLE_LABELS[person.role]}
              </span>
            )}
          </li>
        ))}
      </ul>
      <label className="tt-facilitation__check">
        <input type="checkbox" checked={isSoundOn} onChange={(event) => setSoundOn(event.target.checked)} />
        Play a soft sound when the timer ends
      </label>
    </Panel>
  )
}

function PhaseControls({ state }: { state: FacilitationSnapshot }) {
  const { controlDoc } = useBoardContext()
  const [preset, setPreset] = useState<PhasePresetKey>('think-alone')
  const [editingId, setEditingId] = useState<string | null>(null)
  const previous = previousPhaseId(state.phases, state.currentPhaseId)
  const next = nextPhaseId(state.phases, state.currentPhaseId)
  return (
    <fieldset className="tt-facilitation__section">
      <legend>Phases</legend>
      {state.phases.length === 0 && <p className="tt-facilitation__muted">No phases yet. Add them from the presets.</p>}
      <ol className="tt-facilitation__phases" data-testid="phase-list">
        {state.phases.map((phase, index) =>
          editingId === phase.id ? (
            <li key={phase.id}>
              <PhaseEditor
                initial={phase}
                onSave={(edited) => {
                  updatePhase(controlDoc, edited)
                  setEditingId(null)
                }}
                onCancel={() => setEditingId(null)}
              />
            </li>
          ) : (
            <li
              key={phase.id}
              className="tt-facilitation__phase-row"
              aria-current={phase.id === state.currentPhaseId ? 'step' : undefined}
              data-testid="phase-row"
            >
              <button type="button" className="tt-facilitation__phase-go" onClick={() => goToPhase(controlDoc, phase.id)}>
                <span className="tt-visually-hidden">Go to </span>
                <span>{phase.name}</span>
                <span className="tt-facilitation__muted">{Math.round(phase.durationMs / 60_000)} min</span>
              </button>
              <button
                type="button"
                className="tt-facilitation__icon"
                onClick={() => movePhase(controlDoc, phase.id, -1)}
                disabled={index === 0}
                aria-label={`Move ${phase.name} earlier`}
                title={`Move ${phase.name} earlier`}
              >
                ↑
              </button>
              <button
                type="button"
                className="tt-facilitation__icon"
                onClick={() => movePhase(controlDoc, phase.id, 1)}
                disabled={index === state.phases.length - 1}
                aria-label={`Move ${phase.name} later`}
                title={`Move ${phase.name} later`}
              >
                ↓
              </button>
              <button
                type="button"
                className="tt-facilitation__icon"
                onClick={() => setEditingId(phase.id)}
                aria-label={`Edit ${phase.name}`}
                title={`Edit ${phase.name}`}
              >
                ✎
              </button>
              <button
                type="button"
                className="tt-facilitation__icon"
                onClick={() => removePhase(controlDoc, phase.id)}
                aria-label={`Remove ${phase.name}`}
                title={`Remove ${phase.name}`}
              >
                ×
              </button>
            </li>
          ),
        )}
      </ol>
      <div className="tt-facilitation__row">
        <label className="tt-visually-hidden" htmlFor="tt-phase-preset">
          Preset
        </label>
        <select id="tt-phase-preset" value={preset} onChange={(event) => setPreset(event.target.value as PhasePresetKey)} data-testid="phase-preset">
          {PHASE_PRESETS.map((candidate) => (
            <option key={candidate.key} value={candidate.key}>
              {candidate.name}
            </option>
          ))}
        </select>
        <button type="button" className="tt-facilitation__button" onClick={() => addPhase(controlDoc, phaseFromPreset(preset))} data-testid="phase-add">
          Add phase
        </button>
      </div>
      <div className="tt-facilitation__row">
        <button
          type="button"
          className="tt-facilitation__button"
          disabled={!previous}
          onClick={() => previous && goToPhase(controlDoc, previous)}
          data-testid="phase-previous"
        >
          Previous phase
        </button>
        <button
          type="button"
          className="tt-facilitation__button tt-facilitation__button--primary"
          disabled={!next}
          onClick={() => next && goToPhase(controlDoc, next)}
          data-testid="phase-next"
        >
          {state.currentPhaseId ? 'Next phase' : 'Start first phase'}
        </button>
      </div>
    </fieldset>
  )
}

function PhaseEditor({ initial, onSave, onCancel }: { initial: PhaseData; onSave: (phase: PhaseData) => void; onCancel: () => void }) {
  const [name, setName] = useState(initial.name)
  const [instructions, setInstructions] = useState(initial.instructions)
  const [minutes, setMinutes] = useState(String(Math.round(initial.durationMs / 60_000)))
  const [actions, setActions] = useState<MemberAction[]>(initial.memberActions ?? [...MEMBER_ACTIONS])
  const toggleAction = (action: MemberAction) =>
    setActions((current) =>
      current.includes(action) ? current.filter((a) => a !== action) : MEMBER_ACTIONS.filter((a) => a === action || current.includes(a)),
    )
  return (
    <form
      className="tt-facilitation__editor"
      onSubmit={(event) => {
        event.preventDefault()
        onSave({ ...initial, name, instructions, durationMs: (Number(minutes) || 1) * 60_000, memberActions: actions })
      }}
      data-testid="phase-editor"
    >
      <label>
        Name
        <input value={name} onChange={(event) => setName(event.target.value)} maxLength={MAX_PHASE_NAME_LENGTH} required data-testid="phase-editor-name" />
      </label>
      <label>
        Instructions
        <textarea
          value={instructions}
          onChange={(event) => setInstructions(event.target.value)}
          maxLength={MAX_PHASE_INSTRUCTIONS_LENGTH}
          rows={3}
          data-testid="phase-editor-instructions"
        />
      </label>
      <label>
        Minutes
        <input
          type="number"
          min={1}
          max={MAX_PHASE_MS / 60_000}
          value={minutes}
          onChange={(event) => setMinutes(event.target.value)}
          data-testid="phase-editor-minutes"
        />
      </label>
      <fieldset className="tt-facilitation__actions">
        <legend>Members may</legend>
        {MEMBER_ACTIONS.map((action) => (
          <label key={action}>
            <input type="checkbox" checked={actions.includes(action)} onChange={() => toggleAction(action)} data-testid={`phase-editor-action-${action}`} />
            {MEMBER_ACTION_LABELS[action]}
          </label>
        ))}
      </fieldset>
      <div className="tt-facilitation__row">
        <button type="submit" className="tt-facilitation__button tt-facilitation__button--primary" data-testid="phase-editor-save">
          Save
        </button>
        <button type="button" className="tt-facilitation__button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  )
}

function TimerControls({ state }: { state: FacilitationSnapshot }) {
  const { controlDoc } = useBoardContext()
  const clock = useValue('serverClock', () => serverClockAtom.get(), [])
  const isClockReady = useValue('clockEstimated', () => clockEstimatedAtom.get(), [])
  const phase = currentPhase(state.phases, state.currentPhaseId)
  const serverNow = () => clock?.now() ?? Date.now()
  const { timer } = state
  return (
    <fieldset className="tt-facilitation__section" disabled={!isClockReady}>
      <legend>Timer{isClockReady ? '' : ' (checking the server’s clock…)'}</legend>
      <div className="tt-facilitation__row">
        {timer.state === 'stopped' ? (
          <button
            type="button"
            className="tt-facilitation__button tt-facilitation__button--primary"
            onClick={() => startTimer(controlDoc, phase?.durationMs ?? 5 * 60_000, serverNow())}
            data-testid="timer-start"
          >
            Start {phase ? `${Math.round(phase.durationMs / 60_000)} min` : '5 min'}
          </button>
        ) : timer.state === 'running' ? (
          <button type="button" className="tt-facilitation__button" onClick={() => pauseTimer(controlDoc, serverNow())} data-testid="timer-pause">
            Pause
          </button>
        ) : (
          <button type="button" className="tt-facilitation__button" onClick={() => resumeTimer(controlDoc, serverNow())} data-testid="timer-resume">
            Resume
          </button>
        )}
        <button
          type="button"
          className="tt-facilitation__button"
          disabled={timer.state === 'stopped'}
          onClick={() => addTimerTime(controlDoc, 60_000, serverNow())}
          data-testid="timer-add-minute"
        >
          +1 min
        </button>
        <button
          type="button"
          className="tt-facilitation__button"
          disabled={timer.state === 'stopped'}
          onClick={() => stopTimer(controlDoc)}
          data-testid="timer-stop"
        >
          Stop
        </button>
      </div>
    </fieldset>
  )
}

function BoardControls({ state }: { state: FacilitationSnapshot }) {
  const editor = useEditor()
  const { controlDoc, getMe } = useBoardContext()
  const selectedIds = useValue('selectedShapeIds', () => editor.getSelectedShapeIds(), [editor])
  const allSelectedLocked = useValue('selectionLocked', () => {
    const shapes = editor.getSelectedShapes()
    return shapes.length > 0 && shapes.every((shape) => shape.isLocked)
  }, [editor])
  const myUserId = editor.user.getId()
  const isMySpotlight = state.spotlight?.userId === myUserId
  return (
    <fieldset className="tt-facilitation__section">
      <legend>Board and people</legend>
      <label className="tt-facilitation__check">
        <input type="checkbox" checked={state.locked} onChange={(event) => setBoardLocked(controlDoc, event.target.checked)} data-testid="lock-board" />
        Lock the board for members
      </label>
      <div className="tt-facilitation__row">
        <button
          type="button"
          className="tt-facilitation__button"
          disabled={selectedIds.length === 0}
          onClick={() => editor.toggleLock(selectedIds)}
          data-testid="lock-shapes"
        >
          {allSelectedLocked ? 'Unlock selected shapes' : 'Lock selected shapes'}
        </button>
      </div>
      <div className="tt-facilitation__row">
        <button
          type="button"
          className="tt-facilitation__button"
          onClick={() => {
            summonToMyView(editor, (to) => summonEveryone(controlDoc, to))
            summonNoticeAtom.set({ seq: Date.now(), by: null })
          }}
          data-testid="summon"
        >
          Bring everyone to me
        </button>
        <button
          type="button"
          className="tt-facilitation__button"
          aria-pressed={isMySpotlight}
          onClick={() => setSpotlight(controlDoc, isMySpotlight ? null : { userId: myUserId, name: getMe().name })}
          data-testid="spotlight-toggle"
        >
          {isMySpotlight ? 'Release spotlight' : 'Spotlight me'}
        </button>
      </div>
    </fieldset>
  )
}
