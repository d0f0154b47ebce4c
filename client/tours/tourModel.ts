/**
 * Guided tours in the conversation document, as pure operations on a Y.Doc: a tour is a titled
 * sequence of stops, each a view of the board (page bounds and page) with highlighted shapes and
 * a short note. Members write tours while they may write the conversation; everybody reads
 * them. The UI changes tours only through these functions, and unit tests exercise them with
 * plain Y.Docs.
 *
 * Layout (a Y.Map at the document root):
 * - `tours`: tourId -> Y.Map { title: Y.Text, author: Person, createdAt, published: boolean,
 *   stops: Y.Array<Y.Map { id, note: Y.Text, x, y, w, h, pageId, shapeIds: string[] }> }.
 *
 * Titles and notes live in Y.Texts, so two people editing them at once both keep their work.
 * Replies at a stop are not stored here: they are thread replies on the stop's first highlighted
 * card or link (see `stopReplyAnchor` and boardModel's addReply).
 *
 * @example
 *   const tourId = createTour(doc, { title: 'How I see it', author: me, now: Date.now() })
 *   addStop(doc, tourId, { note: 'Start here', x: 0, y: 0, w: 1280, h: 800, pageId: 'page:page', shapeIds: [] })
 *   setTourPublished(doc, tourId, true)
 */
import * as Y from 'yjs'
import { cleanText, replaceText, type Person } from '../../shared/board/boardModel'
import { TOURS_MAP } from '../../shared/board/docLayout'

export { TOURS_MAP }
export const MAX_TOUR_TITLE_LENGTH = 120
export const MAX_STOP_NOTE_LENGTH = 1000
export const MAX_STOPS_PER_TOUR = 50
export const MAX_SHAPES_PER_STOP = 50
export const UNTITLED_TOUR = 'Untitled tour'

export interface TourStopData {
  id: string
  note: string
  x: number
  y: number
  w: number
  h: number
  pageId: string
  shapeIds: string[]
}

export interface TourData {
  id: string
  title: string
  author: Person | null
  createdAt: number
  published: boolean
  stops: TourStopData[]
}

/** What a new stop holds, as captured from the editor's view. */
export type NewStop = Omit<TourStopData, 'id'> & { id?: string }

function randomId(prefix: string): string {
  const bytes = new Uint8Array(12)
  globalThis.crypto.getRandomValues(bytes)
  return prefix + Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('')
}

export const newTourId = () => randomId('tour:')
export const newStopId = () => randomId('stop:')

const tours = (doc: Y.Doc) => doc.getMap<Y.Map<unknown>>(TOURS_MAP)

function tourMap(doc: Y.Doc, tourId: string): Y.Map<unknown> | null {
  const map = tours(doc).get(tourId)
  return map instanceof Y.Map ? map : null
}

function stopsOf(tour: Y.Map<unknown> | null): Y.Array<Y.Map<unknown>> | null {
  const stops = tour?.get('stops')
  return stops instanceof Y.Array ? (stops as Y.Array<Y.Map<unknown>>) : null
}

function asPerson(value: unknown): Person | null {
  if (!value || typeof value !== 'object') return null
  const { id, name, color } = value as Record<string, unknown>
  if (typeof id !== 'string' || typeof name !== 'string' || typeof color !== 'string') return null
  return { id, name, color }
}

function finite(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback
}

function cleanShapeIds(shapeIds: readonly unknown[]): string[] {
  return [...new Set(shapeIds.filter((id): id is string => typeof id === 'string' && id.startsWith('shape:')))].slice(0, MAX_SHAPES_PER_STOP)
}

function stopToMap(stop: NewStop, note: string): Y.Map<unknown> {
  const map = new Y.Map<unknown>()
  map.set('id', stop.id ?? newStopId())
  map.set('note', new Y.Text(cleanText(note, MAX_STOP_NOTE_LENGTH)))
  map.set('x', finite(stop.x, 0))
  map.set('y', finite(stop.y, 0))
  map.set('w', Math.max(1, finite(stop.w, 1)))
  map.set('h', Math.max(1, finite(stop.h, 1)))
  map.set('pageId', stop.pageId)
  map.set('shapeIds', cleanShapeIds(stop.shapeIds))
  return map
}

function readStop(map: Y.Map<unknown>): TourStopData | null {
  const id = map.get('id')
  const pageId = map.get('pageId')
  if (typeof id !== 'string' || typeof pageId !== 'string') return null
  const note = map.get('note')
  const shapeIds = map.get('shapeIds')
  return {
    id,
    note: note instanceof Y.Text ? note.toString() : '',
    x: finite(map.get('x'), 0),
    y: finite(map.get('y'), 0),
    w: Math.max(1, finite(map.get('w'), 1)),
    h: Math.max(1, finite(map.get('h'), 1)),
    pageId,
    shapeIds: Array.isArray(shapeIds) ? cleanShapeIds(shapeIds) : [],
  }
}

function indexOfStop(stops: Y.Array<Y.Map<unknown>>, stopId: string): number {
  let index = 0
  for (const stop of stops) {
    if (stop.get('id') === stopId) return index
    index++
  }
  return -1
}

// ---------------------------------------------------------------------------------------------
// Tours

export function createTour(doc: Y.Doc, tour: { id?: string; title: string; author: Person; now: number }): string {
  const id = tour.id ?? newTourId()
  doc.transact(() => {
    const map = new Y.Map<unknown>()
    map.set('title', new Y.Text(cleanText(tour.title, MAX_TOUR_TITLE_LENGTH)))
    map.set('author', { id: tour.author.id, name: tour.author.name, color: tour.author.color })
    map.set('createdAt', tour.now)
    map.set('published', false)
    map.set('stops', new Y.Array<Y.Map<unknown>>())
    tours(doc).set(id, map)
  })
  return id
}

