/**
 * The tours UI: the list of tours in the board's dock (the Tours panel), and in front of the
 * canvas on the right the recorder (title, stops with notes, reorder, delete, publish), the player (stop
 * by stop, with the stop's note and the replies on its first highlighted card), and a notice when
 * someone else is presenting a tour live. Tours and the replies at their stops are read from the
 * conversation document and the tour session; recording, changing and publishing follow what this
 * person may do now (mayRecordTours), a reply at a stop what they may do about replying.
 */
import { useEffect, useId, useState, type ReactNode } from 'react'
import { useValue, type TLShapeId } from 'tldraw'
import { THREADS_MAP } from '../../shared/board/docLayout'
import { addReply, readThread } from '../../shared/board/boardModel'
import { MAX_REPLY_TEXT_LENGTH } from '../../shared/board/vocabulary'
import { openThread } from '../conversation'
import { anchorForShape } from '../conversation/anchors'
import {
  MAX_STOP_NOTE_LENGTH,
  MAX_TOUR_TITLE_LENGTH,
  TOURS_MAP,
  getTourTitleText,
  moveStop,
  readTour,
  removeStop,
  setStopNote,
  setTourPublished,
  setTourTitle,
  stopReplyAnchor,
  toursVisibleTo,
  type TourData,
} from './tourModel'
import { useMay } from '../board/useMay'
import { activeTourSession, type TourActivity, type TourSession } from './tourSession'
import { useDocVersion } from './useDocVersion'
import './tours.css'

const WATCHED_MAPS = [TOURS_MAP, THREADS_MAP]

/** The Tours panel's id in the dock. */
export const TOURS_PANEL_ID = 'tours'

export function ToursOverlay() {
  const session = useValue('tour session', () => activeTourSession.get(), [])
  return session ? <ToursUi session={session} /> : null
}

function ToursUi({ session }: { session: TourSession }) {
  const { board } = session
  useDocVersion(board.conversationDoc, WATCHED_MAPS)
  const activity = useValue('tour activity', () => session.activity.get(), [session])
  const presentations = useValue('tour presentations', () => session.presentations.get(), [session])
  const endedNotice = useValue('tour ended notice', () => session.endedNotice.get(), [session])

  const followedClient = activity?.mode === 'following' ? activity.presenterClientId : null
  const offers = presentations.filter((p) => p.clientId !== followedClient)

  return (
    <div className="tt-tours" data-testid="tours">
      <div className="tt-tours__dock">
        {activity ? <ActivityCard session={session} activity={activity} /> : null}
        {offers.map((presentation) => {
          const tour = readTour(board.conversationDoc, presentation.tourId)
          return (
            <div key={presentation.clientId} className="tt-tours__notice" role="status" data-testid="tour-live-offer">
              <span className="tt-tours__dot" style={{ background: presentation.color }} aria-hidden />
              <span className="tt-tours__notice-text">
                {presentation.name} is presenting a tour{tour ? ` “${tour.title}”` : ''}
              </span>
              <button type="button" className="tt-tours__button tt-tours__button--primary" onClick={() => session.follow(presentation.clientId)}>
                Follow
              </button>
            </div>
          )
        })}
        {endedNotice && !activity ? (
          <div className="tt-tours__notice" role="status" data-testid="tour-ended">
            <span className="tt-tours__notice-text">{endedNotice}</span>
            <button type="button" className="tt-tours__button" onClick={() => session.endedNotice.set(null)}>
              Dismiss
            </button>
          </div>
        ) : null}
      </div>
    </div>
  )
}

function Card({ label, children, testId }: { label: string; children: ReactNode; testId: string }) {
  return (
    <section className="tt-tours__card" aria-label={label} data-testid={testId}>
      {children}
    </section>
  )
}

/** The Tours panel's body in the dock: the list of tours, and recording one. */
export function ToursPanelBody() {
  const session = useValue('tour session', () => activeTourSession.get(), [])
  return session ? <ToursList session={session} /> : null
}

