/**
 * History in real browsers (issue 10, item 4): a member adds cards over a few steps; an observer
 * opens the strip under the board, drags the timeline back and sees the board of that moment
 * (read only, in place of the live board, which keeps its cards), with who added what; playback
 * runs to the end; "Back to now" brings the live board back; a facilitator restores a moment as a
 * new board, which opens with that moment's cards.
 */
import { describe, expect, test } from 'vitest'
import type { Page } from 'playwright-core'
import * as Y from 'yjs'
import { HistoryMoment, HistoryTimeline } from '../../shared/api/history'
import { CARDS_MAP } from '../../shared/board/docLayout'
import { controlDocName } from '../../shared/board/docNames'
import { FACILITATION_MAP } from '../../shared/board/facilitation'
import { connectClient, waitForSync } from '../helpers/boardClient'
import { browserAvailable } from '../helpers/browser'
import { useBrowserBoard } from '../helpers/browserBoard'

const available = browserAvailable()
const suite = useBrowserBoard(available, 'How do we hand over at shift change?', 'Information gets lost at handover.', {
  env: { HISTORY_STEP_SECONDS: '0.3' },
})
const SCREENSHOTS = 'docs/screenshots'

async function openBoard(link: string, name: string): Promise<Page> {
  const context = await suite.newContext(name)
  const page = await context.newPage()
  await page.goto(link)
  await page.getByTestId('name-dialog-input').fill(name)
  await page.getByTestId('name-dialog-submit').click()
  await page.waitForFunction(() => window.__thinkTogether?.provider.synced === true, null, { timeout: 20_000 })
  await page.locator('[data-testid="connection-indicator"][data-status="connected"]').waitFor({ timeout: 20_000 })
  return page
}

async function timeline(): Promise<HistoryTimeline> {
  const response = await fetch(`${suite.server.url}/api/boards/${suite.board.id}/history`, {
    headers: { Authorization: `Bearer ${suite.board.tokens.observer}` },
  })
  return HistoryTimeline.parse(await response.json())
}

/** Adds an understanding card with `text` by the keyboard, as a member does. */
async function addCard(page: Page, text: string, x: number, y: number): Promise<void> {
  await page.mouse.click(x, y)
  await page.keyboard.press('Escape')
  await page.keyboard.press('1')
  await page.getByTestId('card-textarea').waitFor()
  await page.keyboard.type(text)
  await page.keyboard.press('Enter')
  await page.getByTestId('card-textarea').waitFor({ state: 'detached' })
}

function cardTexts(page: Page, within: string): Promise<string[]> {
  return page.locator(`${within} [data-testid="card-text"]`).allTextContents()
}

/** Drags the slider's thumb from where it is to the position of step `index` of `count`. */
async function dragTimelineTo(page: Page, index: number, count: number): Promise<void> {
  const slider = page.getByTestId('history-slider')
  const box = (await slider.boundingBox())!
  const thumb = 8
  const xOf = (position: number) => box.x + thumb + ((box.width - 2 * thumb) * position) / Math.max(1, count - 1)
  const current = Number(await slider.inputValue())
  await page.mouse.move(xOf(current), box.y + box.height / 2)
  await page.mouse.down()
  await page.mouse.move((xOf(current) + xOf(index)) / 2, box.y + box.height / 2, { steps: 5 })
  await page.mouse.move(xOf(index), box.y + box.height / 2, { steps: 5 })
  await page.mouse.up()
}

/** The index of the first recorded moment whose canvas holds exactly these cards' texts (waits for it). */
async function stepShowing(texts: string[]): Promise<number> {
  let found = -1
  await expect
    .poll(
      async () => {
        const { steps } = await timeline()
        for (const [index, step] of steps.entries()) {
          const response = await fetch(`${suite.server.url}/api/boards/${suite.board.id}/history/at?t=${step.at}`, {
            headers: { Authorization: `Bearer ${suite.board.tokens.observer}` },
          })
          const canvas = new Y.Doc()
          Y.applyUpdate(canvas, Buffer.from(HistoryMoment.parse(await response.json()).documents.canvas, 'base64'))
          const shown = [...canvas.getMap<Y.Map<unknown>>(CARDS_MAP).values()].map((card) => String(card.get('text'))).sort()
          if (JSON.stringify(shown) === JSON.stringify([...texts].sort())) {
            found = index
            return true
          }
        }
        return false
      },
      { timeout: 30_000, interval: 300 },
    )
    .toBe(true)
  return found
}

let firstCardStep = -1

