// @vitest-environment jsdom
/**
 * The live side of the conversation panel without a browser: the conversation index
 * (client/conversation/conversationIndex.ts) publishes changes at most every PUBLISH_INTERVAL_MS
 * and only for what changed; what's new (whatsNewTracker.ts) lists others' changes since the last
 * visit, highlights them, walks them, keeps what was seen across a reload, and clears on "mark all".
 */
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest'
import * as Y from 'yjs'
import {
  addReply,
  createCard,
  deleteReply,
  editCardText,
  editReply,
  memberActivity,
  toggleReaction,
  type Person,
} from '../../shared/board/boardModel'
import { changesSince } from '../../shared/board/whatsNew'
import { activityFromSnapshot, changesFromSnapshot } from '../../client/conversation/snapshotQueries'
import { TLDRAW_RECORDS_MAP } from '../../shared/board/docLayout'
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

describe('conversation index', () => {
  test('publishes a burst of changes once, and only re-reads what changed', () => {
    const doc = new Y.Doc()
    const index = createConversationIndex(doc)
    const seen: number[] = []
    const first = index.snapshot.get()
    for (let i = 0; i < 20; i++) createCard(doc, { id: `card:${i}`, kind: 'idea', text: `idea ${i}`, author: ada, anonymous: false, now: i })
    expect(index.snapshot.get()).toBe(first)
    vi.advanceTimersByTime(PUBLISH_INTERVAL_MS)
    const second = index.snapshot.get()
    seen.push(second.revision)
    expect(second.cards.size).toBe(20)
    addReply(doc, 'card:3', { author: bea, text: 'why?', now: 50 })
    vi.advanceTimersByTime(PUBLISH_INTERVAL_MS)
    const third = index.snapshot.get()
    expect(third.threads.get('card:3')?.replies.map((r) => r.text)).toEqual(['why?'])
    expect(third.cards).toBe(second.cards)
    editCardText(doc, 'card:3', 'idea three', bea, 60)
    vi.advanceTimersByTime(PUBLISH_INTERVAL_MS)
    expect(index.snapshot.get().cards.get('card:3')?.text).toBe('idea three')
    expect(index.snapshot.get().threads).toBe(third.threads)
    index.dispose()
  })

  test('moving an arrow is not a link change; changing its meta is', () => {
    const doc = new Y.Doc()
    const records = doc.getMap(TLDRAW_RECORDS_MAP)
    records.set('shape:a', arrow('shape:a', 0, { linkType: 'leads-to' }))
    const index = createConversationIndex(doc)
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

describe('answers from the snapshot equal the shared functions over the document', () => {
  test('changesSince and memberActivity', () => {
    const doc = new Y.Doc()
    const carl: Person = { id: 'carl', name: 'Carl', color: '#39B178' }
    const people = [ada, bea, carl]
    const records = doc.getMap(TLDRAW_RECORDS_MAP)
    let seed = 7
    const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647
    for (let i = 0; i < 60; i++) {
      const who = people[Math.floor(random() * 3)]
      const at = 1000 + i * 10
      const roll = random()
      if (roll < 0.3 || i < 3) createCard(doc, { id: `card:${i}`, kind: 'idea', text: `c${i}`, author: who, anonymous: random() < 0.2, now: at })
      else if (roll < 0.55) addReply(doc, `card:${Math.floor(random() * i)}`, { id: `reply:${i}`, author: who, text: `r${i}`, now: at })
      else if (roll < 0.65) editCardText(doc, `card:${Math.floor(random() * i)}`, `edited ${i}`, who, at)
      else if (roll < 0.75) toggleReaction(doc, `card:${Math.floor(random() * i)}`, 'resonates', who, at)
      else if (roll < 0.85) {
        const by = { id: who.id, name: who.name, color: who.color }
        records.set(`shape:l${i}`, arrow(`shape:l${i}`, 0, { linkType: 'builds-on', createdBy: by, updatedBy: by, createdAt: at, updatedAt: at }))
        addReply(doc, `shape:l${i}`, { id: `reply:l${i}`, author: people[(i + 1) % 3], text: 'on a link', now: at + 1 })
      } else {
        const reply = `reply:${i - 1}`
        editReply(doc, `card:${Math.floor(random() * i)}`, reply, 'changed', at)
        deleteReply(doc, `card:${Math.floor(random() * i)}`, reply, at)
      }
    }
    const index = createConversationIndex(doc)
    const snapshot = index.snapshot.get()
    expect(new Set(changesSince(doc, 0, 'nobody').map((item) => item.kind))).toEqual(new Set(['card', 'reply', 'link']))
    for (const since of [0, 1200, 1400]) {
      for (const me of people) expect(changesFromSnapshot(snapshot, since, me.id)).toEqual(changesSince(doc, since, me.id))
    }
    expect(activityFromSnapshot(snapshot)).toEqual(memberActivity(doc))
    index.dispose()
  })
})

describe('what’s new', () => {
  function open(doc: Y.Doc, visibility = { visible: true }) {
    const index = createConversationIndex(doc)
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
    const doc = new Y.Doc()
    createCard(doc, { id: 'card:old', kind: 'question', text: 'Old question', author: bea, anonymous: false, now: clock - 5000 })
    const firstVisit = open(doc)
    expect(firstVisit.tracker.view.get().items).toEqual([])
    firstVisit.close()

    clock += 60_000
    createCard(doc, { id: 'card:new', kind: 'idea', text: 'New idea', author: bea, anonymous: false, now: clock })
    addReply(doc, 'card:old', { author: bea, text: 'An answer', now: clock + 1 })
    createCard(doc, { id: 'card:mine', kind: 'idea', text: 'Mine', author: ada, anonymous: false, now: clock + 2 })
    clock += 60_000
    const visit = open(doc)
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
    const doc = new Y.Doc()
    open(doc).close()
    clock += 1000
    createCard(doc, { id: 'card:1', kind: 'idea', text: 'one', author: bea, anonymous: false, now: clock })
    createCard(doc, { id: 'card:2', kind: 'idea', text: 'two', author: bea, anonymous: false, now: clock + 1 })
    createCard(doc, { id: 'card:3', kind: 'idea', text: 'three', author: bea, anonymous: false, now: clock + 2 })
    clock += 1000

    const visit = open(doc)
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
    const reload = open(doc)
    expect(reload.tracker.view.get().items.map((i) => i.targetId)).toEqual(['card:3'])
    reload.close()
  })

  test('changes made while I watch are seen; made while the tab is hidden, or while I was away and synced late, are new', () => {
    const doc = new Y.Doc()
    open(doc).close()
    clock += 1000
    const madeWhileAway = new Y.Doc()
    createCard(madeWhileAway, { id: 'card:away', kind: 'idea', text: 'away', author: bea, anonymous: false, now: clock })
    clock += 1000
    const visibility = { visible: true }
    const visit = open(doc, visibility)
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
    const reload = open(doc)
    expect(reload.tracker.view.get().items).toEqual([])
    reload.close()
  })

  test('a card edited by someone else after I saw it is new again', () => {
    const doc = new Y.Doc()
    open(doc).close()
    clock += 1000
    createCard(doc, { id: 'card:1', kind: 'idea', text: 'one', author: bea, anonymous: false, now: clock })
    const visit = open(doc, { visible: false })
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