function ToursList({ session }: { session: TourSession }) {
  const { board } = session
  useDocVersion(board.conversationDoc, WATCHED_MAPS)
  const activity = useValue('tour activity', () => session.activity.get(), [session])
  const me = board.getMe()
  const tours = toursVisibleTo(board.conversationDoc, me.id)
  const mayRecord = useMay('reply')
  // Recording, playing or presenting takes over from the list until it ends: its card is on the right.
  if (activity) {
    return (
      <div className="tt-tours__panel" data-testid="tours-busy">
        <p className="tt-tours__muted" role="status">
          {activity.mode === 'recording' ? 'You are recording a tour' : 'A tour is under way'}: its card is at the right. The list is back when it ends.
        </p>
      </div>
    )
  }
  return (
    <div className="tt-tours__panel" data-testid="tours-list">
      {mayRecord ? (
        <button type="button" className="tt-tours__button tt-tours__button--primary tt-tours__wide" onClick={() => session.startRecording()}>
          Record a tour
        </button>
      ) : null}
      {tours.length === 0 ? (
        <p className="tt-tours__muted">No tours yet.</p>
      ) : (
        <ul className="tt-tours__list">
          {tours.map((tour) => (
            <TourListItem key={tour.id} session={session} tour={tour} mine={tour.author?.id === me.id} />
          ))}
        </ul>
      )}
    </div>
  )
}

function TourListItem({ session, tour, mine }: { session: TourSession; tour: TourData; mine: boolean }) {
  const { board } = session
  const mayRecord = useMay('reply')
  const canChange = mayRecord && mine
  const empty = tour.stops.length === 0
  return (
    <li className="tt-tours__item" data-testid="tour-item" data-tour-id={tour.id}>
      <div className="tt-tours__item-title">
        <span>{tour.title}</span>
        {!tour.published ? <span className="tt-tours__badge">Draft</span> : null}
      </div>
      <div className="tt-tours__muted">
        {tour.author ? `by ${tour.author.name} · ` : ''}
        {tour.stops.length === 1 ? '1 stop' : `${tour.stops.length} stops`}
      </div>
      <div className="tt-tours__actions">
        <button type="button" className="tt-tours__button" disabled={empty} onClick={() => session.play(tour.id)} aria-label={`Play ${tour.title}`}>
          Play
        </button>
        {board.canEdit ? (
          <button
            type="button"
            className="tt-tours__button"
            disabled={empty}
            onClick={() => session.present(tour.id)}
            aria-label={`Present ${tour.title} live`}
          >
            Present live
          </button>
        ) : null}
        {canChange ? (
          <>
            <button type="button" className="tt-tours__button" onClick={() => session.editTour(tour.id)} aria-label={`Edit ${tour.title}`}>
              Edit
            </button>
            <button
              type="button"
              className="tt-tours__button"
              disabled={empty && !tour.published}
              onClick={() => setTourPublished(board.conversationDoc, tour.id, !tour.published)}
              aria-label={`${tour.published ? 'Unpublish' : 'Publish'} ${tour.title}`}
            >
              {tour.published ? 'Unpublish' : 'Publish'}
            </button>
          </>
        ) : null}
      </div>
    </li>
  )
}

function ActivityCard({ session, activity }: { session: TourSession; activity: TourActivity }) {
  const tour = readTour(session.board.conversationDoc, activity.tourId)
  if (!tour) {
    return (
      <Card label="Tour" testId="tour-player">
        <p className="tt-tours__muted">This tour was deleted.</p>
        <button type="button" className="tt-tours__button" onClick={() => session.close()}>
          Close
        </button>
      </Card>
    )
  }
  if (activity.mode === 'recording') return <Recorder session={session} tour={tour} />
  return <Player session={session} tour={tour} activity={activity} />
}

/**
 * A text field bound to a shared text: shows what the document holds unless the person is typing
 * in it, and writes every change through (as a minimal edit, so others' concurrent edits survive).
 */
function SharedTextField({
  value,
  onChange,
  label,
  maxLength,
  multiline,
  testId,
}: {
  value: string
  onChange: (next: string) => void
  label: string
  maxLength: number
  multiline?: boolean
  testId?: string
}) {
  const [draft, setDraft] = useState(value)
  const [focused, setFocused] = useState(false)
  useEffect(() => {
    if (!focused) setDraft(value)
  }, [value, focused])
  const props = {
    className: 'tt-tours__field',
    value: draft,
    maxLength,
    'aria-label': label,
    'data-testid': testId,
    onFocus: () => setFocused(true),
    onBlur: () => setFocused(false),
    onChange: (event: { target: { value: string } }) => {
      setDraft(event.target.value)
      onChange(event.target.value)
    },
  }
  return multiline ? <textarea rows={2} {...props} /> : <input type="text" {...props} />
}

