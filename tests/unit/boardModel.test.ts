/**
 * The thinking-together data model (shared/board): cards, threads, reactions, members, what's
 * new, document names and access. Plain Y.Docs; two docs joined by their updates where a rule is
 * about concurrent work.
 */
import { describe, expect, test } from 'vitest'
import * as Y from 'yjs'
import {
  addReply,
  cleanText,
  copyCard,
  createCard,
  deleteReply,
  editCardText,
  editReply,
  getCardText,
  isOpenThread,
  listMembers,
  memberActivity,
  newCardId,
  readCard,
  readReactions,
  readThread,
  replaceText,
  setCardKind,
  setThreadStatus,
  toggleReaction,
  upsertMember,
  visibleReplyCount,
  claimCard,
  CARD_ID_PATTERN,
} from '../../shared/board/boardModel'
import { changesSince } from '../../shared/board/whatsNew'
import { describeChange } from '../../client/conversation/labels'
import { canOpenDoc, canWriteDoc, controlDocName, draftsDocName, parseDocName } from '../../shared/board/docNames'
import { TLDRAW_RECORDS_MAP } from '../../shared/board/docLayout'
import { readLinkMeta } from '../../shared/board/links'

const ada = { id: 'ada', name: 'Ada', color: '#e03131' }
const bea = { id: 'bea', name: 'Bea', color: '#1971c2' }

/** Two docs that exchange every update, as two members' browsers through the relay. */
function joinedDocs(): [Y.Doc, Y.Doc] {
  const a = new Y.Doc()
  const b = new Y.Doc()
  a.on('update', (update: Uint8Array, origin: unknown) => origin !== 'peer' && Y.applyUpdate(b, update, 'peer'))
  b.on('update', (update: Uint8Array, origin: unknown) => origin !== 'peer' && Y.applyUpdate(a, update, 'peer'))
  return [a, b]
}

/** Two docs whose updates are held back until `sync()`, to make concurrent edits. */
function offlineDocs() {
  const a = new Y.Doc()
  const b = new Y.Doc()
  const sync = () => {
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)))
    Y.applyUpdate(a, Y.encodeStateAsUpdate(b, Y.encodeStateVector(a)))
  }
  return { a, b, sync }
}

