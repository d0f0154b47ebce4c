/**
 * History, recorded by the relay in-process (real SQLite, the real policy, a clock the test
 * advances): steps with who changed what, moments that show the board as it was, keyframes,
 * compaction that leaves history alone, markers, unload, and the rules that keep it honest:
 * drafts are never recorded, what the server writes is nobody's, and no change to an anonymous
 * card is ever attributed to anyone, even when its author moves or edits it from their own socket.
 */
import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { createCard, getCardText } from '../../shared/board/boardModel'
import { contributionShapeRecord } from '../../shared/board/contributionShape'
import { CARDS_MAP, TLDRAW_RECORDS_MAP } from '../../shared/board/docLayout'
import { controlDocName, conversationDocName, draftsDocName } from '../../shared/board/docNames'
import { FACILITATION_MAP } from '../../shared/board/facilitation'
import { HistoryReader } from '../../server/history/historyReader'
import { startRelayHarness, until, type RelayHarness } from '../helpers/relayHarness'

const STEP_MS = 30_000

let harness: RelayHarness | null = null
let wall = Date.UTC(2026, 0, 5, 9, 0, 0)

afterEach(async () => {
  await harness?.close()
  harness = null
})

async function start(limits = {}) {
  wall = Date.UTC(2026, 0, 5, 9, 0, 0)
  harness = await startRelayHarness({ limits, history: { stepMs: STEP_MS, now: () => wall } })
  const reader = new HistoryReader({ storage: harness.storage, stepMs: STEP_MS, retentionMs: null, now: () => wall })
  return { harness, reader }
}

/** Moves both clocks by a step, so that the open steps close, and waits until `steps` are stored. */
async function nextStep(h: RelayHarness, boardId: string, steps: number) {
  wall += STEP_MS
  h.clock.advance(STEP_MS)
  const started = Date.now()
  for (;;) {
    const stored = await h.storage.listHistory(boardId, 0)
    if (stored.length >= steps) return stored
    if (Date.now() - started > 5000) throw new Error(`expected ${steps} history steps, found ${stored.length}`)
    await new Promise((resolve) => setImmediate(resolve))
  }
}

function shape(id: string, cardId: string, x: number) {
  return contributionShapeRecord({ id, parentId: 'page:page', index: 'a1', x, y: 0, w: 200, h: 120, cardId })
}

function canvasAt(update: Uint8Array) {
  const doc = new Y.Doc()
  Y.applyUpdate(doc, update)
  return doc
}

