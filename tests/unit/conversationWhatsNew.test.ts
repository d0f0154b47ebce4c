// @vitest-environment jsdom
/**
 * The live side of the conversation panel without a browser: the conversation index
 * (client/conversation/conversationIndex.ts) reads cards and links from the canvas document,
 * threads and reactions from the conversation document and members from the people document,
 * publishes changes at most every PUBLISH_INTERVAL_MS and only for what changed; what's new
 * (whatsNewTracker.ts) lists others' changes since the last visit, highlights them, walks them,
 * keeps what was seen across a reload, and clears on "mark all".
 */
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest'
import * as Y from 'yjs'
import { addReply, createCard, deleteReply, editCardText, editReply, memberActivity, toggleReaction, type Person } from '../../shared/board/boardModel'
import { changesSince } from '../../shared/board/whatsNew'
import { activityFromSnapshot, changesFromSnapshot } from '../../client/conversation/snapshotQueries'
import { MEMBERS_MAP, TLDRAW_RECORDS_MAP } from '../../shared/board/docLayout'
import { createConversationIndex, PUBLISH_INTERVAL_MS } from '../../client/conversation/conversationIndex'
import { createWhatsNewTracker } from '../../client/conversation/whatsNewTracker'
import { moveCaretThroughDelta } from '../../client/conversation/ReplyEditor'
import { useHighlightStore } from '../../client/state/highlightStore'

const ada: Person = { id: 'ada', name: 'Ada', color: '#FF802B' }
const bea: Person = { id: 'bea', name: 'Bea', color: '#02B1CC' }

let clock = 1_000_000
const now = () => clock

beforeEach(() => {
  vi.useFakeTimers()
  clock = 1_000_000
  localStorage.clear()
})
afterEach(() => {
  vi.useRealTimers()
})

function arrow(id: string, x: number, meta: Record<string, unknown> = {}) {
  return { id, typeName: 'shape', type: 'arrow', x, y: 0, meta }
}

/** A board's documents, as the index reads them. */
function newBoard() {
  return { canvas: new Y.Doc(), conversation: new Y.Doc(), people: new Y.Doc() }
}

describe('conversation index', () => {
  test('publishes a burst of changes once, and only re-reads what changed, in whichever document it happened', () => {
    const board = newBoard()
    const index = createConversationIndex(board)
    const first = index.snapshot.get()
    for (let i = 0; i < 20; i++) createCard(board.canvas, { id: `card:${i}`, kind: 'idea', text: `idea ${i}`, author: ada, anonymous: false, now: i })
    expect(index.snapshot.get()).toBe(first)
    vi.advanceTimersByTime(PUBLISH_INTERVAL_MS)
    const second = index.snapshot.get()
    expect(second.cards.size).toBe(20)
    addReply(board.conversation, 'card:3', { author: bea, text: 'why?', now: 50 })
    toggleReaction(board.conversation, 'card:3', 'resonates', bea, 51)
    vi.advanceTimersByTime(PUBLISH_INTERVAL_MS)
    const third = index.snapshot.get()
    expect(third.threads.get('card:3')?.replies.map((r) => r.text)).toEqual(['why?'])
    expect(third.reactionCounts.get('card:3')).toBe(1)
    expect(third.cards).toBe(second.cards)
    editCardText(board.canvas, 'card:3', 'idea three', bea, 60)
    vi.advanceTimersByTime(PUBLISH_INTERVAL_MS)
    expect(index.snapshot.get().cards.get('card:3')?.text).toBe('idea three')
    expect(index.snapshot.get().threads).toBe(third.threads)
    index.dispose()
  })

  test('threads, reactions and members written into the canvas (as before the split) are not read from it', () => {
    const board = newBoard()
    createCard(board.canvas, { id: 'card:1', kind: 'idea', text: 'one', author: ada, anonymous: false, now: 1 })
    addReply(board.canvas, 'card:1', { author: bea, text: 'stale', now: 2 })
    toggleReaction(board.canvas, 'card:1', 'resonates', bea, 3)
    board.canvas.getMap(MEMBERS_MAP).set('bea', { ...bea, practice: '', firstSeenAt: 1, lastSeenAt: 1 })
    board.people.getMap(MEMBERS_MAP).set('ada', { ...ada, practice: 'nurse', firstSeenAt: 1, lastSeenAt: 1 })
    const index = createConversationIndex(board)
    const snapshot = index.snapshot.get()
    expect(snapshot.threads.size).toBe(0)
    expect(snapshot.reactionCounts.size).toBe(0)
    expect(snapshot.members.map((member) => member.id)).toEqual(['ada'])
    board.people.getMap(MEMBERS_MAP).set('bea', { ...bea, practice: 'educator', firstSeenAt: 2, lastSeenAt: 2 })
    vi.advanceTimersByTime(PUBLISH_INTERVAL_MS)
    expect(index.snapshot.get().members.map((member) => member.practice)).toEqual(['nurse', 'educator'])
    index.dispose()
  })

  test('moving an arrow is not a link change; changing its meta is', () => {
    const board = newBoard()
    const records = board.canvas.getMap(TLDRAW_RECORDS_MAP)
    records.set('shape:a', arrow('shape:a', 0, { linkType: 'leads-to' }))
    const index = createConversationIndex(board)
    records.set('shape:a', arrow('shape:a', 100, { linkType: 'leads-to' }))
    records.set('shape:geo', { id: 'shape:geo', typeName: 'shape', type: 'geo', x: 1 })
    const before = index.snapshot.get()
    vi.advanceTimersByTime(PUBLISH_INTERVAL_MS)
    expect(index.snapshot.get()).toBe(before)
    expect(before.links.get('shape:a')?.linkType).toBe('leads-to')
    records.set('shape:a', arrow('shape:a', 100, { linkType: 'questions' }))
    vi.advanceTimersByTime(PUBLISH_INTERVAL_MS)
    expect(index.snapshot.get().links.get('shape:a')?.linkType).toBe('questions')
    records.delete('shape:a')
    vi.advanceTimersByTime(PUBLISH_INTERVAL_MS)
    expect(index.snapshot.get().links.size).toBe(0)
    index.dispose()
  })
})

