/**
 * Measures the thinking-together figures of issue 4 on this machine: a board with 1,000 cards,
 * 1,500 typed links and 3,000 replies,
 *   1. the time to open it: navigation until the board is synced and its shapes are drawn, for a
 *      first visit (no copy in the browser) and for a return visit (a reload, with the local copy);
 *   2. the time for a new reply added by one member to reach another member's browser (the reply
 *      is in their document and a frame has been drawn since), median and p95;
 *   3. the time from pressing Map until the panel shows the analysis of the whole board.
 *
 * The board is seeded straight into the canvas document by a y-websocket client in Node, through
 * the shared data model (cards, threads) and tldraw-shaped records (card shapes, arrows with their
 * LinkMeta, label and style, and their two bindings), as the app itself would write them. Cards
 * are `contribution` shapes when the client knows that shape; until then geo rectangles stand in
 * for them, and the output says so.
 *
 * Run with `npx tsx tests/bench/thinking-figures.ts`. Needs Chromium (see README). Sizes can be
 * changed with BENCH_CARDS, BENCH_LINKS, BENCH_REPLIES, BENCH_OPENS and BENCH_REPLY_SAMPLES.
 */
import { createTLSchema, toRichText } from '@tldraw/tlschema'
import { getIndices } from '@tldraw/utils'
import type { Browser, Page } from 'playwright-core'
import { LINK_TYPE_STYLE, linkLabel } from '../../client/links/linkStyle'
import { addReply, createCard, newCardId, readThread, type Person } from '../../shared/board/boardModel'
import { CONTRIBUTION_DEFAULT_SIZE, contributionShapeRecord } from '../../shared/board/contributionShape'
import { TLDRAW_RECORDS_MAP } from '../../shared/board/docLayout'
import type { LinkMeta } from '../../shared/board/links'
import { CONTRIBUTION_KINDS, LINK_TYPES } from '../../shared/board/vocabulary'
import { ensureClientBuild, launchBrowser } from '../helpers/browser'
import { connectClient, createBoard, waitFor, waitForSync, type CreatedBoard } from '../helpers/boardClient'
import { removeDataDir, startServerProcess } from '../helpers/serverProcess'

const CARDS = Number(process.env.BENCH_CARDS ?? 1000)
const LINKS = Number(process.env.BENCH_LINKS ?? 1500)
const REPLIES = Number(process.env.BENCH_REPLIES ?? 3000)
const OPENS = Number(process.env.BENCH_OPENS ?? 3)
const REPLY_SAMPLES = Number(process.env.BENCH_REPLY_SAMPLES ?? 30)
/** Records written per Yjs transaction (one websocket message each), well inside the relay's limits. */
const CHUNK = 100

const PAGE_ID = 'page:page'
const PEOPLE: Person[] = ['Ada', 'Bea', 'Chen', 'Dara', 'Emil', 'Femi'].map((name, i) => ({
  id: `bench-person-${i}`,
  name,
  color: ['#e03131', '#1971c2', '#2f9e44', '#f08c00', '#9c36b5', '#0c8599'][i],
}))

type CardShapeType = 'contribution' | 'geo'

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]
}

const ms = (value: number) => `${Math.round(value)} ms`
const progress = (line: string) => process.stderr.write(`  … ${line}\n`)

/** Where card i sits: a grid, 40 across. */
function cardPosition(i: number) {
  return { x: (i % 40) * 320, y: Math.floor(i / 40) * 240 }
}

/** Link i joins two different cards, spread over the board so most cards have one or two links. */
function linkEnds(i: number): [number, number] {
  const from = i % CARDS
  const step = 1 + ((Math.floor(i / CARDS) * 7 + (i % 3)) % 40)
  return [from, (from + step) % CARDS]
}

function geoCardRecord(shape: { id: string; index: string; x: number; y: number; w: number; h: number }) {
  return {
    id: shape.id,
    typeName: 'shape',
    type: 'geo',
    parentId: PAGE_ID,
    index: shape.index,
    x: shape.x,
    y: shape.y,
    rotation: 0,
    isLocked: false,
    opacity: 1,
    props: {
      geo: 'rectangle',
      dash: 'draw',
      url: '',
      w: shape.w,
      h: shape.h,
      growY: 0,
      scale: 1,
      labelColor: 'black',
      color: 'black',
      fill: 'semi',
      size: 's',
      font: 'sans',
      align: 'middle',
      verticalAlign: 'middle',
      richText: toRichText(''),
    },
    meta: {},
  }
}

