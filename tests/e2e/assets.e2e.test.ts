/**
 * A board's files in a real browser (Chromium against the built app and the real server): an
 * image dropped on the board is uploaded and shows in another person's browser with no token in
 * any URL the pages requested (the asset cookie reads it); a facilitator removes the files no
 * shape uses from the "Files" control; and the home page asks for the creation secret when the
 * server needs one and remembers it.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { Page } from 'playwright-core'
import { browserAvailable, launchBrowser, PageWatch } from '../helpers/browser'
import { useBrowserBoard } from '../helpers/browserBoard'
import { removeDataDir, startServerProcess, type ServerProcess } from '../helpers/serverProcess'

const available = browserAvailable()
const suite = useBrowserBoard(available, 'What does a good handover look like?', 'Photos of the whiteboards on the ward.')

/** Every URL each page requested, the websocket's included. */
const requested: string[] = []

async function openBoard(link: string, name: string): Promise<Page> {
  const context = await suite.newContext(name)
  const page = await context.newPage()
  page.on('request', (request) => requested.push(request.url()))
  page.on('websocket', (socket) => requested.push(socket.url()))
  await page.goto(link)
  await page.getByTestId('name-dialog-input').fill(name)
  await page.getByTestId('name-dialog-submit').click()
  await page.waitForFunction(() => window.__thinkTogether?.provider.synced === true, null, { timeout: 60_000 })
  return page
}

/** Drops a 96×64 PNG drawn in the page onto the canvas, as pasting or dragging a file does. */
function dropImage(page: Page, colour: string): Promise<void> {
  return page.evaluate(async (fill) => {
    const canvas = document.createElement('canvas')
    canvas.width = 96
    canvas.height = 64
    const context = canvas.getContext('2d')!
    context.fillStyle = fill
    context.fillRect(0, 0, 96, 64)
    const blob = await new Promise<Blob>((resolve) => canvas.toBlob((made) => resolve(made!), 'image/png'))
    const file = new File([blob], `${fill.slice(1)}.png`, { type: 'image/png' })
    const editor = window.__thinkTogether!.editor
    await editor.putExternalContent({ type: 'files', files: [file], point: editor.getViewportPageBounds().center })
  }, colour)
}

/** The board's image elements that have loaded, by their src. */
function loadedImages(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll<HTMLImageElement>('.tl-image, img')]
      .filter((img) => img.src.includes('/assets/') && img.complete && img.naturalWidth > 0)
      .map((img) => img.src),
  )
}

function imageSrcs(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    window
      .__thinkTogether!.editor.getAssets()
      .map((asset) => ('src' in asset.props ? asset.props.src : null))
      // While the file uploads, tldraw holds a placeholder without a source.
      .filter((src): src is string => typeof src === 'string' && src.length > 0),
  )
}

