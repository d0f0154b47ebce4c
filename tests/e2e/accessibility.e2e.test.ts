/**
 * The board as a facilitator meets it during a workshop (issue 13), in Debian's Chromium against
 * the built app and the real server: a facilitator, three members and an observer; six cards, the
 * timer running, the board locked, a spotlight, a think-alone round and a vote open, and every
 * panel the facilitator reaches for opened by its button. Measures, at 1440×900, 1280×720 and
 * 1024×768, the share of the screen our panels cover, axe-core's violations on the home page, a
 * board and each panel, and the Tab order from the canvas; writes the figures and screenshots to
 * docs/accessibility/ (prefixed with A11Y_STAGE, "after" unless told), then holds them to the bar.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { describe, expect, test } from 'vitest'
import type { Page } from 'playwright-core'
import { browserAvailable } from '../helpers/browser'
import { useBrowserBoard } from '../helpers/browserBoard'
import { axeViolations, measureCoverage, severe, tabOrder, type AxeViolation, type Coverage } from '../helpers/pageAudit'
import { coveredButtons, openBoardAs, PANELS, ensurePanel, setUpWorkshop } from '../helpers/workshopScene'

const available = browserAvailable()
const suite = useBrowserBoard(available, 'How do we onboard new nurses?', 'New nurses say the first month feels overwhelming. What would make it better?')
const STAGE = process.env.A11Y_STAGE ?? 'after'
const OUT = 'docs/accessibility'
const VIEWPORTS = [
  { width: 1440, height: 900 },
  { width: 1280, height: 720 },
  { width: 1024, height: 768 },
] as const

interface Figures {
  /** By screen size, then by the panel just opened. */
  coverage: Record<string, Record<string, Coverage>>
  /** By screen size, with every panel closed (the dock down to its rail). */
  rail: Record<string, Coverage>
  axe: Record<string, AxeViolation[]>
  tabOrder: string[]
  coveredButtons: string[]
}
const rails: Record<string, Coverage> = {}
const figures: Figures = { coverage: {}, rail: rails, axe: {}, tabOrder: [], coveredButtons }
const sizeName = ({ width, height }: { width: number; height: number }) => `${width}x${height}`

async function focusCanvas(page: Page): Promise<void> {
  await page.evaluate(() => {
    window.__thinkTogether!.editor.focus()
    document.querySelector<HTMLElement>('.tl-container')?.focus()
  })
}

describe.skipIf(!available)('a board during a workshop, as a facilitator meets it', () => {
  let fay: Page

  test('measures coverage, axe-core violations and the Tab order, and writes them down', { timeout: 300_000 }, async () => {
    mkdirSync(OUT, { recursive: true })
    const homeContext = await suite.newContext('home')
    const home = await homeContext.newPage()
    await home.goto(suite.server.url)
    await home.getByRole('heading').first().waitFor()
    figures.axe.home = await axeViolations(home)
    await home.screenshot({ path: `${OUT}/${STAGE}-home.png` })

    fay = await openBoardAs(suite, suite.board.links.facilitator, 'Fay', { viewport: VIEWPORTS[0] })
    for (const name of ['Ada', 'Bea', 'Cem']) await openBoardAs(suite, suite.board.links.member, name)
    await openBoardAs(suite, suite.board.links.observer, 'Oli')
    await setUpWorkshop(fay)
    figures.axe.board = await axeViolations(fay)
    for (const panel of PANELS) {
      await ensurePanel(fay, panel.toggle, panel.content)
      figures.axe[panel.name] = await axeViolations(fay)
    }
    await focusCanvas(fay)
    figures.tabOrder = await tabOrder(fay, 16)

    for (const viewport of VIEWPORTS) {
      // The same page resized (tldraw lays itself out again): fewer browsers on a shared machine.
      const page = fay
      await page.setViewportSize(viewport)
      // Each panel opened in turn (before issue 13 they all stayed open at once), measured after each.
      const shares: Record<string, Coverage> = {}
      for (const panel of PANELS) {
        await ensurePanel(page, panel.toggle, panel.content)
        shares[panel.name] = await measureCoverage(page)
      }
      if (STAGE !== 'before') {
        await page.getByTestId(PANELS[PANELS.length - 1].toggle).click()
        await page.getByTestId('dock-panel').waitFor({ state: 'detached' })
        rails[sizeName(viewport)] = await measureCoverage(page)
        await page.getByTestId(PANELS[PANELS.length - 1].toggle).click()
      }
      figures.coverage[sizeName(viewport)] = shares
      await page.screenshot({ path: `${OUT}/${STAGE}-${sizeName(viewport)}.png` })
    }
    writeFileSync(`${OUT}/figures-${STAGE}.json`, `${JSON.stringify(figures, null, 2)}\n`)
  })

  test('no panel button is covered by anything else', () => {
    expect(figures.coveredButtons).toEqual([])
  })

  test('our chrome covers under 40 % of the screen whichever panel is open, and under a quarter with the dock on its rail', () => {
    for (const viewport of VIEWPORTS) {
      const shares = Object.values(figures.coverage[sizeName(viewport)] ?? {})
      expect(shares, sizeName(viewport)).toHaveLength(PANELS.length)
      for (const share of shares) expect(share.ours, sizeName(viewport)).toBeLessThan(0.4)
      expect(figures.rail[sizeName(viewport)]?.ours, sizeName(viewport)).toBeLessThan(0.25)
    }
  })

  test('axe-core finds no serious or critical violation on the home page, the board and each panel', () => {
    expect(Object.keys(figures.axe)).toHaveLength(2 + PANELS.length)
    for (const [where, violations] of Object.entries(figures.axe)) expect(severe(violations), where).toEqual([])
  })

  test('from the canvas, Tab reaches the palette, the panels and the facilitation bar before any card control', () => {
    const firstOnCard = figures.tabOrder.findIndex((stop) => stop.includes('[on a card]'))
    const before = firstOnCard === -1 ? figures.tabOrder : figures.tabOrder.slice(0, firstOnCard)
    for (const expected of ['in contribution-palette', 'in dock-rail', 'in facilitation-bar'])
      expect(
        before.some((stop) => stop.includes(expected)),
        expected,
      ).toBe(true)
  })
})
