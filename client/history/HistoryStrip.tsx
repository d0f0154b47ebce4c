/**
 * The timeline strip under the board, closed by default behind its "History" button. Open, it
 * shows every recorded moment of the board as one position of a slider (drag it, or use the
 * arrow keys), how much changed at each, markers for phase changes, reveals and vote closes,
 * playback at 1×, 4×, 16× or 60×, "Back to now", who added or changed what at the moment shown,
 * and, for facilitators, "Restore as a new board".
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import type { HistoryStepView } from '../../shared/api/history'
import type { BoardRole } from '../../shared/board/roles'
import { ApiError } from '../api/apiRequest'
import { restoreHistoryMoment } from '../api/historyApi'
import { describeChanges } from './describeChange'
import { formatMoment } from './formatMoment'
import { PLAYBACK_SPEEDS, useHistoryStore, type PlaybackSpeed } from './historyStore'
import './history.css'

/** How often the open strip reads the timeline again, to show what was recorded since. */
const REFRESH_MS = 10_000

/** How long playback dwells on a moment at most, and at least, whatever the speed. */
const MAX_DWELL_MS = 2000
const MIN_DWELL_MS = 120

const MARKER_SYMBOLS: Record<HistoryStepView['markers'][number]['kind'], string> = {
  phase: 'Phase',
  reveal: 'Reveal',
  'vote-close': 'Vote',
}

export interface HistoryStripProps {
  readonly boardId: string
  readonly token: string
  readonly role: BoardRole
}

export function HistoryStrip({ boardId, token, role }: HistoryStripProps) {
  const isOpen = useHistoryStore((state) => state.isOpen)
  const open = useHistoryStore((state) => state.open)
  const close = useHistoryStore((state) => state.close)
  if (!isOpen) {
    return (
      <div className="tt-history-strip tt-history-strip--closed">
        <button type="button" className="tt-history-toggle" aria-expanded={false} onClick={() => void open(boardId, token)} data-testid="history-open">
          History
        </button>
      </div>
    )
  }
  return <OpenStrip boardId={boardId} token={token} role={role} onClose={close} />
}

function OpenStrip({ boardId, token, role, onClose }: HistoryStripProps & { onClose(): void }) {
  const timeline = useHistoryStore((state) => state.timeline)
  const cursor = useHistoryStore((state) => state.cursor)
  const moment = useHistoryStore((state) => state.moment)
  const problem = useHistoryStore((state) => state.problem)
  const isPlaying = useHistoryStore((state) => state.isPlaying)
  const speed = useHistoryStore((state) => state.speed)
  const { show, backToNow, setPlaying, setSpeed, refresh } = useHistoryStore.getState()
  const steps = timeline?.steps ?? []
  const position = useMemo(() => positionOf(steps, cursor), [steps, cursor])

  // While one moment is on its way, only the latest position asked for follows it.
  const inFlight = useRef(false)
  const wanted = useRef<number | null>(null)
  const request = useCallback(
    (at: number) => {
      wanted.current = at
      if (inFlight.current) return
      inFlight.current = true
      const next = async () => {
        while (wanted.current !== null) {
          const target = wanted.current
          wanted.current = null
          await show(boardId, token, target)
        }
        inFlight.current = false
      }
      void next()
    },
    [boardId, token, show],
  )

  useEffect(() => {
    const timer = setInterval(() => void refresh(boardId, token), REFRESH_MS)
    return () => clearInterval(timer)
  }, [boardId, token, refresh])

  useEffect(() => {
    if (!isPlaying || position === null) return
    if (position >= steps.length - 1) {
      setPlaying(false)
      return
    }
    const gap = steps[position + 1].at - steps[position].at
    const timer = setTimeout(() => request(steps[position + 1].at), Math.min(MAX_DWELL_MS, Math.max(MIN_DWELL_MS, gap / speed)))
    return () => clearTimeout(timer)
  }, [isPlaying, position, steps, speed, request, setPlaying])

  const play = () => {
    if (steps.length === 0) return
    if (position === null || position >= steps.length - 1) request(steps[0].at)
    setPlaying(true)
  }

  const maxChanges = Math.max(1, ...steps.map((step) => step.changes))
  const shownAt = moment?.at ?? cursor
  return (
    <section className="tt-history-strip" aria-label="History" data-testid="history-strip">
      <div className="tt-history-strip__row">
        <button type="button" className="tt-history-toggle" aria-expanded onClick={onClose} data-testid="history-close">
          History
        </button>
        <button
          type="button"
          className="tt-history-icon-button"
          onClick={isPlaying ? () => setPlaying(false) : play}
          disabled={steps.length < 2}
          aria-label={isPlaying ? 'Pause' : 'Play'}
          title={isPlaying ? 'Pause' : 'Play from here'}
          data-testid="history-play"
        >
          {isPlaying ? <PauseIcon /> : <PlayIcon />}
        </button>
        <label className="tt-history-speed">
          <span className="tt-visually-hidden">Playback speed</span>
          <select value={speed} onChange={(event) => setSpeed(Number(event.target.value) as PlaybackSpeed)} data-testid="history-speed">
            {PLAYBACK_SPEEDS.map((option) => (
              <option key={option} value={option}>
                {option}×
              </option>
            ))}
          </select>
        </label>
        <div className="tt-history-track">
          <div className="tt-history-track__activity" aria-hidden>
            {steps.map((step, index) => (
              <span
                key={step.at}
                className="tt-history-track__bar"
                data-current={index === position || undefined}
                style={{ left: `${percent(index, steps.length)}%`, height: `${20 + 80 * Math.sqrt(step.changes / maxChanges)}%` }}
              />
            ))}
          </div>
          <div className="tt-history-track__markers">
            {steps.flatMap((step, index) =>
              step.markers.map((marker, markerIndex) => (
                <span
                  key={`${step.at}-${markerIndex}`}
                  className="tt-history-marker"
                  data-kind={marker.kind}
                  style={{ left: `${percent(index, steps.length)}%` }}
                  title={`${marker.label} · ${formatMoment(step.at)}`}
                  data-testid="history-marker"
                >
                  {MARKER_SYMBOLS[marker.kind]}
                </span>
              )),
            )}
          </div>
          <input
            type="range"
            className="tt-history-track__slider"
            min={0}
            max={Math.max(0, steps.length - 1)}
            step={1}
            value={position ?? Math.max(0, steps.length - 1)}
            disabled={steps.length === 0}
            aria-label="Moment of the board's history"
            aria-valuetext={shownAt ? formatMoment(shownAt) : 'now'}
            onChange={(event) => {
              setPlaying(false)
              const step = steps[Number(event.target.value)]
              if (step) request(step.at)
            }}
            data-testid="history-slider"
          />
        </div>
        <span className="tt-history-time" data-testid="history-time">
          {cursor === null ? 'Now' : shownAt ? formatMoment(shownAt) : ''}
        </span>
        <button
          type="button"
          className="tt-button tt-button--secondary tt-history-button"
          onClick={backToNow}
          disabled={cursor === null}
          data-testid="history-now"
        >
          Back to now
        </button>
        {role === 'facilitator' && <RestoreButton boardId={boardId} token={token} at={cursor === null ? null : (moment?.at ?? null)} />}
      </div>
      <div className="tt-history-strip__changes" aria-live="polite" data-testid="history-changes">
        {problem ? (
          <span className="tt-history-problem">{problem}</span>
        ) : cursor === null ? (
          <span className="tt-history-hint">
            {steps.length === 0
              ? 'Nothing has been recorded on this board yet.'
              : 'Drag the timeline to see the board as it was. The live board is not changed.'}
          </span>
        ) : moment ? (
          <ChangeLines />
        ) : (
          <span className="tt-history-hint">Loading that moment…</span>
        )}
      </div>
    </section>
  )
}