describe('history (relay in-process)', () => {
  it('records who added and changed what, and shows the board as it was at each moment', async () => {
    const { harness: h, reader } = await start()
    const board = await h.createBoard()
    const ada = await h.person(board.id, 'member', 'Ada')
    const peer = h.connect(board.id, ada.token)
    await until(() => peer.synced, 'synced')
    const records = peer.doc.getMap<unknown>(TLDRAW_RECORDS_MAP)
    records.set('shape:first', shape('shape:first', 'card-1', 10))
    for (let other = 0; other < 5; other++) records.set(`shape:other-${other}`, shape(`shape:other-${other}`, `card-o${other}`, other))
    const [first] = await nextStep(h, board.id, 1)
    expect(first.keyframe).toBe(true)
    expect(first.notes.changes[0]).toEqual({
      author: { personId: ada.personId, role: 'member' },
      action: 'added',
      doc: 'canvas',
      map: TLDRAW_RECORDS_MAP,
      key: 'shape:first',
    })
    expect(first.notes.changes).toHaveLength(6)

    records.set('shape:first', shape('shape:first', 'card-1', 500))
    const steps = await nextStep(h, board.id, 2)
    expect(steps[1].keyframe).toBe(false)
    expect(steps[1].notes.changes[0].action).toBe('changed')

    const then = await reader.moment(board.id, first.at)
    const now = await reader.moment(board.id, steps[1].at)
    const xOf = (moment: typeof then) =>
      canvasAt(Buffer.from(moment!.documents.canvas, 'base64')).getMap<{ x: number }>(TLDRAW_RECORDS_MAP).get('shape:first')?.x
    expect(xOf(then)).toBe(10)
    expect(xOf(now)).toBe(500)
    expect(now!.changes.map((change) => change.who?.name)).toEqual(['Ada'])

    const timeline = await reader.timeline(board.id)
    expect(timeline.steps).toHaveLength(2)
    expect(timeline.steps[0].who).toEqual([{ personId: ada.personId, name: 'Ada', color: expect.any(String), role: 'member' }])
  })

  it('never attributes a change to an anonymous card, even to its author moving and editing it from their own socket', async () => {
    const { harness: h, reader } = await start()
    const board = await h.createBoard()
    const ada = await h.person(board.id, 'member', 'Ada')
    // The server inserts an anonymous card, as POST /anonymous-cards does.
    await h.relay.changeDocument(board.id, (document) => {
      createCard(document.doc, { id: 'anon-card', kind: 'idea', text: 'Quiet idea', author: null, anonymous: true, now: wall })
      document.doc.getMap(TLDRAW_RECORDS_MAP).set('shape:anon', shape('shape:anon', 'anon-card', 0))
    })
    const peer = h.connect(board.id, ada.token)
    await until(() => peer.synced && peer.doc.getMap(CARDS_MAP).has('anon-card'), 'synced')
    await nextStep(h, board.id, 1)
    // Ada moves the anonymous card, types into it, and, as a sentinel, adds a named card of her own.
    const records = peer.doc.getMap<unknown>(TLDRAW_RECORDS_MAP)
    records.set('shape:anon', shape('shape:anon', 'anon-card', 300))
    getCardText(peer.doc, 'anon-card')!.insert(0, 'More: ')
    records.set('shape:named', shape('shape:named', 'named-card', 0))
    const steps = await nextStep(h, board.id, 2)
    const byKey = Object.fromEntries(steps.flatMap((step) => step.notes.changes).map((change) => [`${change.map}/${change.key}`, change.author]))
    expect(byKey[`${TLDRAW_RECORDS_MAP}/shape:named`]).toEqual({ personId: ada.personId, role: 'member' })
    expect(byKey[`${TLDRAW_RECORDS_MAP}/shape:anon`]).toBeNull()
    expect(byKey[`${CARDS_MAP}/anon-card`]).toBeNull()
    // Removing it is nobody's too.
    records.delete('shape:anon')
    peer.doc.getMap(CARDS_MAP).delete('anon-card')
    const later = await nextStep(h, board.id, 3)
    expect(later[2].notes.changes.map((change) => change.author)).toEqual([null, null])
    const moment = await reader.moment(board.id, later[2].at)
    expect(moment!.changes.every((change) => change.who === null)).toBe(true)
    const timeline = await reader.timeline(board.id)
    expect(timeline.steps[2].who).toEqual([])
  })

  it('never records drafts, and names a link by its role when it names nobody', async () => {
    const { harness: h } = await start()
    const board = await h.createBoard()
    const ada = await h.person(board.id, 'member', 'Ada')
    const drafts = h.connect(draftsDocName(board.id, ada.personId), ada.token)
    const conversation = h.connect(conversationDocName(board.id), board.tokens.facilitator)
    await until(() => drafts.synced && conversation.synced, 'synced')
    drafts.doc.getMap('drafts').set('secret', 'my private thought')
    conversation.doc.getMap('threads').set('thread-1', { status: 'open' })
    const steps = await nextStep(h, board.id, 1)
    // The drafts document's step would have closed in the same turn as the conversation's.
    await new Promise((resolve) => setTimeout(resolve, 50))
    const all = await h.storage.listHistory(board.id, 0)
    expect(all.map((step) => step.docName)).toEqual([conversationDocName(board.id)])
    expect(steps[0].notes.changes[0].author).toEqual({ personId: null, role: 'facilitator' })
    expect(await h.storage.readHistoryAt(draftsDocName(board.id, ada.personId), wall)).toEqual([])
  })

  it('marks phase changes, reveals and vote closes from the control document', async () => {
    const { harness: h, reader } = await start()
    const board = await h.createBoard()
    const control = h.connect(controlDocName(board.id), board.tokens.facilitator)
    await until(() => control.synced, 'synced')
    const facilitation = control.doc.getMap<unknown>(FACILITATION_MAP)
    control.doc.transact(() => {
      const phases = new Y.Array<unknown>()
      phases.push([{ id: 'p1', name: 'Think alone', instructions: '', durationMs: 0 }])
      facilitation.set('phases', phases)
      facilitation.set('currentPhaseId', 'p1')
    })
    await nextStep(h, board.id, 1)
    // The server's writes (a reveal, a vote's close) are nobody's.
    await h.relay.changeDocument(controlDocName(board.id), (document) => {
      const map = document.doc.getMap<unknown>(FACILITATION_MAP)
      map.set('thinkAlone', { roundId: 'r', status: 'revealed', openedAt: 1, revealedAt: 2 })
      const rounds = new Y.Map<unknown>()
      map.set('voteRounds', rounds)
      rounds.set('round-1', { roundId: 'round-1', title: 'Priorities', status: 'open' })
    })
    await h.relay.changeDocument(controlDocName(board.id), (document) => {
      const rounds = document.doc.getMap<unknown>(FACILITATION_MAP).get('voteRounds') as Y.Map<unknown>
      rounds.set('round-1', { roundId: 'round-1', title: 'Priorities', status: 'closed' })
    })
    await nextStep(h, board.id, 2)
    const timeline = await reader.timeline(board.id)
    expect(timeline.steps.flatMap((step) => step.markers)).toEqual([
      { kind: 'phase', label: 'Think alone' },
      { kind: 'reveal', label: 'Drafts revealed' },
      { kind: 'vote-close', label: 'Priorities closed' },
    ])
    expect(timeline.steps[1].who).toEqual([])
  })

  it('keeps history through compaction of the live log, and writes a keyframe once the steps outgrow the document', async () => {
    const { harness: h, reader } = await start({ compactAfterUpdates: 5 })
    const board = await h.createBoard()
    const peer = h.connect(board.id, board.tokens.member)
    await until(() => peer.synced, 'synced')
    const records = peer.doc.getMap<unknown>(TLDRAW_RECORDS_MAP)
    const moments: Array<{ at: number; x: number }> = []
    for (let step = 1; step <= 24; step++) {
      for (let edit = 0; edit < 6; edit++) records.set('shape:moving', shape('shape:moving', 'card', step * 100 + edit))
      if (step <= 3) records.set(`shape:extra-${step}`, shape(`shape:extra-${step}`, `card-${step}`, step))
      const stored = await nextStep(h, board.id, step)
      moments.push({ at: stored[step - 1].at, x: step * 100 + 5 })
    }
    // The live log was compacted meanwhile (the manual clock passed the 10 s minimum many times).
    const live = await h.storage.loadDocument(board.id)
    expect(live.snapshot).not.toBeNull()
    const steps = await h.storage.listHistory(board.id, 0)
    expect(steps.filter((step) => step.keyframe).length).toBeGreaterThan(1)
    for (const { at, x } of moments) {
      const moment = await reader.moment(board.id, at)
      const doc = canvasAt(Buffer.from(moment!.documents.canvas, 'base64'))
      expect(doc.getMap<{ x: number }>(TLDRAW_RECORDS_MAP).get('shape:moving')?.x).toBe(x)
    }
    // A moment is built from at most one keyframe and the steps after it.
    const updates = await h.storage.readHistoryAt(board.id, moments[23].at)
    expect(updates.length).toBeLessThan(24)
  })

  it('records the open step when the document unloads, before its step would have ended', async () => {
    const { harness: h } = await start({ documentIdleMs: 1000 })
    const board = await h.createBoard()
    const peer = h.connect(board.id, board.tokens.member)
    await until(() => peer.synced, 'synced')
    peer.doc.getMap<unknown>(TLDRAW_RECORDS_MAP).set('shape:last', shape('shape:last', 'c', 1))
    // The change is stored (so the document holds it) before the peer leaves.
    const storing = Date.now()
    for (;;) {
      const stored = await h.storage.loadDocument(board.id)
      const doc = new Y.Doc()
      for (const update of [...(stored.snapshot ? [stored.snapshot] : []), ...stored.updates]) Y.applyUpdate(doc, update)
      if (doc.getMap<unknown>(TLDRAW_RECORDS_MAP).has('shape:last')) break
      if (Date.now() - storing > 5000) throw new Error('the change was not stored')
      await new Promise((resolve) => setImmediate(resolve))
    }
    peer.disconnect()
    h.clock.advance(1000)
    const started = Date.now()
    while ((await h.storage.listHistory(board.id, 0)).length === 0) {
      if (Date.now() - started > 5000) throw new Error('the open step was not recorded on unload')
      await new Promise((resolve) => setImmediate(resolve))
    }
    const [step] = await h.storage.listHistory(board.id, 0)
    expect(step.notes.changes[0].key).toBe('shape:last')
  })
})
