/**
 * The board's figures in real Chromium (`npm run bench:browser`), against the real server serving
 * the built app:
 *   1. opening boards of 2,000 and 5,000 cards (and half as many links between them): time to the
 *      first card on screen, and to interactive (every card and link in the editor, then two frames
 *      in a row within 50 ms, so the page answers input);
 *   2. the delay from a change in one page to its appearance in another while 20 other simulated
 *      members (stock y-websocket clients) each move one of their cards twice a second;
 *   3. frame times while dragging 50 selected cards with those 20 members online;
 *   4. the JavaScript the home page and a board page load, gzip-compressed.
 * Boards are seeded by a stock client (cards and their shapes, as the app writes them) and a page
 * (links, made with the editor as the app makes them). Prints a table and writes
 * bench-results/browser.json. Settings: BENCH_BROWSER_SIZES (2000,5000), BENCH_BROWSER_MEMBERS
 * (20), BENCH_BROWSER_CHANGES (40), BENCH_BROWSER_DRAG_CARDS (50).
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { gzipSync } from 'node:zlib'
import { getIndices } from '@tldraw/utils'
import type { Browser, Page } from 'playwright-core'
import { contributionShapeRecord } from '../../shared/board/contributionShape'
import { createCard } from '../../shared/board/boardModel'
import { ensureClientBuild, launchBrowser } from '../helpers/browser'
import { connectClient, createBoard, waitFor, waitForSync, type CreatedBoard, type TestClient } from '../helpers/boardClient'
import { removeDataDir, startServerProcess, type ServerProcess } from '../helpers/serverProcess'

const ROOT = resolve(import.meta.dirname, '..', '..')
const SIZES = (process.env.BENCH_BROWSER_SIZES ?? '2000,5000').split(',').map(Number)
const MEMBERS = Number(process.env.BENCH_BROWSER_MEMBERS ?? 20)
const CHANGES = Number(process.env.BENCH_BROWSER_CHANGES ?? 40)
const DRAG_CARDS = Number(process.env.BENCH_BROWSER_DRAG_CARDS ?? 50)
/** Edits per second of each simulated member. */
const MEMBER_RATE = 2
const COLUMNS = 50

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]
}

const round = (value: number) => Math.round(value * 10) / 10

const startedAt = performance.now()
const profiledSizes = new Set<number>()
/** A line on stderr as each step ends, so a long run shows where it is (and what it has measured). */
function progress(message: string): void {
  console.error(`[browser-figures] +${((performance.now() - startedAt) / 1000).toFixed(1)} s: ${message}`)
}

interface Seeded {
  board: CreatedBoard
  cards: number
  links: number
  shapeIds: string[]
}

/** Cards (their entries in `cards` and their contribution shapes) written by a stock client, in chunks. */
async function seedCards(browser: Browser, server: ServerProcess, cards: number): Promise<{ board: CreatedBoard; shapeIds: string[] }> {
  const board = await createBoard(server.url, `A board of ${cards} cards`, 'How fast does a crowded board open?')
  const client = connectClient(server.wsUrl, board.id, board.tokens.member)
  try {
    await waitForSync(client, 30_000)
    const records = client.doc.getMap<Record<string, unknown>>('tldraw:records')
    // The first page that opens a new board writes its document and page records.
    const first = await openPage(browser, board.links.member, 'First')
    await waitFor(() => [...records.values()].some((record) => record.typeName === 'page'), 60_000, 'the first page to set up the board')
    await first.context().close()
    const page = [...records.values()].find((record) => record.typeName === 'page')
    if (!page) throw new Error('the new board has no page record')
    const indices = getIndices(cards)
    const author = { id: 'seed', name: 'Seed', color: '#1971c2' }
    const shapeIds: string[] = []
    for (let start = 0; start < cards; start += 500) {
      client.doc.transact(() => {
        for (let i = start; i < Math.min(cards, start + 500); i++) {
          const cardId = `card-bench-${i}`
          const shapeId = `shape:bench${i}`
          createCard(client.doc, {
            id: cardId,
            kind: 'understanding',
            text: `Card ${i}: what we learnt from practice`,
            author,
            anonymous: false,
            now: Date.now(),
          })
          records.set(
            shapeId,
            contributionShapeRecord({
              id: shapeId,
              parentId: String(page.id),
              index: indices[i + 1],
              x: (i % COLUMNS) * 280,
              y: Math.floor(i / COLUMNS) * 200,
              w: 240,
              h: 160,
              cardId,
            }),
          )
          shapeIds.push(shapeId)
        }
      })
    }
    const setUp = records.size
    await storedBy(server, board, (doc) => doc.getMap('tldraw:records').size >= setUp, 'the seeded cards to be stored')
    return { board, shapeIds }
  } finally {
    client.destroy()
  }
}

