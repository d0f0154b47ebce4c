/**
 * The tours of one open board, in this tab: what the person is doing with a tour (recording,
 * playing on their own, presenting live, following someone's presentation), who else is
 * presenting (read from awareness), and moving the camera and tldraw's hint outline to a stop.
 * Created by `registerTours` when the editor mounts; the overlay reads it through the
 * `activeTourSession` atom.
 */
import { atom, Box, type Atom, type Editor, type TLPageId, type TLShapeId } from 'tldraw'
import type { BoardContextValue } from '../board/boardContext'
import { TOUR_AWARENESS_FIELD, UNTITLED_TOUR, addStop, createTour, deleteTour, parseLiveTourState, readTour, type TourStopData } from './tourModel'

export type TourActivity =
  | { readonly mode: 'recording'; readonly tourId: string }
  | { readonly mode: 'playing'; readonly tourId: string; readonly stopIndex: number }
  | { readonly mode: 'presenting'; readonly tourId: string; readonly stopIndex: number }
  | {
      readonly mode: 'following'
      readonly presenterClientId: number
      readonly presenterName: string
      readonly tourId: string
      readonly stopIndex: number
    }

/** Someone else presenting a tour right now. */
export interface LivePresentation {
  readonly clientId: number
  readonly name: string
  readonly color: string
  readonly tourId: string
  readonly stopIndex: number
}

export interface TourSession {
  readonly editor: Editor
  readonly board: BoardContextValue
  readonly activity: Atom<TourActivity | null>
  readonly presentations: Atom<readonly LivePresentation[]>
  /** Set when a presentation this tab followed ended, until the person dismisses it. */
  readonly endedNotice: Atom<string | null>
  startRecording(): string | null
  /** Captures the current view and selection as a new stop of the tour being recorded. */
  captureStop(note: string): string | null
  finishRecording(): void
  discardRecording(): void
  editTour(tourId: string): void
  play(tourId: string): void
  present(tourId: string): void
  follow(presenterClientId: number): void
  goToStop(stopIndex: number): void
  close(): void
  dispose(): void
}

export const activeTourSession = atom<TourSession | null>('active tour session', null)

/**
 * Whether this person may record, change and publish tours now. Tours live in the conversation
 * document beside the threads they lead to, and follow what the phase says about replying.
 */
export function mayRecordTours(board: BoardContextValue): boolean {
  return board.permissions.may('reply')
}

function readPresentations(board: BoardContextValue): LivePresentation[] {
  const result: LivePresentation[] = []
  for (const [clientId, state] of board.awareness.getStates()) {
    if (clientId === board.awareness.clientID) continue
    const live = parseLiveTourState((state as Record<string, unknown>)[TOUR_AWARENESS_FIELD])
    if (!live) continue
    const presence = (state as { presence?: { userName?: unknown; color?: unknown } | null }).presence
    result.push({
      clientId,
      name: typeof presence?.userName === 'string' && presence.userName ? presence.userName : 'Someone',
      color: typeof presence?.color === 'string' ? presence.color : 'currentColor',
      ...live,
    })
  }
  return result.sort((a, b) => a.clientId - b.clientId)
}

/** Moves the camera to a stop's view and outlines its highlighted shapes with tldraw's hint. */
export function showStop(editor: Editor, stop: TourStopData): void {
  if (editor.getInstanceState().followingUserId) editor.stopFollowingUser()
  const pageId = stop.pageId as TLPageId
  if (pageId !== editor.getCurrentPageId() && editor.getPage(pageId)) editor.setCurrentPage(pageId)
  editor.zoomToBounds(new Box(stop.x, stop.y, stop.w, stop.h), { inset: 0, animation: { duration: 320 } })
  editor.setHintingShapes(stop.shapeIds.filter((id) => editor.getShape(id as TLShapeId)) as TLShapeId[])
}