describe('answers from the snapshot of the split documents equal the shared functions over one document', () => {
  test('changesSince and memberActivity: the same board written into one document, and into canvas and conversation', () => {
    // `whole` holds everything, as a board did before the split; `board` holds the same, split.
    const whole = new Y.Doc()
    const board = newBoard()
    const carl: Person = { id: 'carl', name: 'Carl', color: '#39B178' }
    const people = [ada, bea, carl]
    const onCanvas = (write: (doc: Y.Doc) => void) => [whole, board.canvas].forEach(write)
    const onConversation = (write: (doc: Y.Doc) => void) => [whole, board.conversation].forEach(write)
    let seed = 7
    const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647
    for (let i = 0; i < 60; i++) {
      const who = people[Math.floor(random() * 3)]
      const at = 1000 + i * 10
      const roll = random()
      if (roll < 0.3 || i < 3) {
        const anonymous = random() < 0.2
        onCanvas((doc) => createCard(doc, { id: `card:${i}`, kind: 'idea', text: `c${i}`, author: who, anonymous, now: at }))
      } else if (roll < 0.55) {
        const anchor = `card:${Math.floor(random() * i)}`
        onConversation((doc) => addReply(doc, anchor, { id: `reply:${i}`, author: who, text: `r${i}`, now: at }))
      } else if (roll < 0.65) {
        const cardId = `card:${Math.floor(random() * i)}`
        onCanvas((doc) => editCardText(doc, cardId, `edited ${i}`, who, at))
      } else if (roll < 0.75) {
        const cardId = `card:${Math.floor(random() * i)}`
        onConversation((doc) => toggleReaction(doc, cardId, 'resonates', who, at))
      } else if (roll < 0.85) {
        const by = { id: who.id, name: who.name, color: who.color }
        const link = arrow(`shape:l${i}`, 0, { linkType: 'builds-on', createdBy: by, updatedBy: by, createdAt: at, updatedAt: at })
        onCanvas((doc) => doc.getMap(TLDRAW_RECORDS_MAP).set(`shape:l${i}`, link))
        onConversation((doc) => addReply(doc, `shape:l${i}`, { id: `reply:l${i}`, author: people[(i + 1) % 3], text: 'on a link', now: at + 1 }))
      } else {
        const reply = `reply:${i - 1}`
        const editedIn = `card:${Math.floor(random() * i)}`
        const deletedIn = `card:${Math.floor(random() * i)}`
        onConversation((doc) => {
          editReply(doc, editedIn, reply, 'changed', at)
          deleteReply(doc, deletedIn, reply, at)
        })
      }
    }
    const index = createConversationIndex(board)
    const snapshot = index.snapshot.get()
    expect(new Set(changesSince(whole, 0, 'nobody').map((item) => item.kind))).toEqual(new Set(['card', 'reply', 'link']))
    for (const since of [0, 1200, 1400]) {
      for (const me of people) expect(changesFromSnapshot(snapshot, since, me.id)).toEqual(changesSince(whole, since, me.id))
    }
    expect(activityFromSnapshot(snapshot)).toEqual(memberActivity(whole))
    expect(activityFromSnapshot(snapshot).size).toBeGreaterThan(0)
    index.dispose()
  })
})