describe.skipIf(!available)('history in the browser', () => {
  test('dragging the timeline shows the board of that moment, read only, with who added what; the live board is untouched', async () => {
    const ada = await openBoard(suite.board.links.member, 'Ada')
    await addCard(ada, 'Handover happens in the corridor', 400, 300)
    // Typing spreads over several steps: the moment of one whole card is the first step that shows it.
    firstCardStep = await stepShowing(['Handover happens in the corridor'])
    await addCard(ada, 'Nobody reads the written notes', 800, 450)
    await stepShowing(['Handover happens in the corridor', 'Nobody reads the written notes'])

    const olu = await openBoard(suite.board.links.observer, 'Olu')
    await expect.poll(() => cardTexts(olu, '.tt-board__canvas > .tl-container'), { timeout: 20_000 }).toHaveLength(2)
    await olu.screenshot({ path: `${SCREENSHOTS}/history-closed.png` })
    await olu.getByTestId('history-open').click()
    await olu.getByTestId('history-strip').waitFor()
    await expect.poll(async () => Number(await olu.getByTestId('history-slider').getAttribute('max'))).toBeGreaterThan(firstCardStep)
    const count = Number(await olu.getByTestId('history-slider').getAttribute('max')) + 1
    await dragTimelineTo(olu, firstCardStep, count)
    await olu.getByTestId('history-board').waitFor({ timeout: 20_000 })
    await expect.poll(() => cardTexts(olu, '[data-testid="history-board"]'), { timeout: 20_000 }).toEqual(['Handover happens in the corridor'])
    await expect
      .poll(() => olu.getByTestId('history-change').first().textContent(), { timeout: 10_000 })
      .toMatch(/^Ada (added|changed) a card “Handover happens in the corridor”$/)
    // Read only: the moment's editor refuses changes; the live board still has both cards.
    expect(await olu.locator('[data-testid="history-board"] .tl-container').count()).toBe(1)
    const live = await olu.evaluate(() => window.__thinkTogether!.editor.getCurrentPageShapes().filter((shape) => shape.type === 'contribution').length)
    expect(live).toBe(2)
    await olu.screenshot({ path: `${SCREENSHOTS}/history-moment.png` })

    // Arrow keys step through moments, too: one step back, the card was still being typed (or not there).
    await olu.getByTestId('history-slider').focus()
    await olu.keyboard.press('ArrowLeft')
    await expect
      .poll(async () => (await cardTexts(olu, '[data-testid="history-board"]')).every((text) => text !== 'Handover happens in the corridor'), {
        timeout: 20_000,
      })
      .toBe(true)

    // Playback at 60× runs to the last moment, which has both cards.
    await olu.getByTestId('history-speed').selectOption('60')
    await olu.getByTestId('history-play').click()
    await expect.poll(() => cardTexts(olu, '[data-testid="history-board"]'), { timeout: 30_000 }).toHaveLength(2)
    await expect.poll(() => olu.getByTestId('history-play').getAttribute('aria-label'), { timeout: 30_000 }).toBe('Play')

    await olu.getByTestId('history-now').click()
    await olu.getByTestId('history-board').waitFor({ state: 'detached' })
    expect(await olu.getByTestId('history-restore').count()).toBe(0)
  }, 120_000)

  test('a facilitator sees the phase marker and restores a moment as a new board, which opens with that moment’s cards', async () => {
    // The facilitator's own client moves the session into a phase.
    const control = connectClient(suite.server.wsUrl, controlDocName(suite.board.id), suite.board.tokens.facilitator)
    await waitForSync(control)
    control.doc.transact(() => {
      const facilitation = control.doc.getMap<unknown>(FACILITATION_MAP)
      const phases = new Y.Array<unknown>()
      phases.push([{ id: 'share', name: 'Share', instructions: '', durationMs: 0 }])
      facilitation.set('phases', phases)
      facilitation.set('currentPhaseId', 'share')
    })
    await expect.poll(async () => (await timeline()).steps.flatMap((step) => step.markers), { timeout: 20_000 }).toEqual([{ kind: 'phase', label: 'Share' }])
    control.destroy()
    const fay = await openBoard(suite.board.links.facilitator, 'Fay')
    await fay.getByTestId('history-open').click()
    await expect.poll(() => fay.getByTestId('history-marker').getAttribute('title'), { timeout: 10_000 }).toMatch(/^Share · /)
    await expect.poll(async () => Number(await fay.getByTestId('history-slider').getAttribute('max'))).toBeGreaterThan(firstCardStep)
    const count = Number(await fay.getByTestId('history-slider').getAttribute('max')) + 1
    await dragTimelineTo(fay, firstCardStep, count)
    await expect.poll(() => cardTexts(fay, '[data-testid="history-board"]'), { timeout: 20_000 }).toEqual(['Handover happens in the corridor'])
    await fay.getByTestId('history-restore').click()
    const link = await fay.getByTestId('history-restored-link').getAttribute('href', { timeout: 20_000 })
    expect(link).toContain('/b/')
    await fay.screenshot({ path: `${SCREENSHOTS}/history-restored.png` })
    const restored = await openBoard(link!, 'Fay')
    await expect.poll(() => cardTexts(restored, '.tt-board__canvas > .tl-container'), { timeout: 20_000 }).toEqual(['Handover happens in the corridor'])
    expect(await restored.getByTestId('problem-text').textContent()).toContain('Information gets lost at handover.')
  }, 120_000)
})