/** Waits until a client that joins now (and so reads what the server stored) sees `done`. */
async function storedBy(server: ServerProcess, board: CreatedBoard, done: (doc: TestClient['doc']) => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 300_000
  for (;;) {
    const reader = connectClient(server.wsUrl, board.id, board.tokens.member)
    try {
      await waitForSync(reader, 60_000)
      if (done(reader.doc)) return
    } finally {
      reader.destroy()
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolvePromise) => setTimeout(resolvePromise, 500))
  }
}

async function openPage(browser: Browser, url: string, name: string, jsBytes?: Map<string, number>, beforeGoto?: (page: Page) => Promise<void>): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
  // tsx names the functions it compiles with a helper the page does not have.
  await context.addInitScript('globalThis.__name = (target) => target')
  await context.addInitScript((n) => {
    localStorage.setItem('think-together:identity', JSON.stringify({ state: { userId: `bench-${n}`, name: n, color: '#1971c2', preferences: {} }, version: 1 }))
    // The first contribution card on screen, in ms since navigation started.
    const w = window as unknown as { __firstCardAt?: number }
    new MutationObserver((_, observer) => {
      if (document.querySelector('.tl-shape[data-shape-type="contribution"]')) {
        w.__firstCardAt = performance.now()
        observer.disconnect()
      }
    }).observe(document, { childList: true, subtree: true })
  }, name)
  const page = await context.newPage()
  page.on('pageerror', (error) => console.error(`[${name}] page error: ${error.message}`))
  if (jsBytes) {
    page.on('response', async (response) => {
      if (!response.url().endsWith('.js')) return
      const body = await response.body().catch(() => null)
      if (body) jsBytes.set(response.url(), gzipSync(body).length)
    })
  }
  await beforeGoto?.(page)
  await page.goto(url)
  return page
}

/** Links between card pairs, made in a page with the editor as the app makes them (an arrow bound at both ends). */
async function seedLinks(browser: Browser, server: ServerProcess, seeded: { board: CreatedBoard; shapeIds: string[] }): Promise<number> {
  const page = await openPage(browser, seeded.board.links.member, 'Linker')
  try {
    await page.waitForFunction((n) => (window.__thinkTogether?.editor.getCurrentPageShapeIds().size ?? 0) >= n, seeded.shapeIds.length, {
      timeout: 180_000,
      polling: 200,
    })
    // In chunks of 50 links, a moment apart: each chunk is one update, well under the frame limit.
    const links = await page.evaluate(async (ids) => {
      const editor = window.__thinkTogether!.editor
      let made = 0
      for (let start = 0; start + 1 < ids.length; start += 100) {
        editor.run(() => {
          for (let i = start; i + 1 < Math.min(ids.length, start + 100); i += 2) {
            const from = editor.getShapePageBounds(ids[i] as never)
            const to = editor.getShapePageBounds(ids[i + 1] as never)
            if (!from || !to) continue
            const arrowId = `shape:benchlink${i}` as never
            editor.createShape({
              id: arrowId,
              type: 'arrow',
              x: from.center.x,
              y: from.center.y,
              props: { start: { x: 0, y: 0 }, end: { x: to.center.x - from.center.x, y: to.center.y - from.center.y } },
              meta: { linkType: 'builds-on', createdBy: null, updatedBy: null, createdAt: Date.now(), updatedAt: Date.now() },
            })
            const binding = { normalizedAnchor: { x: 0.5, y: 0.5 }, isExact: false, isPrecise: false, snap: 'none' as const }
            editor.createBindings([
              { type: 'arrow', fromId: arrowId, toId: ids[i] as never, props: { ...binding, terminal: 'start' } },
              { type: 'arrow', fromId: arrowId, toId: ids[i + 1] as never, props: { ...binding, terminal: 'end' } },
            ])
            made++
          }
        })
        await new Promise((resolvePromise) => setTimeout(resolvePromise, 50))
      }
      // What the editor really made (it refuses shapes past its per-page limit).
      return made === 0 ? 0 : editor.getCurrentPageShapes().filter((shape) => shape.type === 'arrow').length
    }, seeded.shapeIds)
    const expected = await page.evaluate(() => window.__thinkTogether!.doc.getMap('tldraw:records').size)
    await storedBy(server, seeded.board, (doc) => doc.getMap('tldraw:records').size >= expected, 'the links to be stored')
    return links
  } finally {
    await page.context().close()
  }
}