function Recorder({ session, tour }: { session: TourSession; tour: TourData }) {
  const { board } = session
  const [note, setNote] = useState('')
  const noteId = useId()
  const titleText = getTourTitleText(board.conversationDoc, tour.id)?.toString() ?? ''
  const addStop = () => {
    if (session.captureStop(note.trim())) setNote('')
  }
  return (
    <Card label="Record a tour" testId="tour-recorder">
      <header className="tt-tours__header">
        <h2 className="tt-tours__title">Recording a tour</h2>
      </header>
      <SharedTextField
        value={titleText}
        onChange={(next) => setTourTitle(board.conversationDoc, tour.id, next)}
        label="Tour title"
        maxLength={MAX_TOUR_TITLE_LENGTH}
        testId="tour-title-input"
      />
      <ol className="tt-tours__stops">
        {tour.stops.map((stop, index) => (
          <li key={stop.id} className="tt-tours__stop" data-testid="tour-stop">
            <div className="tt-tours__stop-head">
              <span className="tt-tours__stop-number">Stop {index + 1}</span>
              <span className="tt-tours__muted">{stop.shapeIds.length === 0 ? 'view only' : `${stop.shapeIds.length} highlighted`}</span>
              <span className="tt-tours__stop-actions">
                <button
                  type="button"
                  className="tt-tours__icon-button"
                  aria-label={`Move stop ${index + 1} up`}
                  disabled={index === 0}
                  onClick={() => moveStop(board.conversationDoc, tour.id, stop.id, index - 1)}
                >
                  ↑
                </button>
                <button
                  type="button"
                  className="tt-tours__icon-button"
                  aria-label={`Move stop ${index + 1} down`}
                  disabled={index === tour.stops.length - 1}
                  onClick={() => moveStop(board.conversationDoc, tour.id, stop.id, index + 1)}
                >
                  ↓
                </button>
                <button
                  type="button"
                  className="tt-tours__icon-button"
                  aria-label={`Delete stop ${index + 1}`}
                  onClick={() => removeStop(board.conversationDoc, tour.id, stop.id)}
                >
                  ×
                </button>
              </span>
            </div>
            <SharedTextField
              value={stop.note}
              onChange={(next) => setStopNote(board.conversationDoc, tour.id, stop.id, next)}
              label={`Note for stop ${index + 1}`}
              maxLength={MAX_STOP_NOTE_LENGTH}
              multiline
            />
          </li>
        ))}
      </ol>
      <label className="tt-tours__muted" htmlFor={noteId}>
        Move the view and select the cards to highlight, then add a stop.
      </label>
      <textarea
        id={noteId}
        className="tt-tours__field"
        rows={2}
        value={note}
        maxLength={MAX_STOP_NOTE_LENGTH}
        placeholder="A short note for this stop"
        data-testid="tour-new-stop-note"
        onChange={(event) => setNote(event.target.value)}
      />
      <div className="tt-tours__actions">
        <button type="button" className="tt-tours__button tt-tours__button--primary" onClick={addStop} data-testid="tour-add-stop">
          Add stop
        </button>
        <label className="tt-tours__check">
          <input
            type="checkbox"
            checked={tour.published}
            disabled={tour.stops.length === 0 && !tour.published}
            onChange={(event) => setTourPublished(board.conversationDoc, tour.id, event.target.checked)}
          />
          Published
        </label>
      </div>
      <div className="tt-tours__actions tt-tours__actions--end">
        <button type="button" className="tt-tours__button" onClick={() => session.discardRecording()}>
          Delete tour
        </button>
        <button type="button" className="tt-tours__button tt-tours__button--primary" onClick={() => session.finishRecording()} data-testid="tour-save">
          Save
        </button>
      </div>
    </Card>
  )
}

