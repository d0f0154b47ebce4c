/**
 * Export, import and templates in real Chromium against the built app and the real server: the
 * home page's templates with previews and its import (a CSV becomes cards; a broken file is
 * refused with its line and no board), and the board menu's Export… giving a Markdown synthesis
 * and a PNG of the canvas that are checked as files. Screenshots go to docs/screenshots/.
 */
import { readFileSync } from 'node:fs'
import type { Page } from 'playwright-core'
import { describe, expect, test } from 'vitest'
import type { BoardFile } from '../../shared/exchange/boardFile'
import { browserAvailable } from '../helpers/browser'
import { useBrowserBoard } from '../helpers/browserBoard'

const available = browserAvailable()
const suite = useBrowserBoard(available, 'Why do handovers fail?', 'Handovers lose information between shifts.')
const SCREENSHOTS = 'docs/screenshots'

async function exportJson(boardId: string, token: string): Promise<BoardFile> {
  const response = await fetch(`${suite.server.url}/api/boards/${boardId}/export?format=json`, { headers: { Authorization: `Bearer ${token}` } })
  expect(response.status).toBe(200)
  return (await response.json()) as BoardFile
}

const tokenOf = (link: string) => new URL(link).hash.replace('#token=', '')

async function openHome(label: string): Promise<Page> {
  const page = await (await suite.newContext(label, { viewport: { width: 1280, height: 1100 } })).newPage()
  await page.goto(suite.server.url)
  await page.getByTestId('template-five-whys').waitFor({ timeout: 20_000 })
  return page
}

describe.skipIf(!available)('the home page', () => {
  test('shows the templates with previews, and a board starts from the one chosen by keyboard', async () => {
    const page = await openHome('home-templates')
    await page.getByTestId('create-board-title').fill('Why did the launch slip?')
    await page.getByTestId('create-board-problem').fill('The launch slipped twice this year.')
    // Arrow keys move through the radio group, as in any: empty → problem framing → IBIS → causal map → five whys.
    await page.getByTestId('template-empty').locator('input').focus()
    for (let i = 0; i < 4; i++) await page.keyboard.press('ArrowRight')
    expect(await page.getByTestId('template-five-whys').locator('input').isChecked()).toBe(true)
    expect(await page.locator('.tt-template__picture').count()).toBe(6)
    await page.screenshot({ path: `${SCREENSHOTS}/exchange-home-templates.png`, fullPage: true })
    await page.getByTestId('create-board-submit').click()
    const observer = page.getByTestId('board-link-observer')
    await observer.waitFor({ timeout: 20_000 })
    const link = await observer.inputValue()
    const file = await exportJson(new URL(link).pathname.split('/').pop()!, tokenOf(link))
    expect(file.board.title).toBe('Why did the launch slip?')
    expect(file.canvas.cards).toHaveLength(6)
  })

  test('imports a CSV as cards on a new board, and refuses a broken board file naming its line', async () => {
    const page = await openHome('home-import')
    // The refused import is a 400 the page answers with its message.
    suite.watch.allow(/status of 400/)
    await page
      .getByTestId('import-board-file')
      .setInputFiles({ name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from('{\n "format": "think-together.board",\n oops\n}') })
    await page.getByTestId('import-board-submit').click()
    const error = page.getByTestId('import-board-error')
    await error.waitFor({ timeout: 20_000 })
    expect(await error.textContent()).toMatch(/^broken\.json: line 3: this is not valid JSON/)
    await page.screenshot({ path: `${SCREENSHOTS}/exchange-home-import-refused.png`, fullPage: true })

    await page.getByTestId('create-board-title').fill('From the workshop wall')
    await page.getByTestId('create-board-problem').fill('What did the sticky notes say?')
    await page.getByTestId('import-board-file').setInputFiles({
      name: 'notes.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from('text,kind,author\nNobody owns the list,concern,Ada\nA shared checklist,idea,Bea\n'),
    })
    await page.getByTestId('import-board-submit').click()
    const observer = page.getByTestId('board-link-observer')
    await observer.waitFor({ timeout: 20_000 })
    const link = await observer.inputValue()
    const file = await exportJson(new URL(link).pathname.split('/').pop()!, tokenOf(link))
    expect(file.board.title).toBe('From the workshop wall')
    expect(file.canvas.cards.map((card) => `${card.kind}:${card.author?.name}:${card.text}`).sort()).toEqual([
      'concern:Ada:Nobody owns the list',
      'idea:Bea:A shared checklist',
    ])
  })
})

describe.skipIf(!available)('the board menu', () => {
  test('Export… gives a Markdown synthesis and a PNG of the canvas, as files', async () => {
    const created = await fetch(`${suite.server.url}/api/boards`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ title: 'Causes of slow handovers', problem: 'Handovers take 40 minutes.', template: 'causal-map' }),
    })
    const { links } = (await created.json()) as { links: Record<string, string> }
    const page = await (await suite.newContext('board-export')).newPage()
    await page.goto(links.observer)
    await page.getByTestId('name-dialog-input').fill('Olga')
    await page.getByTestId('name-dialog-submit').click()
    await page.waitForFunction(() => window.__thinkTogether?.provider.synced === true, null, { timeout: 20_000 })
    // The causal map's four cards and three links.
    await page.waitForFunction(() => (window.__thinkTogether?.editor.getCurrentPageShapeIds().size ?? 0) === 7, null, { timeout: 20_000 })

    await page.getByTestId('main-menu.button').click()
    await page.getByTestId('main-menu-sub.tt-export-menu-button').click()
    await page.getByTestId('main-menu.tt-export-md').waitFor({ timeout: 10_000 })
    await page.screenshot({ path: `${SCREENSHOTS}/exchange-export-menu.png` })
    const [markdownDownload] = await Promise.all([page.waitForEvent('download', { timeout: 20_000 }), page.getByTestId('main-menu.tt-export-md').click()])
    expect(markdownDownload.suggestedFilename()).toBe('Causes of slow handovers.md')
    const markdown = readFileSync((await markdownDownload.path())!, 'utf8')
    expect(markdown).toMatch(/^# Causes of slow handovers\n\n## The problem\n\nHandovers take 40 minutes\./)
    expect(markdown).toContain('- “A cause” leads to “What it leads to”.')

    await page.getByTestId('main-menu.button').click()
    await page.getByTestId('main-menu-sub.tt-export-menu-button').click()
    const [pngDownload] = await Promise.all([page.waitForEvent('download', { timeout: 30_000 }), page.getByTestId('main-menu.tt-export-png').click()])
    expect(pngDownload.suggestedFilename()).toBe('Causes of slow handovers.png')
    const png = readFileSync((await pngDownload.path())!)
    expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a')
    const width = png.readUInt32BE(16)
    const height = png.readUInt32BE(20)
    // Four cards across 1,040 px of canvas and 440 px down, with padding: a picture of all of them.
    expect(width).toBeGreaterThan(1000)
    expect(height).toBeGreaterThan(400)
  })
})