function ChangeLines() {
  const moment = useHistoryStore((state) => state.moment)
  const lines = useMemo(() => (moment ? describeChanges(moment) : []), [moment])
  if (lines.length === 0) return <span className="tt-history-hint">Nothing changed on the canvas at this moment.</span>
  const shown = lines.slice(0, 6)
  return (
    <ul className="tt-history-lines">
      {shown.map((line) => (
        <li key={line.key} className="tt-history-line" data-testid="history-change">
          <span
            className="tt-history-line__dot"
            style={line.who?.color ? { background: line.who.color } : undefined}
            data-nobody={line.who ? undefined : true}
            aria-hidden
          />
          <strong>{line.who ? line.who.name : 'Nobody named'}</strong> {line.text}
        </li>
      ))}
      {lines.length > shown.length && <li className="tt-history-line tt-history-line--more">and {lines.length - shown.length} more</li>}
    </ul>
  )
}

function RestoreButton({ boardId, token, at }: { boardId: string; token: string; at: number | null }) {
  const [state, setState] = useState<{ kind: 'idle' } | { kind: 'busy' } | { kind: 'done'; link: string } | { kind: 'failed'; message: string }>({
    kind: 'idle',
  })
  useEffect(() => setState({ kind: 'idle' }), [at])
  const restore = async () => {
    if (at === null) return
    setState({ kind: 'busy' })
    try {
      const created = await restoreHistoryMoment(boardId, token, at)
      setState({ kind: 'done', link: created.links.facilitator })
    } catch (error) {
      setState({ kind: 'failed', message: error instanceof ApiError ? error.message : 'The board could not be restored.' })
    }
  }
  if (state.kind === 'done') {
    return (
      <a className="tt-button tt-button--primary tt-history-button" href={state.link} target="_blank" rel="noreferrer" data-testid="history-restored-link">
        Open the new board
      </a>
    )
  }
  return (
    <button
      type="button"
      className="tt-button tt-button--secondary tt-history-button"
      onClick={() => void restore()}
      disabled={at === null || state.kind === 'busy'}
      title={state.kind === 'failed' ? state.message : 'A new board with this moment’s cards, links and threads; this board stays as it is'}
      data-testid="history-restore"
    >
      {state.kind === 'busy' ? 'Restoring…' : state.kind === 'failed' ? 'Try restoring again' : 'Restore as a new board'}
    </button>
  )
}

/** The slider position of the cursor: the last recorded moment at or before it (null: live). */
function positionOf(steps: readonly HistoryStepView[], cursor: number | null): number | null {
  if (cursor === null || steps.length === 0) return null
  let found = 0
  for (let index = 0; index < steps.length; index++) if (steps[index].at <= cursor) found = index
  return found
}

function percent(index: number, count: number): number {
  return count <= 1 ? 50 : (index / (count - 1)) * 100
}

function PlayIcon() {
  return (
    <svg width="14" height="14" viewBox="0 0 14 14" aria-hidden>
      <path d="M3 1.8v10.4a.6.6 0 0 0 .9.5l8.2-5.2a.6.6 0 0 0 0-1L3.9 1.3a.6.6 0 0 0-.9.5Z" fill="currentColor" />
    </svg>
  )
}

function PauseIcon() {
  return (
    <svg width="14" height="14" viewBox="0 0 14 14" aria-hidden>
      <rect x="2.5" y="1.5" width="3" height="11" rx="0.8" fill="currentColor" />
      <rect x="8.5" y="1.5" width="3" height="11" rx="0.8" fill="currentColor" />
    </svg>
  )
}