describe('what’s new', () => {
  function open(board: ReturnType<typeof newBoard>, visibility = { visible: true }) {
    const index = createConversationIndex(board)
    const tracker = createWhatsNewTracker({
      boardId: 'board-1',
      getMyId: () => 'ada',
      snapshot: index.snapshot,
      storage: localStorage,
      now,
      isVisible: () => visibility.visible,
    })
    return {
      tracker,
      close() {
        tracker.leave()
        tracker.dispose()
        index.dispose()
      },
    }
  }

  test('a first visit shows nothing as new; on return, others’ changes are listed and highlighted, mine are not', () => {
    const board = newBoard()
    const doc = board.canvas
    createCard(doc, { id: 'card:old', kind: 'question', text: 'Old question', author: bea, anonymous: false, now: clock - 5000 })
    const firstVisit = open(board)
    expect(firstVisit.tracker.view.get().items).toEqual([])
    firstVisit.close()

    clock += 60_000
    createCard(doc, { id: 'card:new', kind: 'idea', text: 'New idea', author: bea, anonymous: false, now: clock })
    addReply(board.conversation, 'card:old', { author: bea, text: 'An answer', now: clock + 1 })
    createCard(doc, { id: 'card:mine', kind: 'idea', text: 'Mine', author: ada, anonymous: false, now: clock + 2 })
    clock += 60_000
    const visit = open(board)
    const view = visit.tracker.view.get()
    expect(view.items.map((i) => [i.kind, i.targetId, i.change])).toEqual([
      ['card', 'card:new', 'added'],
      ['reply', 'card:old', 'added'],
    ])
    expect(view.unseenCount).toBe(2)
    expect([...useHighlightStore.getState().highlighted].sort()).toEqual(['card:new', 'card:old'])
    visit.close()
    expect(useHighlightStore.getState().highlighted.size).toBe(0)
  })

  test('walking marks items seen and focuses them; a reload keeps what was not seen', () => {
    const board = newBoard()
    const doc = board.canvas
    open(board).close()
    clock += 1000
    createCard(doc, { id: 'card:1', kind: 'idea', text: 'one', author: bea, anonymous: false, now: clock })
    createCard(doc, { id: 'card:2', kind: 'idea', text: 'two', author: bea, anonymous: false, now: clock + 1 })
    createCard(doc, { id: 'card:3', kind: 'idea', text: 'three', author: bea, anonymous: false, now: clock + 2 })
    clock += 1000

    const visit = open(board)
    expect(visit.tracker.step(1)?.targetId).toBe('card:1')
    expect(useHighlightStore.getState().focused).toBe('card:1')
    expect(visit.tracker.step(1)?.targetId).toBe('card:2')
    expect(visit.tracker.step(-1)?.targetId).toBe('card:1')
    const view = visit.tracker.view.get()
    expect(view.items).toHaveLength(3)
    expect(view.unseenCount).toBe(1)
    expect([...useHighlightStore.getState().highlighted]).toEqual(['card:3'])
    visit.close()

    clock += 1000
    const reload = open(board)
    expect(reload.tracker.view.get().items.map((i) => i.targetId)).toEqual(['card:3'])
    reload.close()
  })

  test('changes made while I watch are seen; made while the tab is hidden, or while I was away and synced late, are new', () => {
    const board = newBoard()
    const doc = board.canvas
    open(board).close()
    clock += 1000
    const madeWhileAway = new Y.Doc()
    createCard(madeWhileAway, { id: 'card:away', kind: 'idea', text: 'away', author: bea, anonymous: false, now: clock })
    clock += 1000
    const visibility = { visible: true }
    const visit = open(board, visibility)
    clock += 1000
    createCard(doc, { id: 'card:watched', kind: 'concern', text: 'watched', author: bea, anonymous: false, now: clock })
    vi.advanceTimersByTime(PUBLISH_INTERVAL_MS)
    expect(visit.tracker.view.get().items).toEqual([])
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(madeWhileAway))
    visibility.visible = false
    clock += 1000
    createCard(doc, { id: 'card:hidden', kind: 'concern', text: 'hidden', author: bea, anonymous: false, now: clock })
    vi.advanceTimersByTime(PUBLISH_INTERVAL_MS)
    expect(visit.tracker.view.get().items.map((i) => i.targetId)).toEqual(['card:away', 'card:hidden'])
    expect(visit.tracker.view.get().unseenCount).toBe(2)
    visit.tracker.markAllSeen()
    expect(visit.tracker.view.get().items).toEqual([])
    expect(useHighlightStore.getState().highlighted.size).toBe(0)
    visit.close()
    clock += 1000
    const reload = open(board)
    expect(reload.tracker.view.get().items).toEqual([])
    reload.close()
  })

  test('a card edited by someone else after I saw it is new again', () => {
    const board = newBoard()
    const doc = board.canvas
    open(board).close()
    clock += 1000
    createCard(doc, { id: 'card:1', kind: 'idea', text: 'one', author: bea, anonymous: false, now: clock })
    const visit = open(board, { visible: false })
    visit.tracker.markAllSeen()
    clock += 1000
    editCardText(doc, 'card:1', 'one, better', bea, clock)
    vi.advanceTimersByTime(PUBLISH_INTERVAL_MS)
    expect(visit.tracker.view.get().items.map((i) => [i.targetId, i.change])).toEqual([['card:1', 'changed']])
    visit.close()
  })
})

describe('editing a reply while someone else edits it', () => {
  test('the caret stays on the same character through remote inserts and deletes', () => {
    expect(moveCaretThroughDelta(5, [{ insert: 'abc' }])).toBe(8)
    expect(moveCaretThroughDelta(5, [{ retain: 6 }, { insert: 'abc' }])).toBe(5)
    expect(moveCaretThroughDelta(5, [{ retain: 1 }, { delete: 2 }])).toBe(3)
    expect(moveCaretThroughDelta(5, [{ retain: 3 }, { delete: 5 }])).toBe(3)
  })
})