describe('cards', () => {
  test('a card keeps its kind, author and times; edits by others are recorded as such', () => {
    const doc = new Y.Doc()
    const id = newCardId()
    expect(id).toMatch(CARD_ID_PATTERN)
    createCard(doc, { id, kind: 'experience', text: 'Night shift, 2019…', author: ada, anonymous: false, now: 100 })
    expect(readCard(doc, id)).toEqual({
      id,
      kind: 'experience',
      text: 'Night shift, 2019…',
      author: ada,
      anonymous: false,
      createdAt: 100,
      updatedAt: 100,
      lastEditor: null,
    })
    editCardText(doc, id, 'Night shift, 2019: the handover was oral only.', ada, 200)
    expect(readCard(doc, id)).toMatchObject({ updatedAt: 200, lastEditor: null, author: ada })
    editCardText(doc, id, 'Night shift, 2019: the handover was oral only!', bea, 300)
    setCardKind(doc, id, 'concern', bea, 400)
    expect(readCard(doc, id)).toMatchObject({ kind: 'concern', author: ada, lastEditor: bea, updatedAt: 400, createdAt: 100 })
  })

  test('two people editing the same card text at once both keep their work', () => {
    const { a, b, sync } = offlineDocs()
    const id = newCardId()
    createCard(a, { id, kind: 'idea', text: 'Pair new nurses with mentors', author: ada, anonymous: false, now: 1 })
    sync()
    editCardText(a, id, 'Pair new nurses with mentors for a month', ada, 2)
    editCardText(b, id, 'Always pair new nurses with mentors', bea, 2)
    sync()
    expect(readCard(a, id)!.text).toBe('Always pair new nurses with mentors for a month')
    expect(readCard(b, id)!.text).toBe(readCard(a, id)!.text)
  })

  test('replaceText changes only what differs', () => {
    const doc = new Y.Doc()
    const text = doc.getText('t')
    text.insert(0, 'hello world')
    const deltas: unknown[] = []
    text.observe((event) => deltas.push(event.delta))
    replaceText(text, 'hello brave world')
    expect(text.toString()).toBe('hello brave world')
    expect(deltas).toEqual([[{ retain: 6 }, { insert: 'brave ' }]])
    replaceText(text, 'hello brave world')
    expect(deltas).toHaveLength(1)
  })

  test('anonymous cards carry no author until claimed, and text is cleaned of control characters', () => {
    const doc = new Y.Doc()
    const id = newCardId()
    createCard(doc, { id, kind: 'concern', text: 'a\u0000b\u0007c\nd', author: ada, anonymous: true, now: 1 })
    expect(readCard(doc, id)).toMatchObject({ author: null, anonymous: true, text: 'abc\nd' })
    expect(claimCard(doc, id, ada, 5)).toBe(true)
    expect(readCard(doc, id)).toMatchObject({ author: ada, anonymous: false })
    expect(claimCard(doc, id, bea, 6)).toBe(false)
  })

  test('a copied card is independent of its source', () => {
    const doc = new Y.Doc()
    const source = newCardId()
    const copy = newCardId()
    createCard(doc, { id: source, kind: 'question', text: 'Why?', author: ada, anonymous: false, now: 1 })
    expect(copyCard(doc, source, copy, bea, 2)).toBe(true)
    editCardText(doc, copy, 'Why not?', bea, 3)
    expect(readCard(doc, source)!.text).toBe('Why?')
    expect(readCard(doc, copy)).toMatchObject({ text: 'Why not?', author: bea, kind: 'question' })
    expect(getCardText(doc, copy)).toBeInstanceOf(Y.Text)
    expect(copyCard(doc, 'card:missing', newCardId(), bea, 4)).toBe(false)
  })

  test('hostile text is stored as plain text, never interpreted', () => {
    const doc = new Y.Doc()
    const id = newCardId()
    const hostile = '<img src=x onerror=alert(1)>"><script>alert(2)</script>'
    createCard(doc, { id, kind: 'idea', text: hostile, author: { ...ada, name: '<b>Ada</b>' }, anonymous: false, now: 1 })
    expect(readCard(doc, id)).toMatchObject({ text: hostile, author: { name: '<b>Ada</b>' } })
    expect(cleanText('x'.repeat(10), 4)).toBe('xxxx')
  })
})

describe('threads', () => {
  test('replies, edits and deletes of replies, resolve and reopen', () => {
    const doc = new Y.Doc()
    expect(readThread(doc, 'card:x')).toBeNull()
    expect(isOpenThread(readThread(doc, 'card:x'))).toBe(false)
    const first = addReply(doc, 'card:x', { author: ada, text: 'Is this only at night?', now: 10 })
    const second = addReply(doc, 'card:x', { author: bea, text: 'Also at weekends.', now: 20 })
    expect(isOpenThread(readThread(doc, 'card:x'))).toBe(true)
    editReply(doc, 'card:x', first, 'Is this only on night shifts?', 30)
    deleteReply(doc, 'card:x', second, 40)
    const thread = readThread(doc, 'card:x')!
    expect(thread.replies.map((r) => [r.author.name, r.text, r.editedAt, r.deleted])).toEqual([
      ['Ada', 'Is this only on night shifts?', 30, false],
      ['Bea', '', 40, true],
    ])
    expect(visibleReplyCount(thread)).toBe(1)
    editReply(doc, 'card:x', second, 'resurrected', 50)
    expect(readThread(doc, 'card:x')!.replies[1]).toMatchObject({ text: '', deleted: true })
    setThreadStatus(doc, 'card:x', 'resolved', bea, 60)
    expect(readThread(doc, 'card:x')).toMatchObject({ status: 'resolved', statusBy: bea, statusAt: 60 })
    expect(isOpenThread(readThread(doc, 'card:x'))).toBe(false)
    setThreadStatus(doc, 'card:x', 'open', ada, 70)
    expect(isOpenThread(readThread(doc, 'card:x'))).toBe(true)
  })

  test('replies written at the same time by two people are both kept, and a reply edited by two merges', () => {
    const { a, b, sync } = offlineDocs()
    const base = addReply(a, 'card:y', { author: ada, text: 'We could rotate mentors', now: 1 })
    sync()
    addReply(a, 'card:y', { author: ada, text: 'from A', now: 2 })
    addReply(b, 'card:y', { author: bea, text: 'from B', now: 2 })
    editReply(a, 'card:y', base, 'We could rotate mentors weekly', 3)
    editReply(b, 'card:y', base, 'Maybe we could rotate mentors', 3)
    sync()
    const threadA = readThread(a, 'card:y')!
    expect(threadA.replies.map((r) => r.text).sort()).toEqual(['Maybe we could rotate mentors weekly', 'from A', 'from B'])
    expect(readThread(b, 'card:y')).toEqual(threadA)
  })
})