function arrowRecord(id: string, index: string, from: { x: number; y: number }, to: { x: number; y: number }, meta: LinkMeta) {
  return {
    id,
    typeName: 'shape',
    type: 'arrow',
    parentId: PAGE_ID,
    index,
    x: from.x,
    y: from.y,
    rotation: 0,
    isLocked: false,
    opacity: 1,
    props: {
      kind: 'arc',
      ...LINK_TYPE_STYLE[meta.linkType],
      fill: 'none',
      size: 'm',
      arrowheadStart: 'none',
      arrowheadEnd: 'arrow',
      font: 'draw',
      start: { x: 0, y: 0 },
      end: { x: to.x - from.x, y: to.y - from.y },
      bend: 0,
      richText: toRichText(process.env.BENCH_NO_LABELS ? '' : linkLabel(meta.linkType)),
      labelPosition: 0.5,
      scale: 1,
      elbowMidPoint: 0.5,
    },
    meta,
  }
}

function arrowBindingRecord(arrowId: string, toId: string, terminal: 'start' | 'end') {
  return {
    id: `binding:${arrowId.slice('shape:'.length)}-${terminal}`,
    typeName: 'binding',
    type: 'arrow',
    fromId: arrowId,
    toId,
    props: { terminal, normalizedAnchor: { x: 0.5, y: 0.5 }, isExact: false, isPrecise: false, snap: 'none' },
    meta: {},
  }
}

/** The arrow and geo records must be ones tldraw accepts; the schema says so before we send them. */
function checkRecordsAgainstTldrawSchema(records: unknown[]): void {
  const schema = createTLSchema()
  for (const record of records) schema.types[(record as { typeName: 'shape' | 'binding' }).typeName].validate(record)
}

interface Seeded {
  cardIds: string[]
  shapeCount: number
}

async function seedBoard(wsUrl: string, board: CreatedBoard, cardShape: CardShapeType): Promise<Seeded> {
  const seeder = connectClient(wsUrl, board.id, board.tokens.member)
  await waitForSync(seeder)
  const { doc } = seeder
  const records = doc.getMap<unknown>(TLDRAW_RECORDS_MAP)
  const now = Date.now()
  const indices = getIndices(CARDS + LINKS + 1).slice(1)
  const cardIds = Array.from({ length: CARDS }, () => newCardId())
  const cardShapeId = (i: number) => `shape:bench-card-${i}`
  const { w, h } = CONTRIBUTION_DEFAULT_SIZE

  const cardRecord = (i: number) => {
    const shape = { id: cardShapeId(i), parentId: PAGE_ID, index: indices[i], ...cardPosition(i), w, h, cardId: cardIds[i] }
    return cardShape === 'contribution' ? contributionShapeRecord(shape) : geoCardRecord(shape)
  }
  const linkRecords = (i: number) => {
    const [from, to] = linkEnds(i)
    const author = PEOPLE[i % PEOPLE.length]
    const meta: LinkMeta = { linkType: LINK_TYPES[i % LINK_TYPES.length], createdBy: author, updatedBy: author, createdAt: now, updatedAt: now }
    const centre = (j: number) => ({ x: cardPosition(j).x + w / 2, y: cardPosition(j).y + h / 2 })
    const id = `shape:bench-link-${i}`
    return [
      arrowRecord(id, indices[CARDS + i], centre(from), centre(to), meta),
      arrowBindingRecord(id, cardShapeId(from), 'start'),
      arrowBindingRecord(id, cardShapeId(to), 'end'),
    ]
  }
  checkRecordsAgainstTldrawSchema([...(cardShape === 'geo' ? [cardRecord(0)] : []), ...linkRecords(0)])

  for (let start = 0; start < CARDS; start += CHUNK) {
    doc.transact(() => {
      for (let i = start; i < Math.min(CARDS, start + CHUNK); i++) {
        const author = PEOPLE[i % PEOPLE.length]
        createCard(doc, {
          id: cardIds[i],
          kind: CONTRIBUTION_KINDS[i % CONTRIBUTION_KINDS.length],
          text: `Card ${i}: how ${author.name} sees part of the problem, from practice.`,
          author,
          anonymous: false,
          now,
        })
        records.set(cardShapeId(i), cardRecord(i))
      }
    })
  }
  for (let start = 0; start < LINKS; start += CHUNK) {
    doc.transact(() => {
      for (let i = start; i < Math.min(LINKS, start + CHUNK); i++) for (const record of linkRecords(i)) records.set(record.id, record)
    })
  }
  for (let start = 0; start < REPLIES; start += CHUNK) {
    doc.transact(() => {
      for (let i = start; i < Math.min(REPLIES, start + CHUNK); i++) {
        addReply(doc, cardIds[i % CARDS], { author: PEOPLE[(i + 1) % PEOPLE.length], text: `Reply ${i}: in my ward we saw something like this.`, now })
      }
    })
  }

  // Everything has reached the relay when a fresh client loads it all from there.
  const check = connectClient(wsUrl, board.id, board.tokens.observer)
  const expectedRecords = CARDS + LINKS * 3
  const seededRecords = () =>
    [...check.doc.getMap(TLDRAW_RECORDS_MAP).keys()].filter((key) => key.startsWith('shape:bench-') || key.startsWith('binding:bench-')).length
  const seededReplies = () => cardIds.reduce((sum, id) => sum + (readThread(check.doc, id)?.replies.length ?? 0), 0)
  await waitFor(() => seededRecords() === expectedRecords, 120_000, 'the seeded shapes on the relay')
  await waitFor(() => seededReplies() === REPLIES, 120_000, 'the seeded replies on the relay')
  seeder.destroy()
  check.destroy()
  return { cardIds, shapeCount: CARDS + LINKS }
}