interface OpenFigures {
  firstCardMs: number
  interactiveMs: number
}

/** A fresh page opens the board: first card on screen, then every shape in the editor and two quick frames in a row. */
async function measureOpen(browser: Browser, seeded: Seeded, jsBytes?: Map<string, number>): Promise<OpenFigures> {
  // BENCH_BROWSER_PROFILE_OPEN: Chrome's CPU profile of the first open of each size, from navigation to interactive.
  let stopProfile: (() => Promise<void>) | null = null
  const profileOpen = process.env.BENCH_BROWSER_PROFILE_OPEN && jsBytes === undefined && !profiledSizes.has(seeded.cards)
  const page = await openPage(browser, seeded.board.links.member, `Opener${seeded.cards}`, jsBytes, async (opening) => {
    if (!profileOpen) return
    profiledSizes.add(seeded.cards)
    const cdp = await opening.context().newCDPSession(opening)
    await cdp.send('Profiler.enable')
    await cdp.send('Profiler.setSamplingInterval', { interval: 200 })
    await cdp.send('Profiler.start')
    stopProfile = async () => {
      const { profile } = await cdp.send('Profiler.stop')
      mkdirSync(resolve(ROOT, 'bench-results'), { recursive: true })
      writeFileSync(resolve(ROOT, 'bench-results', `open-${seeded.cards}.cpuprofile`), JSON.stringify(profile))
      progress(`wrote bench-results/open-${seeded.cards}.cpuprofile`)
    }
  })
  try {
    const expected = seeded.cards + seeded.links
    const interactiveMs = await page.evaluate(
      (n) =>
        new Promise<number>((resolvePromise, reject) => {
          const deadline = performance.now() + 180_000
          let loadedAt = 0
          let last = 0
          let quick = 0
          const frame = (now: number) => {
            if (now > deadline) {
              const shapes = window.__thinkTogether?.editor.getCurrentPageShapeIds().size ?? 0
              return reject(new Error(`${shapes} of ${n} shapes in the editor after 180 s`))
            }
            if (!loadedAt) {
              if ((window.__thinkTogether?.editor.getCurrentPageShapeIds().size ?? 0) >= n) loadedAt = now
            } else {
              quick = now - last < 50 ? quick + 1 : 0
              if (quick >= 2) return resolvePromise(last)
            }
            last = now
            requestAnimationFrame(frame)
          }
          requestAnimationFrame(frame)
        }),
      expected,
    )
    await page.waitForFunction(() => (window as unknown as { __firstCardAt?: number }).__firstCardAt !== undefined, null, { timeout: 60_000 })
    const firstCardMs = await page.evaluate(() => (window as unknown as { __firstCardAt: number }).__firstCardAt)
    await (stopProfile as (() => Promise<void>) | null)?.()
    return { firstCardMs: round(firstCardMs), interactiveMs: round(interactiveMs) }
  } finally {
    await page.context().close()
  }
}

/** Simulated members: stock clients, each moving a card of its own MEMBER_RATE times a second. */
function startMembers(server: ServerProcess, seeded: Seeded): { stop: () => void; clients: TestClient[] } {
  const clients: TestClient[] = []
  const timers: NodeJS.Timeout[] = []
  for (let m = 0; m < MEMBERS; m++) {
    const client = connectClient(server.wsUrl, seeded.board.id, seeded.board.tokens.member)
    clients.push(client)
    const shapeId = seeded.shapeIds[seeded.shapeIds.length - 1 - m]
    let step = 0
    const timer = setInterval(() => {
      if (!client.provider.synced) return
      const records = client.doc.getMap<Record<string, unknown>>('tldraw:records')
      const record = records.get(shapeId)
      if (record) records.set(shapeId, { ...record, x: Number(record.x) + (step++ % 2 === 0 ? 5 : -5) })
    }, 1000 / MEMBER_RATE)
    timers.push(timer)
  }
  return {
    clients,
    stop: () => {
      for (const timer of timers) clearInterval(timer)
      for (const client of clients) client.destroy()
    },
  }
}