describe('reactions and members', () => {
  test('a reaction toggles per person and lists who gave it', () => {
    const [a, b] = joinedDocs()
    expect(toggleReaction(a, 'card:z', 'resonates', ada, 1)).toBe(true)
    expect(toggleReaction(b, 'card:z', 'resonates', bea, 2)).toBe(true)
    expect(toggleReaction(b, 'card:z', 'tell-more', bea, 3)).toBe(true)
    expect(readReactions(a, 'card:z').resonates.map((p) => p.name)).toEqual(['Ada', 'Bea'])
    expect(toggleReaction(a, 'card:z', 'resonates', ada, 4)).toBe(false)
    expect(readReactions(b, 'card:z')).toMatchObject({ resonates: [{ name: 'Bea' }], differs: [], 'tell-more': [{ name: 'Bea' }] })
  })

  test('members are listed with their practice, and activity counts contributions and responses to others', () => {
    const doc = new Y.Doc()
    upsertMember(doc, { ...ada, practice: 'ward nurse, 8 years in acute care' }, 1)
    upsertMember(doc, { ...bea, practice: 'educator\nand mentor' }, 2)
    expect(listMembers(doc).map((m) => [m.name, m.practice])).toEqual([
      ['Ada', 'ward nurse, 8 years in acute care'],
      ['Bea', 'educator and mentor'],
    ])
    const card = newCardId()
    createCard(doc, { id: card, kind: 'understanding', text: 'x', author: ada, anonymous: false, now: 3 })
    createCard(doc, { id: newCardId(), kind: 'idea', text: 'anon', author: bea, anonymous: true, now: 3 })
    addReply(doc, card, { author: bea, text: 'reply', now: 4 })
    addReply(doc, card, { author: ada, text: 'own reply', now: 5 })
    toggleReaction(doc, card, 'differs', bea, 6)
    const activity = memberActivity(doc)
    expect(activity.get('ada')).toEqual({ contributions: 1, responses: 0 })
    expect(activity.get('bea')).toEqual({ contributions: 0, responses: 2 })
  })
})