function Player({ session, tour, activity }: { session: TourSession; tour: TourData; activity: Exclude<TourActivity, { mode: 'recording' }> }) {
  const { editor } = session
  const stop = tour.stops[activity.stopIndex]
  const canNavigate = activity.mode !== 'following'
  const anchor = stop ? stopReplyAnchor(stop, (shapeId) => anchorForShape(editor.getShape(shapeId as TLShapeId))) : null
  const modeLabel =
    activity.mode === 'following'
      ? `Following ${activity.presenterName}`
      : activity.mode === 'presenting'
        ? 'Presenting live'
        : tour.author
          ? `A tour by ${tour.author.name}`
          : 'A tour'
  const closeLabel = activity.mode === 'following' ? 'Stop following' : activity.mode === 'presenting' ? 'End presentation' : 'Close tour'
  return (
    <Card label={`Tour: ${tour.title}`} testId="tour-player">
      <header className="tt-tours__header">
        <div>
          <h2 className="tt-tours__title">{tour.title}</h2>
          <div className="tt-tours__muted" data-testid="tour-player-mode">
            {modeLabel}
          </div>
        </div>
        <span className="tt-tours__position" data-testid="tour-stop-position" aria-live="polite">
          Stop {Math.min(activity.stopIndex + 1, tour.stops.length)} of {tour.stops.length}
        </span>
      </header>
      {stop ? (
        <p className="tt-tours__note" data-testid="tour-stop-note">
          {stop.note || <span className="tt-tours__muted">No note at this stop.</span>}
        </p>
      ) : (
        <p className="tt-tours__muted">This stop was removed.</p>
      )}
      {anchor && activity.mode !== 'presenting' ? <StopReplies session={session} anchorId={anchor} /> : null}
      <div className="tt-tours__actions tt-tours__actions--end">
        {canNavigate ? (
          <>
            <button
              type="button"
              className="tt-tours__button"
              disabled={activity.stopIndex <= 0}
              onClick={() => session.goToStop(activity.stopIndex - 1)}
              data-testid="tour-previous"
            >
              Previous
            </button>
            <button
              type="button"
              className="tt-tours__button tt-tours__button--primary"
              disabled={activity.stopIndex >= tour.stops.length - 1}
              onClick={() => session.goToStop(activity.stopIndex + 1)}
              data-testid="tour-next"
            >
              Next
            </button>
          </>
        ) : null}
        <button type="button" className="tt-tours__button" onClick={() => session.close()} data-testid="tour-close">
          {closeLabel}
        </button>
      </div>
    </Card>
  )
}

function StopReplies({ session, anchorId }: { session: TourSession; anchorId: string }) {
  const { board } = session
  const [text, setText] = useState('')
  const replyId = useId()
  const replies = (readThread(board.conversationDoc, anchorId)?.replies ?? []).filter((reply) => !reply.deleted)
  const mayReply = useMay('reply')
  const send = () => {
    const trimmed = text.trim()
    if (!trimmed || !board.permissions.may('reply')) return
    addReply(board.conversationDoc, anchorId, { author: board.getMe(), text: trimmed, now: Date.now() })
    setText('')
  }
  return (
    <div className="tt-tours__replies" data-testid="tour-stop-replies">
      <div className="tt-tours__replies-head">
        <span className="tt-tours__muted">{replies.length === 1 ? '1 reply here' : `${replies.length} replies here`}</span>
        <button type="button" className="tt-tours__link" onClick={() => openThread(anchorId)}>
          Open thread
        </button>
      </div>
      {replies.length > 0 ? (
        <ul className="tt-tours__reply-list">
          {replies.map((reply) => (
            <li key={reply.id} className="tt-tours__reply" data-testid="tour-stop-reply">
              <span className="tt-tours__reply-author" style={{ color: reply.author.color }}>
                {reply.author.name}
              </span>{' '}
              <span>{reply.text}</span>
            </li>
          ))}
        </ul>
      ) : null}
      {mayReply ? (
        <form
          className="tt-tours__reply-form"
          onSubmit={(event) => {
            event.preventDefault()
            send()
          }}
        >
          <label htmlFor={replyId} className="tt-tours__visually-hidden">
            Reply at this stop
          </label>
          <textarea
            id={replyId}
            className="tt-tours__field"
            rows={2}
            value={text}
            maxLength={MAX_REPLY_TEXT_LENGTH}
            placeholder="Reply at this stop"
            data-testid="tour-reply-input"
            onChange={(event) => setText(event.target.value)}
            onKeyDown={(event) => {
              if (event.key === 'Enter' && (event.metaKey || event.ctrlKey)) {
                event.preventDefault()
                send()
              }
            }}
          />
          <button type="submit" className="tt-tours__button tt-tours__button--primary" disabled={!text.trim()} data-testid="tour-reply-send">
            Reply
          </button>
        </form>
      ) : null}
    </div>
  )
}
