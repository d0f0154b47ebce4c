/**
 * Joining while many join at once, in real Chromium against the real server with a small
 * allowance of new people per address (PEOPLE_PER_ADDRESS_PER_HOUR): the server answers the
 * browser's request for its personal token with 429 and Retry-After, and the page says calmly
 * that it joins in a moment, waits as long as it was asked, asks again, and opens the board, its
 * websockets going with the personal token it got.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import type { Browser } from 'playwright-core'
import { browserAvailable, launchBrowser, PageWatch } from '../helpers/browser'
import { createBoard, type CreatedBoard } from '../helpers/boardClient'
import { removeDataDir, startServerProcess, type ServerProcess } from '../helpers/serverProcess'

const available = browserAvailable()
/** One new person every 6 s once the allowance is spent. */
const PEOPLE_PER_HOUR = 600

let server: ServerProcess
let browser: Browser
let board: CreatedBoard
const watch = new PageWatch()

beforeAll(async () => {
  if (!available) return
  server = await startServerProcess({ serveClient: true, env: { PEOPLE_PER_ADDRESS_PER_HOUR: String(PEOPLE_PER_HOUR) } })
  browser = await launchBrowser()
  board = await createBoard(server.url, 'How do we hand over patients safely?', 'Handovers lose information between shifts.')
})

afterEach(() => {
  expect(watch.takeProblems(), 'page errors and console errors').toEqual([])
})

afterAll(async () => {
  if (!available) return
  await browser?.close()
  await server?.stop()
  removeDataDir(server.dataDir)
})

describe.skipIf(!available)('joining while many people join', () => {
  test('told to come back later, the page says it joins in a moment, waits, and then opens the board', { timeout: 60_000 }, async () => {
    // Everyone else took this address's allowance of new people.
    let minted = 0
    for (;;) {
      const response = await fetch(`${server.url}/api/boards/${board.id}/people`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${board.tokens.member}` },
      })
      if (response.status === 429) break
      expect(response.status).toBe(201)
      minted++
    }
    expect(minted).toBeGreaterThanOrEqual(PEOPLE_PER_HOUR)

    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
    watch.watch(context, 'ada')
    watch.allow(/status of 429/)
    // Ada has been on other boards: this browser knows her name, so no name dialog covers the page.
    await context.addInitScript(() => {
      if (!location.protocol.startsWith('http')) return
      const identity = { userId: 'ada-browser', name: 'Ada', color: '#FF802B', hasChosenColor: false, practice: '', preferences: {} }
      localStorage.setItem('think-together:identity', JSON.stringify({ state: identity, version: 1 }))
    })
    const page = await context.newPage()
    const sockets: string[] = []
    page.on('websocket', (socket) => sockets.push(socket.url()))
    await page.goto(board.links.member)
    const waiting = page.getByTestId('board-joining-wait')
    await waiting.waitFor({ timeout: 10_000 })
    expect(await waiting.textContent()).toMatch(/Many people are joining right now\. You join in about \d+ seconds?; there is nothing you need to do\./)
    await page.screenshot({ path: 'docs/screenshots/joining-wait-many-people.png' })
    expect(sockets).toEqual([])

    await page.waitForFunction(() => window.__thinkTogether?.provider.synced === true, null, { timeout: 20_000 })
    const personToken = await page.evaluate((key) => JSON.parse(localStorage.getItem(key)!).personToken as string, `think-together:person:${board.id}`)
    expect(personToken.length).toBeGreaterThan(20)
    expect(sockets.length).toBeGreaterThanOrEqual(4)
    // The token goes in the handshake's subprotocols (shared/protocol/tokenProtocol.ts), never in a URL.
    for (const url of sockets) {
      expect(new URL(url).searchParams.get('token')).toBeNull()
      expect(url).not.toContain(personToken)
    }
    await context.close()
  })
})