describe.skipIf(!available)('images on a board', () => {
  let member: Page
  let facilitator: Page

  test('an image one member drops shows in a facilitator’s browser, and no URL any page requested carries a token', { timeout: 120_000 }, async () => {
    member = await openBoard(suite.board.links.member, 'Ada')
    facilitator = await openBoard(suite.board.links.facilitator, 'Fay')
    await dropImage(member, '#3b82f6')
    await expect.poll(() => imageSrcs(facilitator), { timeout: 60_000 }).toHaveLength(1)
    const [src] = await imageSrcs(facilitator)
    expect(src).toMatch(new RegExp(`^/api/boards/${suite.board.id}/assets/[a-f0-9]{40}$`))
    for (const page of [member, facilitator]) {
      await expect.poll(() => loadedImages(page), { timeout: 60_000 }).toEqual([`${suite.server.url}${src}`])
    }
    await facilitator.screenshot({ path: '/tmp/tt-assets-board.png' })
    const assetRequests = requested.filter((url) => url.includes('/assets/') && !url.endsWith('/assets/access'))
    expect(assetRequests.length).toBeGreaterThan(0)
    for (const url of requested) expect(url, 'a requested URL').not.toMatch(/[?&#]token=/)
    const cookies = await facilitator.context().cookies(`${suite.server.url}${src}`)
    expect(cookies).toEqual([expect.objectContaining({ name: 'tt_assets', httpOnly: true, sameSite: 'Strict', path: `/api/boards/${suite.board.id}/assets/` })])
  })

  test('a facilitator removes the files no shape uses from the Files control; members do not see it', { timeout: 120_000 }, async () => {
    expect(await member.getByTestId('unused-files-trigger').count()).toBe(0)
    await facilitator.getByTestId('unused-files-trigger').click()
    await facilitator.getByTestId('unused-files-panel').waitFor()
    await facilitator.screenshot({ path: '/tmp/tt-assets-files-panel.png' })
    await facilitator.getByTestId('unused-files-remove').click()
    // The image was uploaded moments ago and is on the board: nothing to remove.
    await expect.poll(() => facilitator.getByTestId('unused-files-outcome').textContent(), { timeout: 30_000 }).toMatch(/^No unused files to remove\./)
    await facilitator.screenshot({ path: '/tmp/tt-assets-files-outcome.png' })
    await facilitator.keyboard.press('Escape')
    await facilitator.getByTestId('unused-files-panel').waitFor({ state: 'detached' })
  })
})

describe.skipIf(!available)('a board whose files are full', () => {
  let server: ServerProcess
  const watch = new PageWatch()
  let browser: Awaited<ReturnType<typeof launchBrowser>>
  beforeAll(async () => {
    server = await startServerProcess({ serveClient: true, env: { MAX_BOARD_ASSET_BYTES: '500', LOG_LEVEL: 'warn' } })
    browser = await launchBrowser()
  })
  afterAll(async () => {
    await browser?.close()
    await server?.stop()
    if (server) removeDataDir(server.dataDir)
  })

  test('an upload past the quota is refused, the notice names the quota and who can free room, and no empty frame is left', { timeout: 120_000 }, async () => {
    const response = await fetch(`${server.url}/api/boards`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ title: 'T', problem: 'P' }),
    })
    const { links } = (await response.json()) as { links: { member: string } }
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
    watch.watch(context, 'member')
    // The browser logs the refused request, and tldraw logs the failed upload it was told of.
    watch.allow(/status of 413/)
    watch.allow(/files would pass its quota of 500 bytes/)
    const page = await context.newPage()
    await page.goto(links.member)
    await page.getByTestId('name-dialog-input').fill('Ada')
    await page.getByTestId('name-dialog-submit').click()
    await page.waitForFunction(() => window.__thinkTogether?.provider.synced === true, null, { timeout: 60_000 })
    await dropImage(page, '#10b981')
    await expect.poll(() => imageSrcs(page), { timeout: 60_000 }).toHaveLength(1)
    await dropImage(page, '#f59e0b').catch(() => undefined)
    // The toast's title: while it is announced, an aria-live region briefly holds the same words.
    await page.locator('.tlui-toast__title').filter({ hasText: "This board's files are full" }).waitFor({ timeout: 60_000 })
    await page
      .locator('.tlui-toast__description')
      .filter({ hasText: /may add up to 500 bytes\. A facilitator can remove the files no longer on the board\./ })
      .waitFor()
    // The refused file's placeholder goes; the first image stays and shows.
    await expect
      .poll(() => page.evaluate(() => window.__thinkTogether!.editor.getCurrentPageShapes().filter((shape) => shape.type === 'image').length), {
        timeout: 60_000,
      })
      .toBe(1)
    await expect.poll(() => loadedImages(page), { timeout: 60_000 }).toHaveLength(1)
    await page.screenshot({ path: '/tmp/tt-assets-board-full.png' })
    expect(await imageSrcs(page)).toHaveLength(1)
    expect(watch.takeProblems()).toEqual([])
    await context.close()
  })
})

describe.skipIf(!available)('the home page with BOARD_CREATION_TOKEN', () => {
  const SECRET = 'the-ward-team-creates-boards'
  let server: ServerProcess
  const watch = new PageWatch()
  let browser: Awaited<ReturnType<typeof launchBrowser>>
  beforeAll(async () => {
    server = await startServerProcess({ serveClient: true, env: { BOARD_CREATION_TOKEN: SECRET, LOG_LEVEL: 'warn' } })
    browser = await launchBrowser()
  })
  afterAll(async () => {
    await browser?.close()
    await server?.stop()
    if (server) removeDataDir(server.dataDir)
  })

  test('asks for the secret, says when it is wrong, creates with the right one and remembers it', { timeout: 120_000 }, async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
    watch.watch(context, 'home')
    // The refused attempt logs the browser's own "401" line.
    watch.allow(/status of 401/)
    const page = await context.newPage()
    await page.goto(server.url)
    await page.getByTestId('create-board-secret').waitFor()
    await page.getByTestId('create-board-title').fill('Night shift handovers')
    await page.getByTestId('create-board-problem').fill('What gets lost between the night and the day team?')
    await page.getByTestId('create-board-submit').click()
    await expect.poll(() => page.getByTestId('create-board-secret-error').textContent()).toMatch(/creation secret/)
    await page.getByTestId('create-board-secret').fill('not-the-secret')
    await page.getByTestId('create-board-submit').click()
    await expect.poll(() => page.getByTestId('create-board-secret-error').textContent()).toMatch(/not right/)
    await page.screenshot({ path: '/tmp/tt-home-secret.png' })
    await page.getByTestId('create-board-secret').fill(SECRET)
    await page.getByTestId('create-board-submit').click()
    await page.getByTestId('create-board-form').waitFor({ state: 'detached', timeout: 60_000 })
    await page.goto(server.url)
    await page.getByTestId('create-board-secret').waitFor()
    expect(await page.getByTestId('create-board-secret').inputValue()).toBe(SECRET)
    expect(watch.takeProblems()).toEqual([])
    await context.close()
  })
})
