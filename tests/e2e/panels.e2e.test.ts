/**
 * The board's one panel area and status line (issue 13), in Debian's Chromium against the built
 * app and the real server: one panel open at a time, kept across a reload; keyboard in and out of
 * a panel; nothing of ours covering the problem statement or tldraw's toolbar at 1440×900,
 * 1280×720 or 1024×768 whichever panel is open; the lock winning over the phase in the status
 * line; and a 1024×768 tablet with touch input (Chromium's touch emulation): tap to add a card,
 * open a panel and reply, every control of ours at least 44 px.
 */
import { describe, expect, test } from 'vitest'
import type { Page } from 'playwright-core'
import { browserAvailable } from '../helpers/browser'
import { useBrowserBoard } from '../helpers/browserBoard'
import { ensurePanel, openBoardAs } from '../helpers/workshopScene'

const available = browserAvailable()
const suite = useBrowserBoard(available, 'How do we onboard new nurses?', 'New nurses say the first month feels overwhelming. What would make it better?')
const PANELS = [
  { toggle: 'conversation-toggle', content: 'conversation-panel' },
  { toggle: 'facilitation-controls-toggle', content: 'facilitation-controls' },
  { toggle: 'drafts-toggle', content: 'drafts-round-controls' },
  { toggle: 'voting-toggle', content: 'voting-panel' },
  { toggle: 'tours-toggle', content: 'tours-list' },
  { toggle: 'outline-toggle', content: 'outline' },
] as const

/** Points of `selector`'s box (a 5×3 grid inside it) where the topmost element is not inside it. */
function coveredPoints(page: Page, selector: string): Promise<string[]> {
  return page.evaluate((selector) => {
    const target = document.querySelector(selector)
    if (!target) return [`${selector} is missing`]
    const box = target.getBoundingClientRect()
    const covered: string[] = []
    for (let i = 1; i <= 5; i++) {
      for (let j = 1; j <= 3; j++) {
        const x = box.left + (box.width * i) / 6
        const y = box.top + (box.height * j) / 4
        const hit = document.elementFromPoint(x, y)
        if (hit && !target.contains(hit)) covered.push(`${Math.round(x)},${Math.round(y)} by ${hit.className}`)
      }
    }
    return covered
  }, selector)
}

const openPanels = (page: Page) => page.locator('[data-testid="dock-panel"]').count()

