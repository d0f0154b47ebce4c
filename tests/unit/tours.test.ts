/**
 * Guided tours in the canvas document (client/tours/tourModel.ts): a tour's title, author and
 * stops, reordering and deleting stops, notes that merge concurrent edits, publishing, who sees
 * which tour, where replies at a stop go, and the live presenter's awareness field.
 */
import { describe, expect, test } from 'vitest'
import * as Y from 'yjs'
import {
  MAX_STOPS_PER_TOUR,
  addStop,
  createTour,
  deleteTour,
  getStopNoteText,
  listTours,
  moveStop,
  parseLiveTourState,
  readTour,
  removeStop,
  setStopNote,
  setTourPublished,
  setTourTitle,
  stopReplyAnchor,
  toursVisibleTo,
  type NewStop,
} from '../../client/tours/tourModel'

const ada = { id: 'user-ada', name: 'Ada', color: '#d9480f' }
const bea = { id: 'user-bea', name: 'Bea', color: '#1971c2' }

function stop(note: string, shapeIds: string[] = []): NewStop {
  return { note, x: 10, y: 20, w: 1280, h: 800, pageId: 'page:page', shapeIds }
}

function sync(a: Y.Doc, b: Y.Doc): void {
  Y.applyUpdate(b, Y.encodeStateAsUpdate(a))
  Y.applyUpdate(a, Y.encodeStateAsUpdate(b))
}

describe('tour model', () => {
  test('a new tour is an unpublished draft by its author with no stops', () => {
    const doc = new Y.Doc()
    const id = createTour(doc, { title: 'How I see it', author: ada, now: 1000 })
    expect(id).toMatch(/^tour:[0-9a-f]{24}$/)
    expect(readTour(doc, id)).toEqual({ id, title: 'How I see it', author: ada, createdAt: 1000, published: false, stops: [] })
    expect(doc.getMap('tours').get(id)).toBeInstanceOf(Y.Map)
  })

  test('stops keep their view, page and highlighted shapes, in order', () => {
    const doc = new Y.Doc()
    const id = createTour(doc, { title: 't', author: ada, now: 1 })
    const first = addStop(doc, id, stop('Start here', ['shape:a', 'shape:b']))
    addStop(doc, id, stop('Then this'))
    const tour = readTour(doc, id)!
    expect(tour.stops.map((s) => s.note)).toEqual(['Start here', 'Then this'])
    expect(tour.stops[0]).toEqual({ id: first, note: 'Start here', x: 10, y: 20, w: 1280, h: 800, pageId: 'page:page', shapeIds: ['shape:a', 'shape:b'] })
  })

  test('highlighted ids that are not shapes, and duplicates, are dropped', () => {
    const doc = new Y.Doc()
    const id = createTour(doc, { title: 't', author: ada, now: 1 })
    addStop(doc, id, stop('x', ['shape:a', 'card:zzz', 'shape:a']))
    expect(readTour(doc, id)!.stops[0].shapeIds).toEqual(['shape:a'])
  })

  test('stops can be reordered and deleted; a moved stop keeps its id and note', () => {
    const doc = new Y.Doc()
    const id = createTour(doc, { title: 't', author: ada, now: 1 })
    const [a, b, c] = ['A', 'B', 'C'].map((note) => addStop(doc, id, stop(note, [`shape:${note}`]))!)
    moveStop(doc, id, c, 0)
    expect(readTour(doc, id)!.stops.map((s) => s.note)).toEqual(['C', 'A', 'B'])
    moveStop(doc, id, c, 99)
    expect(readTour(doc, id)!.stops.map((s) => [s.id, s.note, s.shapeIds[0]])).toEqual([
      [a, 'A', 'shape:A'],
      [b, 'B', 'shape:B'],
      [c, 'C', 'shape:C'],
    ])
    removeStop(doc, id, b)
    expect(readTour(doc, id)!.stops.map((s) => s.note)).toEqual(['A', 'C'])
  })

  test('a tour holds at most MAX_STOPS_PER_TOUR stops', () => {
    const doc = new Y.Doc()
    const id = createTour(doc, { title: 't', author: ada, now: 1 })
    for (let i = 0; i < MAX_STOPS_PER_TOUR; i++) expect(addStop(doc, id, stop(String(i)))).not.toBeNull()
    expect(addStop(doc, id, stop('one too many'))).toBeNull()
  })

  test('two people editing the same note at once both keep their words (Y.Text)', () => {
    const left = new Y.Doc()
    const right = new Y.Doc()
    const id = createTour(left, { title: 'Shared', author: ada, now: 1 })
    const stopId = addStop(left, id, stop('The handover matters'))!
    sync(left, right)
    setStopNote(left, id, stopId, 'The night handover matters')
    setStopNote(right, id, stopId, 'The handover matters most')
    sync(left, right)
    expect(readTour(left, id)!.stops[0].note).toBe('The night handover matters most')
    expect(readTour(right, id)!.stops[0].note).toBe('The night handover matters most')
    expect(getStopNoteText(left, id, stopId)).toBeInstanceOf(Y.Text)
  })

  test('titles are edited in place, cleaned of control characters and never shown empty', () => {
    const doc = new Y.Doc()
    const id = createTour(doc, { title: 'Old', author: ada, now: 1 })
    setTourTitle(doc, id, 'New\u0007 title')
    expect(readTour(doc, id)!.title).toBe('New title')
    setTourTitle(doc, id, '  ')
    expect(readTour(doc, id)!.title).toBe('Untitled tour')
  })

  test('published tours are seen by everyone, drafts only by their author', () => {
    const doc = new Y.Doc()
    const adas = createTour(doc, { title: 'Ada’s', author: ada, now: 1 })
    const beas = createTour(doc, { title: 'Bea’s', author: bea, now: 2 })
    expect(toursVisibleTo(doc, bea.id).map((t) => t.id)).toEqual([beas])
    setTourPublished(doc, adas, true)
    expect(toursVisibleTo(doc, bea.id).map((t) => t.id)).toEqual([adas, beas])
    expect(toursVisibleTo(doc, 'someone-else').map((t) => t.id)).toEqual([adas])
    deleteTour(doc, adas)
    expect(listTours(doc).map((t) => t.id)).toEqual([beas])
  })

  test('replies at a stop go to its first highlighted shape that can carry a thread', () => {
    const doc = new Y.Doc()
    const id = createTour(doc, { title: 't', author: ada, now: 1 })
    addStop(doc, id, stop('x', ['shape:geo', 'shape:card1', 'shape:card2']))
    addStop(doc, id, stop('view only'))
    const anchors: Record<string, string | null> = { 'shape:geo': null, 'shape:card1': 'card:one', 'shape:card2': 'card:two' }
    const [withCards, viewOnly] = readTour(doc, id)!.stops
    expect(stopReplyAnchor(withCards, (shapeId) => anchors[shapeId] ?? null)).toBe('card:one')
    expect(stopReplyAnchor(viewOnly, () => 'card:one')).toBeNull()
  })

  test('a presenter’s awareness field is accepted only when well formed', () => {
    expect(parseLiveTourState({ tourId: 'tour:abc', stopIndex: 2 })).toEqual({ tourId: 'tour:abc', stopIndex: 2 })
    for (const bad of [null, 'tour:abc', { tourId: 'card:x', stopIndex: 0 }, { tourId: 'tour:a', stopIndex: -1 }, { tourId: 'tour:a', stopIndex: 1.5 }]) {
      expect(parseLiveTourState(bad)).toBeNull()
    }
  })
})