/** A change in one page, seen in another (both on the board, the members editing meanwhile). */
async function measureDelay(sender: Page, receiver: Page, shapeIds: string[]): Promise<number[]> {
  await receiver.evaluate(() => {
    const w = window as unknown as { __seen: Record<string, number> }
    w.__seen = {}
    window.__thinkTogether!.editor.store.listen(
      (entry) => {
        for (const [, to] of Object.values(entry.changes.updated)) {
          if (to.typeName === 'shape' && (to.meta as { benchMark?: number }).benchMark !== undefined)
            w.__seen[`${to.id}:${(to.meta as { benchMark: number }).benchMark}`] = Date.now()
        }
      },
      { source: 'remote' },
    )
  })
  const delays: number[] = []
  for (let i = 0; i < CHANGES; i++) {
    const shapeId = shapeIds[i % 10]
    const sentAt = await sender.evaluate(
      ({ id, mark }) => {
        const editor = window.__thinkTogether!.editor
        const shape = editor.getShape(id as never)!
        const sent = Date.now()
        editor.updateShape({ id: shape.id, type: shape.type, x: shape.x + (mark % 2 === 0 ? 10 : -10), meta: { ...shape.meta, benchMark: mark } })
        return sent
      },
      { id: shapeId, mark: i },
    )
    const seenAt = await receiver
      .waitForFunction((key) => (window as unknown as { __seen: Record<string, number> }).__seen[key], `${shapeId}:${i}`, { polling: 5, timeout: 20_000 })
      .then((handle) => handle.jsonValue() as Promise<number>)
    delays.push(seenAt - sentAt)
    await sender.waitForTimeout(50)
  }
  return delays
}

/** Selects DRAG_CARDS cards, zooms to them, drags them with the mouse and records every frame's time. */
async function measureDrag(page: Page, shapeIds: string[]): Promise<number[]> {
  const start = await page.evaluate(
    (ids) => {
      const editor = window.__thinkTogether!.editor
      editor.select(...(ids as never[]))
      editor.zoomToSelection({ animation: { duration: 0 } })
      const bounds = editor.getShapePageBounds(ids[0] as never)!
      const point = editor.pageToViewport(bounds.center)
      return { x: point.x, y: point.y }
    },
    shapeIds.slice(0, DRAG_CARDS),
  )
  await page.evaluate(() => {
    const w = window as unknown as { __frames: number[]; __recording: boolean }
    w.__frames = []
    w.__recording = true
    let last = performance.now()
    const frame = (now: number) => {
      w.__frames.push(now - last)
      last = now
      if (w.__recording) requestAnimationFrame(frame)
    }
    requestAnimationFrame(frame)
  })
  await page.mouse.move(start.x, start.y)
  await page.mouse.down()
  for (let step = 1; step <= 60; step++) {
    await page.mouse.move(start.x + step * 4, start.y + Math.sin(step / 6) * 40)
    await page.waitForTimeout(16)
  }
  await page.mouse.up()
  const frames = await page.evaluate(() => {
    const w = window as unknown as { __frames: number[]; __recording: boolean }
    w.__recording = false
    return w.__frames.slice(1)
  })
  const moved = await page.evaluate(
    (ids) => {
      const editor = window.__thinkTogether!.editor
      return editor.getSelectedShapeIds().length === ids.length
    },
    shapeIds.slice(0, DRAG_CARDS),
  )
  if (!moved) throw new Error('the drag lost the selection')
  return frames
}