describe.skipIf(!available)('the dock and the status line', () => {
  let fay: Page

  test('one panel at a time: opening another closes the first, and the open one is kept across a reload', { timeout: 120_000 }, async () => {
    fay = await openBoardAs(suite, suite.board.links.facilitator, 'Fay', { viewport: { width: 1440, height: 900 } })
    for (const panel of PANELS) {
      await ensurePanel(fay, panel.toggle, panel.content)
      expect(await openPanels(fay)).toBe(1)
      expect(await fay.getByTestId(panel.toggle).getAttribute('aria-expanded')).toBe('true')
    }
    await ensurePanel(fay, 'voting-toggle', 'voting-panel')
    await fay.reload()
    await fay.getByTestId('voting-panel').waitFor({ timeout: 30_000 })
    expect(await openPanels(fay)).toBe(1)
    await fay.getByTestId('voting-toggle').click()
    await expect.poll(() => openPanels(fay)).toBe(0)
    await fay.reload()
    await fay.getByTestId('dock-rail').waitFor({ timeout: 30_000 })
    expect(await openPanels(fay)).toBe(0)
  })

  test('from the keyboard: Enter on a rail button puts focus in its panel, Escape closes it and returns to the button', async () => {
    await fay.getByTestId('tours-toggle').focus()
    await fay.keyboard.press('Enter')
    await fay.getByTestId('tours-list').waitFor()
    await expect.poll(() => fay.evaluate(() => document.activeElement?.closest('[data-testid="dock-panel"]') !== null)).toBe(true)
    await fay.keyboard.press('Escape')
    await expect.poll(() => openPanels(fay)).toBe(0)
    await expect.poll(() => fay.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('tours-toggle')
  })

  test('no panel covers the problem statement or tldraw’s toolbar, at 1440×900, 1280×720 and 1024×768', { timeout: 180_000 }, async () => {
    for (const viewport of [
      { width: 1440, height: 900 },
      { width: 1280, height: 720 },
      { width: 1024, height: 768 },
    ]) {
      await fay.setViewportSize(viewport)
      for (const panel of PANELS) {
        await ensurePanel(fay, panel.toggle, panel.content)
        for (const selector of ['[data-testid="problem-panel"]', '.tlui-main-toolbar__inner', '[data-testid="status-line"]']) {
          expect(await coveredPoints(fay, selector), `${selector} at ${viewport.width}×${viewport.height} with ${panel.toggle}`).toEqual([])
        }
      }
    }
    await fay.setViewportSize({ width: 1440, height: 900 })
  })

  test('on a 1024×768 tablet with touch: tap to add a card, open a panel and reply; our controls are at least 44 px', { timeout: 120_000 }, async () => {
    const tablet = await openBoardAs(suite, suite.board.links.member, 'Tia', { viewport: { width: 1024, height: 768 }, hasTouch: true, isMobile: true })
    expect(await tablet.evaluate(() => matchMedia('(pointer: coarse)').matches)).toBe(true)
    const cardsBefore = await tablet.evaluate(() => window.__thinkTogether!.doc.getMap('cards').size)
    await tablet.getByTestId('add-card-idea').tap()
    await expect.poll(() => tablet.evaluate(() => window.__thinkTogether!.doc.getMap('cards').size), { timeout: 10_000 }).toBe(cardsBefore + 1)
    await tablet.keyboard.type('Pair each new nurse with a buddy')
    await tablet.keyboard.press('Escape')
    const small = await tablet.evaluate(() =>
      [...document.querySelectorAll<HTMLElement>('[data-testid="dock-rail"] button, [data-testid="contribution-palette"] button')]
        .map((element) => ({ name: element.textContent, box: element.getBoundingClientRect() }))
        .filter(({ box }) => box.height < 44 || box.width < 44)
        .map(({ name, box }) => `${name}: ${Math.round(box.width)}×${Math.round(box.height)}`),
    )
    expect(small).toEqual([])
    await tablet.getByTestId('outline-toggle').tap()
    await tablet.getByTestId('outline').waitFor()
    const card = tablet.locator('[data-testid="outline-card"]', { hasText: 'Pair each new nurse with a buddy' })
    await card.waitFor({ timeout: 10_000 })
    const reply = card.getByTestId('outline-reply-input')
    await reply.tap()
    await reply.fill('Buddies need protected time')
    await card.getByTestId('outline-reply-send').tap()
    await card.getByTestId('outline-replies').getByText('Buddies need protected time').waitFor({ timeout: 10_000 })
    const panelControls = await tablet.evaluate(() =>
      [...document.querySelectorAll<HTMLElement>('[data-testid="dock-panel"] button')]
        .map((element) => ({ name: element.textContent, box: element.getBoundingClientRect() }))
        .filter(({ box }) => box.height > 0 && box.height < 44)
        .map(({ name, box }) => `${name}: ${Math.round(box.height)}`),
    )
    expect(panelControls).toEqual([])
    // The reply went through the server to the facilitator's page.
    const threadsAtFay = () => fay.evaluate(() => JSON.stringify(window.__thinkTogether!.conversationDoc.getMap('threads').toJSON()))
    await expect.poll(threadsAtFay, { timeout: 10_000 }).toContain('Buddies need protected time')
    await tablet.screenshot({ path: 'docs/accessibility/after-tablet-touch.png' })
  })
  test('the status line never contradicts itself: while the board is locked it says so instead of what the phase allows', async () => {
    const ada = await openBoardAs(suite, suite.board.links.member, 'Ada')
    await ensurePanel(fay, 'facilitation-controls-toggle', 'facilitation-controls')
    await fay.getByTestId('phase-preset').selectOption('link-and-cluster')
    await fay.getByTestId('phase-add').click()
    await fay.getByTestId('phase-next').click()
    await expect.poll(() => ada.getByTestId('phase-member-actions').textContent(), { timeout: 10_000 }).toContain('Members may')
    await fay.getByTestId('lock-board').check()
    await expect.poll(() => ada.getByTestId('lock-notice').textContent(), { timeout: 10_000 }).toBe('Board locked by the facilitator')
    expect(await ada.getByTestId('phase-member-actions').count()).toBe(0)
    expect(await fay.getByTestId('phase-member-actions').count()).toBe(0)
    await fay.getByTestId('lock-board').uncheck()
    await expect.poll(() => ada.getByTestId('phase-member-actions').count(), { timeout: 10_000 }).toBe(1)
    expect(await ada.getByTestId('lock-notice').count()).toBe(0)
  })
})
