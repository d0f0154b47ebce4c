/**
 * A workshop in full swing, set up through a facilitator's own screen the way a facilitator would:
 * six cards, two phases with the timer running, the board locked, the facilitator's spotlight on,
 * a think-alone round and a vote on four cards open; `PANELS` are the panels a facilitator reaches
 * for (Facilitate, Drafts, Voting, Tours, Conversation, Outline), each opened by its button.
 */
import type { BrowserContextOptions, Page } from 'playwright-core'
import type { BrowserBoard } from './browserBoard'
import { addCard } from './pageCards'

export async function openBoardAs(suite: BrowserBoard, link: string, name: string, options: BrowserContextOptions = {}): Promise<Page> {
  const context = await suite.newContext(name, options)
  const page = await context.newPage()
  await page.goto(link)
  await page.getByTestId('name-dialog-input').fill(name)
  await page.getByTestId('name-dialog-submit').click()
  await page.waitForFunction(() => window.__thinkTogether?.provider.synced === true, null, { timeout: 30_000 })
  await page.locator('[data-testid="connection-indicator"][data-status="connected"]').waitFor({ timeout: 30_000 })
  return page
}

/** Buttons a pointer could not reach because something covered them, by test id. */
export const coveredButtons: string[] = []

/**
 * Opens a panel by its button unless `content` already shows. When something covers the button,
 * notes it in `coveredButtons` and presses it from the keyboard instead.
 */
export async function ensurePanel(page: Page, toggleTestId: string, contentTestId: string): Promise<void> {
  if (await page.getByTestId(contentTestId).isVisible()) return
  const toggle = page.getByTestId(toggleTestId)
  try {
    await toggle.click({ timeout: 5_000 })
  } catch {
    coveredButtons.push(toggleTestId)
    await toggle.focus()
    await page.keyboard.press('Enter')
  }
  await page.getByTestId(contentTestId).waitFor({ state: 'visible', timeout: 10_000 })
}

const CARD_TEXTS = [
  'New nurses do not know whom to ask',
  'Night shifts in the first month',
  'A buddy for the first six weeks',
  'What does “ready” mean to a ward?',
  'I was left alone on my third day',
  'Checklists help, stories help more',
]

export async function setUpWorkshop(fay: Page): Promise<string[]> {
  const center = await fay.evaluate(() => window.__thinkTogether!.editor.getViewportPageBounds().center)
  const shapeIds: string[] = []
  for (const [index, text] of CARD_TEXTS.entries()) {
    const x = Math.round(center.x - 420 + (index % 3) * 280)
    const y = Math.round(center.y - 140 + Math.floor(index / 3) * 200)
    shapeIds.push((await addCard(fay, { kind: index % 2 === 0 ? 'understanding' : 'experience', text, x, y })).shapeId)
  }
  await ensurePanel(fay, 'facilitation-controls-toggle', 'facilitation-controls')
  for (const preset of ['think-alone', 'vote']) {
    await fay.getByTestId('phase-preset').selectOption(preset)
    await fay.getByTestId('phase-add').click()
  }
  await fay.getByTestId('phase-next').click()
  await fay.getByTestId('phase-name').filter({ hasText: /\S/ }).waitFor()
  await fay.getByTestId('timer-start').click()
  await fay.getByTestId('timer').waitFor()
  await fay.getByTestId('lock-board').check()
  await fay.getByTestId('spotlight-toggle').click()
  await fay.getByTestId('lock-notice').waitFor()
  // Entering the Think alone phase opened its round already.
  await ensurePanel(fay, 'drafts-toggle', 'drafts-round-controls')
  await fay.getByTestId('drafts-reveal').waitFor()
  await fay.evaluate(
    (ids) => {
      window.__thinkTogether!.editor.select(...(ids as never[]))
    },
    shapeIds.slice(0, 4),
  )
  await ensurePanel(fay, 'voting-toggle', 'voting-panel')
  await fay.getByTestId('vote-open').click()
  await fay.getByTestId('vote-close').waitFor()
  await fay.evaluate(() => {
    window.__thinkTogether!.editor.selectNone()
  })
  return shapeIds
}

/** The panels a facilitator opens during a workshop, each by its button, in this order. */
export const PANELS = [
  { name: 'Facilitate', toggle: 'facilitation-controls-toggle', content: 'facilitation-controls' },
  { name: 'Drafts', toggle: 'drafts-toggle', content: 'drafts-round-controls' },
  { name: 'Voting', toggle: 'voting-toggle', content: 'voting-panel' },
  { name: 'Tours', toggle: 'tours-toggle', content: 'tours-list' },
  { name: 'Conversation', toggle: 'conversation-toggle', content: 'conversation-panel' },
  { name: 'Map', toggle: 'map-toggle', content: 'map-panel' },
  { name: 'Outline', toggle: 'outline-toggle', content: 'outline' },
] as const
