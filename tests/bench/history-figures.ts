/**
 * The two figures of history (issue 10, item 4), on this machine:
 *
 * 1. Bytes stored per hour of a 20-person session, with and without history. One simulated hour
 *    (a seeded script, replayable) through the real relay in-process with real SQLite and the real
 *    history recorder: 20 named people, each adding cards (typed word by word), moving cards
 *    (each move a drag of several updates), replying and reacting; a facilitator moving through
 *    four phases and revealing. "Without history" is what the board takes once compacted (the
 *    snapshots of its documents); "with history" adds every history row (keyframes, steps, their
 *    state vectors and notes).
 * 2. Showing a moment of that history (over 10,000 updates): the server's answer for a moment
 *    (HistoryReader.moment: the rows, the merge, the names) plus what a browser does with it
 *    (decode the three documents), for moments spread over the hour.
 *
 *   npx tsx tests/bench/history-figures.ts [--step-seconds 30] [--seed 7] [--seconds 3600]
 */
import { performance } from 'node:perf_hooks'
import * as Y from 'yjs'
import { createCard, getCardText } from '../../shared/board/boardModel'
import { contributionShapeRecord } from '../../shared/board/contributionShape'
import { REACTIONS_MAP, THREADS_MAP, TLDRAW_RECORDS_MAP } from '../../shared/board/docLayout'
import { controlDocName, conversationDocName } from '../../shared/board/docNames'
import { FACILITATION_MAP } from '../../shared/board/facilitation'
import { HistoryReader } from '../../server/history/historyReader'
import { startRelayHarness, until, type TestPeer } from '../helpers/relayHarness'