export function createTourSession(editor: Editor, board: BoardContextValue): TourSession {
  const activity = atom<TourActivity | null>('tour activity', null)
  const presentations = atom<readonly LivePresentation[]>('tour presentations', readPresentations(board))
  const endedNotice = atom<string | null>('tour ended notice', null)

  const mayRecord = () => mayRecordTours(board)

  const publishLive = (live: { tourId: string; stopIndex: number } | null) => {
    // Awareness listeners may run tldraw updates; never publish from inside a tldraw reaction.
    queueMicrotask(() => board.awareness.setLocalStateField(TOUR_AWARENESS_FIELD, live))
  }

  const showStopOf = (tourId: string, stopIndex: number) => {
    const stop = readTour(board.conversationDoc, tourId)?.stops[stopIndex]
    if (stop) showStop(editor, stop)
    else editor.setHintingShapes([])
  }

  const setActivity = (next: TourActivity | null) => {
    const previous = activity.get()
    activity.set(next)
    if (previous?.mode === 'presenting' && next?.mode !== 'presenting') publishLive(null)
    if (next?.mode === 'presenting') publishLive({ tourId: next.tourId, stopIndex: next.stopIndex })
    if (!next || next.mode === 'recording') editor.setHintingShapes([])
    else showStopOf(next.tourId, next.stopIndex)
  }

  const onAwarenessChange = () => {
    const live = readPresentations(board)
    presentations.set(live)
    const current = activity.get()
    if (current?.mode !== 'following') return
    const presenter = live.find((p) => p.clientId === current.presenterClientId)
    if (!presenter) {
      setActivity(null)
      endedNotice.set(`${current.presenterName} ended the tour.`)
      return
    }
    if (presenter.tourId !== current.tourId || presenter.stopIndex !== current.stopIndex) {
      setActivity({ ...current, tourId: presenter.tourId, stopIndex: presenter.stopIndex })
    }
  }
  board.awareness.on('change', onAwarenessChange)

  const session: TourSession = {
    editor,
    board,
    activity,
    presentations,
    endedNotice,
    startRecording() {
      if (!mayRecord()) return null
      const tourId = createTour(board.conversationDoc, { title: UNTITLED_TOUR, author: board.getMe(), now: Date.now() })
      setActivity({ mode: 'recording', tourId })
      return tourId
    },
    captureStop(note) {
      const current = activity.get()
      if (current?.mode !== 'recording' || !mayRecord()) return null
      const view = editor.getViewportPageBounds()
      return addStop(board.conversationDoc, current.tourId, {
        note,
        x: view.x,
        y: view.y,
        w: view.w,
        h: view.h,
        pageId: editor.getCurrentPageId(),
        shapeIds: editor.getSelectedShapeIds(),
      })
    },
    finishRecording() {
      if (activity.get()?.mode === 'recording') setActivity(null)
    },
    discardRecording() {
      const current = activity.get()
      if (current?.mode !== 'recording') return
      deleteTour(board.conversationDoc, current.tourId)
      setActivity(null)
    },
    editTour(tourId) {
      if (mayRecord() && readTour(board.conversationDoc, tourId)) setActivity({ mode: 'recording', tourId })
    },
    play(tourId) {
      endedNotice.set(null)
      if (readTour(board.conversationDoc, tourId)) setActivity({ mode: 'playing', tourId, stopIndex: 0 })
    },
    present(tourId) {
      endedNotice.set(null)
      if (board.canEdit && readTour(board.conversationDoc, tourId)) setActivity({ mode: 'presenting', tourId, stopIndex: 0 })
    },
    follow(presenterClientId) {
      endedNotice.set(null)
      const presenter = presentations.get().find((p) => p.clientId === presenterClientId)
      if (!presenter) return
      setActivity({ mode: 'following', presenterClientId, presenterName: presenter.name, tourId: presenter.tourId, stopIndex: presenter.stopIndex })
    },
    goToStop(stopIndex) {
      const current = activity.get()
      if (current?.mode !== 'playing' && current?.mode !== 'presenting') return
      const count = readTour(board.conversationDoc, current.tourId)?.stops.length ?? 0
      if (stopIndex < 0 || stopIndex >= count) return
      setActivity({ ...current, stopIndex })
    },
    close() {
      setActivity(null)
    },
    dispose() {
      board.awareness.off('change', onAwarenessChange)
      if (activity.get()?.mode === 'presenting') board.awareness.setLocalStateField(TOUR_AWARENESS_FIELD, null)
      activity.set(null)
    },
  }
  return session
}
