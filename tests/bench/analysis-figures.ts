/**
 * Measures the map analysis (issue 10, item 6) on the board tests/bench/thinking-figures.ts
 * builds: 1,000 cards, 1,500 typed links spread the same way (every link type in turn, so 300 are
 * "leads to"), 3,000 replies and 1,000 reactions, written into plain Y.Docs through the shared
 * data model and tldraw-shaped records. It times, separately and together, reading the map from
 * the documents (readMapInput) and analysing it (analyseMap: centrality, reach, loops, clusters,
 * unanswered, reciprocity), and "how my understanding moved" for one member; median and max of
 * BENCH_RUNS runs after a warm-up. Then it times the same analysis on a hostile board: the same
 * cards with 1,500 "leads to" links packed among 60 cards, where loops are beyond counting.
 *
 * Run with `npx tsx tests/bench/analysis-figures.ts`. Sizes: BENCH_CARDS, BENCH_LINKS, BENCH_REPLIES, BENCH_RUNS.
 */
import * as Y from 'yjs'
import { analyseMap } from '../../shared/analysis/mapAnalysis'
import { readMapInput } from '../../shared/analysis/mapInput'
import { understandingOf } from '../../shared/analysis/understanding'
import { addReply, createCard, newCardId, toggleReaction, type Person } from '../../shared/board/boardModel'
import { contributionShapeRecord } from '../../shared/board/contributionShape'
import { TLDRAW_RECORDS_MAP } from '../../shared/board/docLayout'
import { CONTRIBUTION_KINDS, LINK_TYPES, REACTIONS, type LinkType } from '../../shared/board/vocabulary'

const CARDS = Number(process.env.BENCH_CARDS ?? 1000)
const LINKS = Number(process.env.BENCH_LINKS ?? 1500)
const REPLIES = Number(process.env.BENCH_REPLIES ?? 3000)
const RUNS = Number(process.env.BENCH_RUNS ?? 20)

const PEOPLE: Person[] = ['Ada', 'Bea', 'Chen', 'Dara', 'Emil', 'Femi'].map((name, i) => ({ id: `bench-person-${i}`, name, color: '#1971c2' }))

/** As in thinking-figures.ts: link i joins two different cards, spread over the board. */
function spreadEnds(i: number): [number, number] {
  const from = i % CARDS
  const step = 1 + ((Math.floor(i / CARDS) * 7 + (i % 3)) % 40)
  return [from, (from + step) % CARDS]
}

/** 1,500 "leads to" links among the first 60 cards: a dense knot with astronomically many loops. */
function knotEnds(i: number): [number, number] {
  const from = i % 60
  return [from, (from + 1 + (Math.floor(i / 60) % 59)) % 60]
}

function buildBoard(ends: (i: number) => [number, number], typeOf: (i: number) => LinkType) {
  const canvas = new Y.Doc()
  const conversation = new Y.Doc()
  const people = new Y.Doc()
  const records = canvas.getMap<unknown>(TLDRAW_RECORDS_MAP)
  const cardIds = Array.from({ length: CARDS }, () => newCardId())
  const shapeId = (i: number) => `shape:bench-card-${i}`
  canvas.transact(() => {
    for (let i = 0; i < CARDS; i++) {
      const author = PEOPLE[i % PEOPLE.length]
      createCard(canvas, {
        id: cardIds[i],
        kind: CONTRIBUTION_KINDS[i % 6],
        text: `Card ${i}: how ${author.name} sees it.`,
        author,
        anonymous: i % 10 === 9,
        now: i,
      })
      records.set(
        shapeId(i),
        contributionShapeRecord({ id: shapeId(i), parentId: 'page:page', index: 'a1', x: i * 10, y: 0, w: 240, h: 160, cardId: cardIds[i] }),
      )
    }
    for (let i = 0; i < LINKS; i++) {
      const [from, to] = ends(i)
      const id = `shape:bench-link-${i}`
      const by = PEOPLE[(i + 1) % PEOPLE.length]
      records.set(id, {
        id,
        typeName: 'shape',
        type: 'arrow',
        props: {},
        meta: { linkType: typeOf(i), createdBy: by, updatedBy: by, createdAt: i, updatedAt: i },
      })
      for (const [terminal, card] of [
        ['start', from],
        ['end', to],
      ] as const) {
        const bindingId = `binding:bench-link-${i}-${terminal}`
        records.set(bindingId, { id: bindingId, typeName: 'binding', type: 'arrow', fromId: id, toId: shapeId(card), props: { terminal } })
      }
    }
  })
  conversation.transact(() => {
    for (let i = 0; i < REPLIES; i++) addReply(conversation, cardIds[i % CARDS], { author: PEOPLE[(i + 1) % PEOPLE.length], text: `Reply ${i}`, now: i })
    for (let i = 0; i < CARDS; i++) toggleReaction(conversation, cardIds[(i * 7) % CARDS], REACTIONS[i % 3], PEOPLE[(i + 2) % PEOPLE.length], i)
  })
  return { canvas, conversation, people }
}

function time<T>(run: () => T): { ms: number; value: T } {
  const started = performance.now()
  const value = run()
  return { ms: performance.now() - started, value }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]
const fmt = (values: number[]) => `median ${median(values).toFixed(1)} ms, max ${Math.max(...values).toFixed(1)} ms`

function measure(label: string, sources: ReturnType<typeof buildBoard>): void {
  const read: number[] = []
  const analyse: number[] = []
  const understand: number[] = []
  let last = analyseMap(readMapInput(sources))
  for (let run = 0; run < RUNS + 2; run++) {
    const input = time(() => readMapInput(sources))
    const analysis = time(() => analyseMap(input.value))
    const moved = time(() => understandingOf(input.value, PEOPLE[0].id))
    if (run < 2) continue
    read.push(input.ms)
    analyse.push(analysis.ms)
    understand.push(moved.ms)
    last = analysis.value
  }
  const total = read.map((ms, i) => ms + analyse[i])
  process.stdout.write(`\n${label}\n`)
  process.stdout.write(
    `  ${last.cardCount} cards, ${last.linkCount} links; loops: ${last.loops.counted}${last.loops.complete ? '' : '+ (search stopped at its cap)'}; `,
  )
  process.stdout.write(`clusters: ${last.clusters.length}; unanswered: ${last.unanswered.count}; ${last.reciprocity.summary}\n`)
  process.stdout.write(`  read the map from the documents   ${fmt(read)}\n`)
  process.stdout.write(`  analyse it                        ${fmt(analyse)}\n`)
  process.stdout.write(`  full analysis (read + analyse)    ${fmt(total)}\n`)
  process.stdout.write(`  how my understanding moved        ${fmt(understand)}\n`)
}

measure(
  `Board as thinking-figures.ts builds it (n=${RUNS})`,
  buildBoard(spreadEnds, (i) => LINK_TYPES[i % LINK_TYPES.length]),
)
measure(
  `Hostile board: ${LINKS} "leads to" links knotted among 60 cards (n=${RUNS})`,
  buildBoard(knotEnds, () => 'leads-to'),
)
process.stdout.write('\n')