function argument(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`)
  return index === -1 ? fallback : Number(process.argv[index + 1])
}

const STEP_MS = argument('step-seconds', 30) * 1000
const SEED = argument('seed', 7)
const PEOPLE = 20
const SECONDS = argument('seconds', 3600)

/** mulberry32: a small seeded generator, so a run can be replayed. */
function random(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const WORDS = 'handover patient chart nurse shift night notes corridor bedside risk safety checklist family doctor ward time'.split(' ')

async function turns(count = 3): Promise<void> {
  for (let i = 0; i < count; i++) await new Promise((resolve) => setImmediate(resolve))
}

async function main(): Promise<void> {
  const rand = random(SEED)
  let wall = Date.UTC(2026, 0, 5, 9, 0, 0)
  const harness = await startRelayHarness({ history: { stepMs: STEP_MS, now: () => wall }, limits: { compactAfterUpdates: 500 } })
  const board = await harness.createBoard()
  const people: Array<{
    canvas: TestPeer
    conversation: TestPeer
    name: string
    typing: { cardId: string; words: number } | null
    drag: { shapeId: string; left: number } | null
  }> = []
  for (let i = 0; i < PEOPLE; i++) {
    const name = `Person ${i + 1}`
    const person = await harness.person(board.id, 'member', name)
    people.push({
      canvas: harness.connect(board.id, person.token),
      conversation: harness.connect(conversationDocName(board.id), person.token),
      name,
      typing: null,
      drag: null,
    })
  }
  const facilitator = harness.connect(controlDocName(board.id), board.tokens.facilitator)
  process.stderr.write('connecting\n')
  await until(() => people.every((person) => person.canvas.synced && person.conversation.synced) && facilitator.synced, 'everyone synced', 30_000)

  let updates = 0
  const countUpdates = (doc: Y.Doc) => doc.on('update', (_update: Uint8Array, origin: unknown) => origin === null && updates++)
  for (const person of people) {
    countUpdates(person.canvas.doc)
    countUpdates(person.conversation.doc)
  }
  countUpdates(facilitator.doc)

  const cardIds: string[] = []
  const shapeOf = new Map<string, ReturnType<typeof contributionShapeRecord>>()
  let nextId = 0
  const started = performance.now()
  for (let second = 0; second < SECONDS; second++) {
    if (second % 300 === 0) process.stderr.write(`simulated ${second} s, ${updates} updates, ${Math.round(performance.now() - started)} ms\n`)
    if (second % 900 === 0) {
      facilitator.doc.transact(() => {
        const facilitation = facilitator.doc.getMap<unknown>(FACILITATION_MAP)
        let phases = facilitation.get('phases') as Y.Array<unknown> | undefined
        if (!phases) {
          phases = new Y.Array<unknown>()
          phases.push(['Think alone', 'Share', 'Link', 'Vote'].map((name, index) => ({ id: `p${index}`, name, instructions: '', durationMs: 900_000 })))
          facilitation.set('phases', phases)
        }
        facilitation.set('currentPhaseId', `p${second / 900}`)
      })
    }
    for (const person of people) {
      const canvas = person.canvas.doc
      if (person.typing) {
        getCardText(canvas, person.typing.cardId)?.insert(getCardText(canvas, person.typing.cardId)!.length, `${WORDS[Math.floor(rand() * WORDS.length)]} `)
        if (--person.typing.words === 0) person.typing = null
      } else if (person.drag) {
        const shape = shapeOf.get(person.drag.shapeId)!
        const moved = { ...shape, x: shape.x + (rand() - 0.5) * 40, y: shape.y + (rand() - 0.5) * 40 }
        shapeOf.set(person.drag.shapeId, moved)
        canvas.getMap<unknown>(TLDRAW_RECORDS_MAP).set(moved.id, moved)
        if (--person.drag.left === 0) person.drag = null
      } else {
        const roll = rand()
        if (roll < 1 / 180) {
          // A new card about every three minutes each, typed in 6–15 words.
          const cardId = `card-${nextId++}`
          const shape = contributionShapeRecord({
            id: `shape:${cardId}`,
            parentId: 'page:page',
            index: 'a1',
            x: rand() * 3000,
            y: rand() * 2000,
            w: 240,
            h: 140,
            cardId,
          })
          canvas.transact(() => {
            createCard(canvas, {
              id: cardId,
              kind: 'understanding',
              text: '',
              author: { id: person.name, name: person.name, color: '#4263eb' },
              anonymous: false,
              now: wall,
            })
            canvas.getMap<unknown>(TLDRAW_RECORDS_MAP).set(shape.id, shape)
          })
          shapeOf.set(shape.id, shape)
          cardIds.push(cardId)
          person.typing = { cardId, words: 6 + Math.floor(rand() * 10) }
        } else if (roll < 1 / 180 + 1 / 30 && cardIds.length > 0) {
          // A card moved about every thirty seconds each, dragged over 3–10 updates.
          person.drag = { shapeId: `shape:${cardIds[Math.floor(rand() * cardIds.length)]}`, left: 3 + Math.floor(rand() * 8) }
        } else if (roll < 1 / 180 + 1 / 30 + 1 / 300 && cardIds.length > 0) {
          const anchor = cardIds[Math.floor(rand() * cardIds.length)]
          person.conversation.doc
            .getMap<unknown>(THREADS_MAP)
            .set(`${anchor}-${nextId++}`, { status: 'open', text: `${WORDS[Math.floor(rand() * WORDS.length)]} reply` })
        } else if (roll < 1 / 180 + 1 / 30 + 1 / 300 + 1 / 200 && cardIds.length > 0) {
          const cardId = cardIds[Math.floor(rand() * cardIds.length)]
          person.conversation.doc.getMap<unknown>(REACTIONS_MAP).set(`${cardId}:${person.name}`, { reaction: 'resonates', at: wall })
        }
      }
    }
    await turns()
    wall += 1000
    harness.clock.advance(1000)
    await turns()
  }
  harness.clock.advance(STEP_MS)
  wall += STEP_MS
  await turns(20)
  const simulatedMs = performance.now() - started

  // Without history: the board's documents once compacted.
  const names = [board.id, conversationDocName(board.id), controlDocName(board.id)]
  let compacted = 0
  for (const name of names) {
    const stored = await harness.storage.loadDocument(name)
    const doc = new Y.Doc()
    if (stored.snapshot) Y.applyUpdate(doc, stored.snapshot)
    for (const update of stored.updates) Y.applyUpdate(doc, update)
    compacted += Y.encodeStateAsUpdate(doc).length
  }
  const db = (harness.storage as unknown as { db: import('better-sqlite3').Database }).db
  const history = db
    .prepare<[string], { rows: number; keyframes: number; data: number; vectors: number; notes: number }>(
      `SELECT COUNT(*) AS rows, SUM(keyframe) AS keyframes, SUM(length(data)) AS data, SUM(length(state_vector)) AS vectors, SUM(length(notes)) AS notes
       FROM history_steps WHERE board_id = ?`,
    )
    .get(board.id)!
  const historyBytes = history.data + history.vectors + history.notes

  const reader = new HistoryReader({ storage: harness.storage, stepMs: STEP_MS, retentionMs: null, now: () => wall })
  const { steps } = await reader.timeline(board.id)
  const timings: number[] = []
  const serverTimings: number[] = []
  for (let i = 0; i < 30; i++) {
    const at = steps[Math.floor(((i + 0.5) / 30) * steps.length)].at
    const start = performance.now()
    const moment = await reader.moment(board.id, at)
    const body = JSON.stringify(moment)
    serverTimings.push(performance.now() - start)
    const parsed = JSON.parse(body) as { documents: Record<string, string> }
    for (const base64 of Object.values(parsed.documents)) Y.applyUpdate(new Y.Doc(), Buffer.from(base64, 'base64'))
    timings.push(performance.now() - start)
  }
  timings.sort((a, b) => a - b)
  serverTimings.sort((a, b) => a - b)
  const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`
  console.log(
    JSON.stringify(
      {
        seed: SEED,
        stepSeconds: STEP_MS / 1000,
        people: PEOPLE,
        simulatedHours: SECONDS / 3600,
        cards: cardIds.length,
        updates,
        simulatedInMs: Math.round(simulatedMs),
        withoutHistory: kib(compacted),
        historyRows: history.rows,
        keyframes: history.keyframes,
        history: kib(historyBytes),
        historyParts: { updates: kib(history.data), stateVectors: kib(history.vectors), notes: kib(history.notes) },
        historyToCompacted: Number((historyBytes / compacted).toFixed(2)),
        withHistory: kib(compacted + historyBytes),
        timelineSteps: steps.length,
        momentMs: { p50: Number(timings[15].toFixed(1)), p95: Number(timings[28].toFixed(1)), max: Number(timings[29].toFixed(1)) },
        momentServerMs: { p50: Number(serverTimings[15].toFixed(1)), p95: Number(serverTimings[28].toFixed(1)), max: Number(serverTimings[29].toFixed(1)) },
      },
      null,
      2,
    ),
  )
  await harness.close()
}

await main()