export function readTour(doc: Y.Doc, tourId: string): TourData | null {
  const map = tourMap(doc, tourId)
  if (!map) return null
  const title = map.get('title')
  const stops = stopsOf(map)
  return {
    id: tourId,
    title: (title instanceof Y.Text ? title.toString() : '').trim() || UNTITLED_TOUR,
    author: asPerson(map.get('author')),
    createdAt: finite(map.get('createdAt'), 0),
    published: map.get('published') === true,
    stops: stops
      ? stops
          .toArray()
          .map(readStop)
          .filter((stop): stop is TourStopData => stop !== null)
      : [],
  }
}

/** Every tour, oldest first. */
export function listTours(doc: Y.Doc): TourData[] {
  return [...tours(doc).keys()]
    .map((id) => readTour(doc, id))
    .filter((tour): tour is TourData => tour !== null)
    .sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id))
}

/** The tours a person sees in the list: everything published, and their own drafts. */
export function toursVisibleTo(doc: Y.Doc, personId: string): TourData[] {
  return listTours(doc).filter((tour) => tour.published || tour.author?.id === personId)
}

export function getTourTitleText(doc: Y.Doc, tourId: string): Y.Text | null {
  const title = tourMap(doc, tourId)?.get('title')
  return title instanceof Y.Text ? title : null
}

export function setTourTitle(doc: Y.Doc, tourId: string, title: string): void {
  const text = getTourTitleText(doc, tourId)
  if (text) replaceText(text, cleanText(title, MAX_TOUR_TITLE_LENGTH))
}

export function setTourPublished(doc: Y.Doc, tourId: string, published: boolean): void {
  const map = tourMap(doc, tourId)
  if (map && map.get('published') !== published) map.set('published', published)
}

export function deleteTour(doc: Y.Doc, tourId: string): void {
  tours(doc).delete(tourId)
}

// ---------------------------------------------------------------------------------------------
// Stops

/** Appends a stop (or inserts it at `index`); returns its id, or null when the tour is gone or full. */
export function addStop(doc: Y.Doc, tourId: string, stop: NewStop, index?: number): string | null {
  const stops = stopsOf(tourMap(doc, tourId))
  if (!stops || stops.length >= MAX_STOPS_PER_TOUR) return null
  const map = stopToMap(stop, stop.note)
  const at = index === undefined ? stops.length : Math.max(0, Math.min(stops.length, index))
  doc.transact(() => stops.insert(at, [map]))
  return map.get('id') as string
}

export function removeStop(doc: Y.Doc, tourId: string, stopId: string): void {
  const stops = stopsOf(tourMap(doc, tourId))
  const index = stops ? indexOfStop(stops, stopId) : -1
  if (stops && index >= 0) stops.delete(index, 1)
}

/**
 * Moves a stop to another place in the tour. Yjs arrays cannot move an item, so the stop is
 * re-inserted as a copy with the same id; a note edit someone makes in the very same moment may
 * be lost.
 */
export function moveStop(doc: Y.Doc, tourId: string, stopId: string, toIndex: number): void {
  const stops = stopsOf(tourMap(doc, tourId))
  if (!stops) return
  const from = indexOfStop(stops, stopId)
  if (from < 0) return
  const to = Math.max(0, Math.min(stops.length - 1, toIndex))
  if (to === from) return
  const stop = readStop(stops.get(from))
  if (!stop) return
  doc.transact(() => {
    stops.delete(from, 1)
    stops.insert(to, [stopToMap(stop, stop.note)])
  })
}

export function getStopNoteText(doc: Y.Doc, tourId: string, stopId: string): Y.Text | null {
  const stops = stopsOf(tourMap(doc, tourId))
  const index = stops ? indexOfStop(stops, stopId) : -1
  const note = index >= 0 ? stops!.get(index).get('note') : null
  return note instanceof Y.Text ? note : null
}

export function setStopNote(doc: Y.Doc, tourId: string, stopId: string, note: string): void {
  const text = getStopNoteText(doc, tourId, stopId)
  if (text) replaceText(text, cleanText(note, MAX_STOP_NOTE_LENGTH))
}

/**
 * Where replies at a stop go: the thread of the stop's first highlighted shape that can carry a
 * thread (a card's id, or a link's shape id), found with `anchorForShape`; null when none can.
 */
export function stopReplyAnchor(stop: TourStopData, anchorForShape: (shapeId: string) => string | null): string | null {
  for (const shapeId of stop.shapeIds) {
    const anchor = anchorForShape(shapeId)
    if (anchor) return anchor
  }
  return null
}

// ---------------------------------------------------------------------------------------------
// Live presentation (awareness)

/** The awareness field a presenter publishes: which tour, and which stop it is at. */
export const TOUR_AWARENESS_FIELD = 'tour'

export interface LiveTourState {
  tourId: string
  stopIndex: number
}

/** Reads a presenter's awareness field, which comes from other clients and is checked here. */
export function parseLiveTourState(value: unknown): LiveTourState | null {
  if (!value || typeof value !== 'object') return null
  const { tourId, stopIndex } = value as Record<string, unknown>
  if (typeof tourId !== 'string' || !tourId.startsWith('tour:')) return null
  if (typeof stopIndex !== 'number' || !Number.isInteger(stopIndex) || stopIndex < 0) return null
  return { tourId, stopIndex }
}