async function main(): Promise<void> {
  ensureClientBuild()
  const server = await startServerProcess({
    serveClient: true,
    env: { LOG_LEVEL: 'info', MAX_CONNECTIONS_PER_ADDRESS: '1000', MAX_CONNECTIONS_PER_TOKEN: '1000' },
  })
  const browser = await launchBrowser()
  const results: Record<string, unknown> = { date: new Date().toISOString(), sizes: SIZES, members: MEMBERS }
  try {
    const homeBytes = new Map<string, number>()
    const home = await openPage(browser, server.url, 'Home', homeBytes)
    await home.waitForLoadState('networkidle')
    await home.context().close()

    const rows: string[][] = []
    const boardBytes = new Map<string, number>()
    let largest: Seeded | null = null
    for (const size of SIZES) {
      const seededCards = await seedCards(browser, server, size)
      progress(`seeded ${size} cards`)
      const links = process.env.BENCH_BROWSER_NO_LINKS ? 0 : await seedLinks(browser, server, seededCards)
      progress(`seeded ${links} links`)
      const seeded: Seeded = { ...seededCards, cards: size, links }
      const opens: OpenFigures[] = []
      for (let run = 0; run < 3; run++) {
        opens.push(await measureOpen(browser, seeded, run === 0 && size === SIZES[0] ? boardBytes : undefined))
        progress(`opened the ${size}-card board: first card ${opens[run].firstCardMs} ms, interactive ${opens[run].interactiveMs} ms`)
      }
      const firstCard = percentile(
        opens.map((o) => o.firstCardMs),
        50,
      )
      const interactive = percentile(
        opens.map((o) => o.interactiveMs),
        50,
      )
      results[`open${size}`] = opens
      rows.push([`open a board of ${size} cards and ${links} links: first card on screen (median of 3)`, `${firstCard} ms`])
      rows.push([`open a board of ${size} cards and ${links} links: interactive (median of 3)`, `${interactive} ms`])
      largest = seeded
    }
    if (!largest) throw new Error('no board size to measure')

    const members = startMembers(server, largest)
    try {
      await waitFor(() => members.clients.every((client) => client.provider.synced), 120_000, 'the simulated members to sync')
      const sender = await openPage(browser, largest.board.links.member, 'Sender')
      const receiver = await openPage(browser, largest.board.links.member, 'Receiver')
      const loaded = (page: Page) =>
        page.waitForFunction((n) => (window.__thinkTogether?.editor.getCurrentPageShapeIds().size ?? 0) >= n, largest.cards + largest.links, {
          timeout: 180_000,
          polling: 200,
        })
      await Promise.all([loaded(sender), loaded(receiver)])
      progress(`${MEMBERS} members and two pages on the ${largest.cards}-card board`)
      if (process.env.BENCH_BROWSER_PROFILE) {
        // Where the receiving page spends its time while the members edit (Chrome's CPU profile).
        const cdp = await receiver.context().newCDPSession(receiver)
        await cdp.send('Profiler.enable')
        await cdp.send('Profiler.start')
        await receiver.waitForTimeout(5_000)
        const { profile } = await cdp.send('Profiler.stop')
        mkdirSync(resolve(ROOT, 'bench-results'), { recursive: true })
        writeFileSync(resolve(ROOT, 'bench-results', 'receiver.cpuprofile'), JSON.stringify(profile))
        progress('wrote bench-results/receiver.cpuprofile (5 s of the receiving page)')
      }
      const delays = await measureDelay(sender, receiver, largest.shapeIds)
      progress(`page-to-page delay median ${round(percentile(delays, 50))} ms`)
      results.delays = delays
      rows.push([
        `change in one page seen in another, ${MEMBERS} members editing (${CHANGES} changes): median / p95 / max`,
        `${round(percentile(delays, 50))} / ${round(percentile(delays, 95))} / ${round(Math.max(...delays))} ms`,
      ])
      const frames = await measureDrag(sender, largest.shapeIds)
      results.dragFrames = frames
      rows.push([
        `drag ${DRAG_CARDS} selected cards, ${MEMBERS} members online (${frames.length} frames): median / p95 / max frame`,
        `${round(percentile(frames, 50))} / ${round(percentile(frames, 95))} / ${round(Math.max(...frames))} ms`,
      ])
      await sender.context().close()
      await receiver.context().close()
    } finally {
      members.stop()
    }
    const total = (bytes: Map<string, number>) => [...bytes.values()].reduce((a, b) => a + b, 0)
    results.jsBytes = { home: Object.fromEntries(homeBytes), board: Object.fromEntries(boardBytes) }
    rows.push([`JS loaded by the home page, gzip (${homeBytes.size} files)`, `${(total(homeBytes) / 1024).toFixed(0)} KiB`])
    rows.push([`JS loaded by a board page, gzip (${boardBytes.size} files)`, `${(total(boardBytes) / 1024).toFixed(0)} KiB`])

    console.log('\nbrowser figures (Chromium, 1280×800)')
    for (const [name, value] of rows) console.log(`  ${name.padEnd(100)} ${value}`)
    mkdirSync(resolve(ROOT, 'bench-results'), { recursive: true })
    writeFileSync(resolve(ROOT, 'bench-results', 'browser.json'), JSON.stringify({ ...results, rows }, null, 2))
  } finally {
    // What the server had to say beyond the everyday (refusals, closes, connections that fell behind).
    const said = new Map<string, number>()
    for (const line of server.logs) {
      const level = Number(line.level)
      const msg = String(line.msg)
      if (level < 40 && !/behind|caught up/.test(msg)) continue
      const key = `${level >= 50 ? 'error' : level >= 40 ? 'warn' : 'info'}: ${msg}${line.closeCode ? ` (${line.closeCode})` : ''}`
      said.set(key, (said.get(key) ?? 0) + 1)
    }
    if (said.size > 0) progress(`the server said: ${[...said].map(([msg, count]) => `${msg} ×${count}`).join('; ')}`)
    await browser.close()
    await server.stop()
    removeDataDir(server.dataDir)
  }
}

await main()