async function openPage(browser: Browser, link: string, name: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
  // tsx compiles the functions we hand to page.evaluate with esbuild's keepNames, which calls a
  // `__name` helper that exists in Node, not in the page.
  await context.addInitScript(() => {
    ;(globalThis as unknown as { __name: (fn: unknown) => unknown }).__name = (fn) => fn
  })
  await context.addInitScript((n) => {
    localStorage.setItem('think-together:identity', JSON.stringify({ state: { userId: `bench-${n}`, name: n, color: '#1971c2', preferences: {} }, version: 1 }))
  }, name)
  const page = await context.newPage()
  await page.goto(link)
  return page
}

/** Milliseconds from navigation start until the board is synced, holds every shape, and shows some. */
async function waitUntilOpen(page: Page, shapeCount: number): Promise<number> {
  const handle = await page.waitForFunction(
    (expected) => {
      const hooks = window.__thinkTogether
      if (!hooks?.provider.synced) return false
      if (hooks.editor.getCurrentPageShapes().length < expected) return false
      if (document.querySelectorAll('.tl-shape').length === 0) return false
      return performance.now()
    },
    shapeCount,
    { timeout: 120_000, polling: 'raf' },
  )
  return (await handle.jsonValue()) as number
}

async function probeCardShape(browser: Browser, board: CreatedBoard): Promise<CardShapeType> {
  const page = await openPage(browser, board.links.member, 'Probe')
  await page.waitForFunction(() => window.__thinkTogether?.provider.synced === true, null, { timeout: 30_000 })
  const knowsContribution = await page.evaluate(() => {
    try {
      window.__thinkTogether!.editor.getShapeUtil('contribution')
      return true
    } catch {
      return false
    }
  })
  await page.context().close()
  return knowsContribution ? 'contribution' : 'geo'
}

/** Milliseconds from pressing Map until the panel shows the analysis of the whole board (read, analysed, drawn). */
async function measureMapOpen(page: Page): Promise<number> {
  return page.evaluate(
    (expected) =>
      new Promise<number>((resolve) => {
        const started = performance.now()
        document.querySelector<HTMLButtonElement>('[data-testid="map-toggle"]')!.click()
        const check = () => {
          if (document.querySelector('[data-testid="map-summary"]')?.textContent?.startsWith(expected)) resolve(performance.now() - started)
          else requestAnimationFrame(check)
        }
        check()
      }),
    `${CARDS} contributions`,
  )
}

