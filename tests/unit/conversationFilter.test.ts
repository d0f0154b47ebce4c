// @vitest-environment jsdom
/**
 * Find and filter (client/conversation/canvasFilter.ts) over a real conversation index of plain
 * Y.Docs (cards in the canvas, threads and reactions in the conversation): search in card and
 * reply text, kind, author, "has an open thread", "no responses yet".
 */
import { describe, expect, test } from 'vitest'
import * as Y from 'yjs'
import { addReply, createCard, deleteReply, setThreadStatus, toggleReaction, type Person } from '../../shared/board/boardModel'
import {
  ANONYMOUS_AUTHOR,
  EMPTY_FILTER,
  excerptAround,
  findResults,
  isFilterActive,
  matchingCardIds,
  type CanvasFilter,
} from '../../client/conversation/canvasFilter'
import { createConversationIndex } from '../../client/conversation/conversationIndex'

const ada: Person = { id: 'ada', name: 'Ada', color: '#FF802B' }
const bea: Person = { id: 'bea', name: 'Bea', color: '#02B1CC' }

interface Board {
  canvas: Y.Doc
  conversation: Y.Doc
  people: Y.Doc
}

function boardWithCards(): Board {
  const board = { canvas: new Y.Doc(), conversation: new Y.Doc(), people: new Y.Doc() }
  const { canvas, conversation } = board
  createCard(canvas, { id: 'card:q', kind: 'question', text: 'Why do handovers lose information?', author: ada, anonymous: false, now: 1 })
  createCard(canvas, { id: 'card:e', kind: 'experience', text: 'On nights we use a paper checklist', author: bea, anonymous: false, now: 2 })
  createCard(canvas, { id: 'card:a', kind: 'concern', text: 'Nobody reads the notes', author: null, anonymous: true, now: 3 })
  createCard(canvas, { id: 'card:i', kind: 'idea', text: 'Shadow a senior nurse', author: ada, anonymous: false, now: 4 })
  addReply(conversation, 'card:q', { author: bea, text: 'Because the BEDSIDE round is rushed', now: 5 })
  toggleReaction(conversation, 'card:e', 'resonates', ada, 6)
  addReply(conversation, 'shape:link1', { author: ada, text: 'This link is about the bedside too', now: 7 })
  return board
}

const snapshotOf = (board: Board) => {
  const index = createConversationIndex(board)
  const snapshot = index.snapshot.get()
  index.dispose()
  return snapshot
}

const filter = (change: Partial<CanvasFilter>): CanvasFilter => ({ ...EMPTY_FILTER, ...change })

describe('find and filter', () => {
  test('no filter is active until something is set; blank search does not count', () => {
    expect(isFilterActive(EMPTY_FILTER)).toBe(false)
    expect(isFilterActive(filter({ query: '   ' }))).toBe(false)
    expect(isFilterActive(filter({ noResponses: true }))).toBe(true)
    expect(findResults(snapshotOf(boardWithCards()), EMPTY_FILTER, 10)).toEqual({ results: [], total: 0 })
  })

  test('search finds card text and reply text, ignoring case, and says where it matched', () => {
    const snapshot = snapshotOf(boardWithCards())
    expect([...matchingCardIds(snapshot, filter({ query: 'CHECKLIST' }))]).toEqual(['card:e'])
    const { results } = findResults(snapshot, filter({ query: 'bedside' }), 10)
    expect(results.map((r) => [r.targetId, r.target, r.place])).toEqual([
      ['shape:link1', 'link', 'reply'],
      ['card:q', 'card', 'reply'],
    ])
    expect(results[1].excerpt).toContain('BEDSIDE round')
  })

  test('kind filter keeps only the kinds chosen', () => {
    const snapshot = snapshotOf(boardWithCards())
    expect([...matchingCardIds(snapshot, filter({ kinds: ['question', 'idea'] }))].sort()).toEqual(['card:i', 'card:q'])
  })

  test('author filter, including anonymous cards; links never match an author', () => {
    const snapshot = snapshotOf(boardWithCards())
    expect([...matchingCardIds(snapshot, filter({ authorId: 'ada' }))].sort()).toEqual(['card:i', 'card:q'])
    expect([...matchingCardIds(snapshot, filter({ authorId: ANONYMOUS_AUTHOR }))]).toEqual(['card:a'])
    expect(findResults(snapshot, filter({ authorId: 'ada', query: 'bedside' }), 10).results.map((r) => r.targetId)).toEqual(['card:q'])
  })

  test('"has an open thread" drops resolved threads and threads whose replies were all deleted', () => {
    const board = boardWithCards()
    const { conversation } = board
    expect([...matchingCardIds(snapshotOf(board), filter({ hasOpenThread: true }))]).toEqual(['card:q'])
    setThreadStatus(conversation, 'card:q', 'resolved', ada, 8)
    expect([...matchingCardIds(snapshotOf(board), filter({ hasOpenThread: true }))]).toEqual([])
    setThreadStatus(conversation, 'card:q', 'open', ada, 9)
    const replyId = addReply(conversation, 'card:i', { author: bea, text: 'yes', now: 10 })
    deleteReply(conversation, 'card:i', replyId, 11)
    expect([...matchingCardIds(snapshotOf(board), filter({ hasOpenThread: true }))]).toEqual(['card:q'])
  })

  test('"no responses yet" means no replies and no reactions', () => {
    const snapshot = snapshotOf(boardWithCards())
    expect([...matchingCardIds(snapshot, filter({ noResponses: true }))].sort()).toEqual(['card:a', 'card:i'])
  })

  test('filters combine, and results are capped with the total kept', () => {
    const board = boardWithCards()
    for (let i = 0; i < 30; i++) createCard(board.canvas, { id: `card:n${i}`, kind: 'idea', text: `note ${i}`, author: bea, anonymous: false, now: 100 + i })
    const snapshot = snapshotOf(board)
    const found = findResults(snapshot, filter({ kinds: ['idea'], authorId: 'bea', noResponses: true }), 5)
    expect(found.total).toBe(30)
    expect(found.results.map((r) => r.targetId)).toEqual(['card:n29', 'card:n28', 'card:n27', 'card:n26', 'card:n25'])
  })

  test('excerpts are one line around the match', () => {
    const text = `${'a '.repeat(80)}needle\n${'b '.repeat(80)}`
    const excerpt = excerptAround(text, 'needle', 10)
    expect(excerpt.startsWith('…')).toBe(true)
    expect(excerpt.endsWith('…')).toBe(true)
    expect(excerpt).toContain('needle b')
    expect(excerpt).not.toContain('\n')
  })
})