describe("what's new since a visit", () => {
  test('lists cards, links and replies others added or changed after the moment, oldest first', () => {
    const doc = new Y.Doc()
    const old = newCardId()
    const fresh = newCardId()
    const mine = newCardId()
    createCard(doc, { id: old, kind: 'idea', text: 'old', author: bea, anonymous: false, now: 10 })
    createCard(doc, { id: fresh, kind: 'idea', text: 'fresh', author: bea, anonymous: false, now: 110 })
    createCard(doc, { id: mine, kind: 'idea', text: 'mine', author: ada, anonymous: false, now: 120 })
    editCardText(doc, old, 'old, edited', bea, 130)
    addReply(doc, mine, { author: bea, text: 'a reply to Ada', now: 140 })
    addReply(doc, mine, { author: ada, text: 'Ada answers', now: 150 })
    doc.getMap(TLDRAW_RECORDS_MAP).set('shape:link1', {
      id: 'shape:link1',
      typeName: 'shape',
      type: 'arrow',
      meta: { linkType: 'leads-to', createdBy: bea, createdAt: 160, updatedAt: 160 },
    })
    const items = changesSince(doc, 100, 'ada')
    expect(items.map((i) => [i.kind, i.change, i.text])).toEqual([
      ['card', 'added', 'fresh'],
      ['card', 'changed', 'old, edited'],
      ['reply', 'added', 'a reply to Ada'],
      ['link', 'added', 'leads-to'],
    ])
    expect(items[2].targetId).toBe(mine)
    expect(changesSince(doc, 200, 'ada')).toEqual([])
  })

  test('another member’s edit of my card, written since my last visit, is their edit of my card, not an addition', () => {
    const doc = new Y.Doc()
    const mine = newCardId()
    createCard(doc, { id: mine, kind: 'understanding', text: 'mine', author: ada, anonymous: false, now: 110 })
    expect(changesSince(doc, 100, 'ada')).toEqual([])
    editCardText(doc, mine, 'mine, edited by Bea', bea, 130)
    const [item] = changesSince(doc, 100, 'ada')
    expect(item).toMatchObject({ kind: 'card', change: 'changed', yours: true, by: { id: 'bea' }, text: 'mine, edited by Bea' })
    expect(describeChange(item, new Map([[mine, readCard(doc, mine)!]]))).toBe('Bea edited your understanding')
    const [forCy] = changesSince(doc, 100, 'cy')
    expect(describeChange(forCy, new Map([[mine, readCard(doc, mine)!]]))).toBe('Ada added an understanding')
    const [forCyLater] = changesSince(doc, 120, 'cy')
    expect(describeChange(forCyLater, new Map([[mine, readCard(doc, mine)!]]))).toBe('Bea edited an understanding')
  })

  test('link meta is read defensively', () => {
    expect(readLinkMeta({ linkType: 'nonsense' })).toBeNull()
    expect(readLinkMeta(null)).toBeNull()
    expect(readLinkMeta({ linkType: 'questions', createdBy: { id: 1 } })).toMatchObject({ linkType: 'questions', createdBy: null })
  })
})

describe('document names and access', () => {
  test('only our exact names parse', () => {
    const id = 'A'.repeat(22)
    expect(parseDocName(id)).toEqual({ boardId: id, kind: 'canvas' })
    expect(parseDocName(controlDocName(id))).toEqual({ boardId: id, kind: 'control' })
    const person = 'P'.repeat(22)
    expect(parseDocName(draftsDocName(id, person))).toEqual({ boardId: id, kind: 'drafts', personId: person })
    expect(parseDocName(`${id}.drafts.short`)).toBeNull()
    expect(parseDocName(`${id}.drafts.${person}.x`)).toBeNull()
    for (const bad of [`${id}.drafts`, `${id}.`, `${id}.control.x`, '../x', `${id}/x`, '', `${id}\u0000`, 'A'.repeat(23), 42, null]) {
      expect(parseDocName(bad)).toBeNull()
    }
  })

  test('the canvas is written by facilitators and members, the control document by facilitators only', () => {
    expect([canWriteDoc('facilitator', 'canvas'), canWriteDoc('member', 'canvas'), canWriteDoc('observer', 'canvas')]).toEqual([true, true, false])
    expect([canWriteDoc('facilitator', 'control'), canWriteDoc('member', 'control'), canWriteDoc('observer', 'control')]).toEqual([true, false, false])
    const drafts = { boardId: 'A'.repeat(22), kind: 'drafts' as const, personId: 'P'.repeat(22) }
    expect(canOpenDoc(drafts, 'member', 'P'.repeat(22))).toBe(true)
    expect(canOpenDoc(drafts, 'member', 'Q'.repeat(22))).toBe(false)
    expect(canOpenDoc(drafts, 'facilitator', undefined)).toBe(false)
    expect(canOpenDoc(drafts, 'observer', 'P'.repeat(22))).toBe(false)
  })
})