async function measureReplyLatency(sender: Page, receiver: Page, anchorIds: string[]): Promise<number[]> {
  const latencies: number[] = []
  for (let i = 0; i < REPLY_SAMPLES; i++) {
    const anchor = anchorIds[(i * 37) % anchorIds.length]
    const replyId = `reply:bench-${i}`
    await receiver.evaluate(
      ({ anchor, replyId }) => {
        const threads = window.__thinkTogether!.doc.getMap('threads')
        const w = window as unknown as { __replySeen?: Promise<number> }
        w.__replySeen = new Promise((resolve) => {
          const onChange = () => {
            const thread = threads.get(anchor) as { get(key: string): unknown } | undefined
            const replies = thread?.get('replies') as { toArray(): Array<{ get(key: string): unknown }> } | undefined
            if (!replies?.toArray().some((reply) => reply.get('id') === replyId)) return
            threads.unobserveDeep(onChange)
            requestAnimationFrame(() => resolve(performance.timeOrigin + performance.now()))
          }
          threads.observeDeep(onChange)
        })
      },
      { anchor, replyId },
    )
    // The page cannot import shared/board/boardModel.ts: this writes what addReply writes (same
    // layout, Yjs types taken from the thread already there); the check after the run reads the
    // replies back with readThread.
    const sentAt = await sender.evaluate(
      ({ anchor, replyId, i }) => {
        const doc = window.__thinkTogether!.doc
        const thread = doc.getMap('threads').get(anchor) as { get(key: string): unknown } | undefined
        if (!thread) throw new Error(`no thread ${anchor} among ${doc.getMap('threads').size}`)
        const replies = thread.get('replies') as {
          get(index: number): { constructor: new () => unknown; get(key: string): { constructor: new (text?: string) => unknown } }
          push(items: unknown[]): void
        }
        const sample = replies.get(0)
        const YMap = sample.constructor as new () => { set(key: string, value: unknown): void }
        const YText = sample.get('text').constructor
        const sent = performance.timeOrigin + performance.now()
        doc.transact(() => {
          const reply = new YMap()
          reply.set('id', replyId)
          reply.set('author', { id: 'bench-Ada', name: 'Ada', color: '#1971c2' })
          reply.set('text', new YText(`Latency sample ${i}`))
          reply.set('createdAt', Date.now())
          reply.set('editedAt', null)
          reply.set('deleted', false)
          replies.push([reply])
        })
        return sent
      },
      { anchor, replyId, i },
    )
    const seenAt = await receiver.evaluate(() => (window as unknown as { __replySeen: Promise<number> }).__replySeen)
    latencies.push(seenAt - sentAt)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  return latencies
}

async function main(): Promise<void> {
  ensureClientBuild()
  const server = await startServerProcess({ serveClient: true, env: { LOG_LEVEL: 'warn' } })
  const browser = await launchBrowser()
  try {
    const board = await createBoard(server.url, 'How do we onboard new nurses?', 'A large board for measuring.')
    const cardShape = await probeCardShape(browser, board)
    const seedStarted = performance.now()
    const { cardIds, shapeCount } = await seedBoard(server.wsUrl, board, cardShape)
    const seedMs = performance.now() - seedStarted
    progress(`seeded in ${ms(seedMs)}`)

    const firstVisits: number[] = []
    const returnVisits: number[] = []
    for (let i = 0; i < OPENS; i++) {
      const page = await openPage(browser, board.links.member, `Visitor${i}`)
      firstVisits.push(await waitUntilOpen(page, shapeCount))
      await page.reload()
      returnVisits.push(await waitUntilOpen(page, shapeCount))
      await page.context().close()
      progress(`open ${i + 1}: first visit ${ms(firstVisits[i])}, return visit ${ms(returnVisits[i])}`)
    }

    const analyst = await openPage(browser, board.links.member, 'Analyst')
    await waitUntilOpen(analyst, shapeCount)
    const mapOpenMs = await measureMapOpen(analyst)
    await analyst.context().close()
    progress(`map panel open ${ms(mapOpenMs)}`)

    const sender = await openPage(browser, board.links.member, 'Ada')
    const receiver = await openPage(browser, board.links.member, 'Bea')
    await Promise.all([waitUntilOpen(sender, shapeCount), waitUntilOpen(receiver, shapeCount)])
    const latencies = await measureReplyLatency(sender, receiver, cardIds)

    // The replies written in the page are replies as the data model reads them.
    const reader = connectClient(server.wsUrl, board.id, board.tokens.observer)
    await waitForSync(reader)
    const sampleThread = readThread(reader.doc, cardIds[0])
    if (!sampleThread?.replies.some((reply) => reply.id === 'reply:bench-0')) throw new Error('the latency replies are not readable as replies')
    const totalReplies = cardIds.reduce((sum, id) => sum + (readThread(reader.doc, id)?.replies.length ?? 0), 0)
    reader.destroy()

    const rows: Array<[string, string]> = [
      [
        'board',
        `${CARDS} cards (${cardShape === 'contribution' ? 'contribution shapes' : 'geo shapes standing in: this client has no contribution shape yet'}), ${LINKS} links, ${totalReplies - REPLY_SAMPLES} replies`,
      ],
      ['seeding through the relay', ms(seedMs)],
      ['open the Map panel (read, analyse, draw the whole map)', ms(mapOpenMs)],
      [`open, first visit (n=${OPENS})`, `median ${ms(percentile(firstVisits, 50))}, max ${ms(Math.max(...firstVisits))}`],
      [`open, return visit with local copy (n=${OPENS})`, `median ${ms(percentile(returnVisits, 50))}, max ${ms(Math.max(...returnVisits))}`],
      [
        `new reply, one browser to another (n=${REPLY_SAMPLES})`,
        `median ${percentile(latencies, 50).toFixed(1)} ms, p95 ${percentile(latencies, 95).toFixed(1)} ms`,
      ],
    ]
    const width = Math.max(...rows.map(([label]) => label.length))
    process.stdout.write('\nThinking-together figures (loopback, this machine)\n')
    for (const [label, value] of rows) process.stdout.write(`  ${label.padEnd(width)}  ${value}\n`)
    process.stdout.write('\n')
  } finally {
    await browser.close()
    await server.stop()
    removeDataDir(server.dataDir)
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
  process.exit(1)
})
