/**
 * The outline a screen-reader user reads and acts in (issue 13), in Debian's Chromium against the
 * built app and the real server: opened with Alt+Shift+O; headings and lists for the problem, the
 * cards (kind, author, text) by frame, the links as sentences and the replies; kept live as others
 * add cards; adding a card, reacting, replying and giving a dot from it reach the others through
 * the server; what the phase does not allow is refused from it as from the canvas; and the
 * announcer says the new phase, the timer's last minute and a reveal.
 */
import { writeFileSync } from 'node:fs'
import { describe, expect, test } from 'vitest'
import type { Page } from 'playwright-core'
import { browserAvailable } from '../helpers/browser'
import { useBrowserBoard } from '../helpers/browserBoard'
import { addCard } from '../helpers/pageCards'
import { ensurePanel, openBoardAs } from '../helpers/workshopScene'

const available = browserAvailable()
const suite = useBrowserBoard(available, 'How do we onboard new nurses?', 'New nurses say the first month feels overwhelming.')

const announced = (page: Page) => page.getByTestId('announcer').textContent()
const cardTexts = (page: Page) =>
  page.evaluate(() => [...window.__thinkTogether!.doc.getMap('cards').values()].map((card) => String((card as { get(key: string): unknown }).get('text'))))

describe.skipIf(!available)('the outline of a board', () => {
  let fay: Page
  let ada: Page
  let bea: Page

  test('opens with Alt+Shift+O and reads as headings and lists: problem, cards by frame, links as sentences', { timeout: 120_000 }, async () => {
    fay = await openBoardAs(suite, suite.board.links.facilitator, 'Fay')
    ada = await openBoardAs(suite, suite.board.links.member, 'Ada')
    bea = await openBoardAs(suite, suite.board.links.member, 'Bea')
    const first = await addCard(fay, { kind: 'experience', text: 'I was left alone on my third day', x: 100, y: 100 })
    const second = await addCard(fay, { kind: 'idea', text: 'A buddy for the first six weeks', x: 500, y: 100 })
    await fay.evaluate(
      ({ from, to }) => {
        const { editor } = window.__thinkTogether!
        editor.select(from as never, to as never)
      },
      { from: first.shapeId, to: second.shapeId },
    )
    await fay.getByTestId('link-selected').click()
    await ada.locator('.tl-canvas').click({ position: { x: 900, y: 500 } })
    await ada.keyboard.press('Alt+Shift+O')
    await ada.getByTestId('outline').waitFor()
    const outline = ada.getByTestId('outline')
    await expect
      .poll(() => outline.getByRole('heading', { level: 3 }).allTextContents())
      .toEqual(['Problem: How do we onboard new nurses?', 'Add a card', 'Cards (2)', 'Links (1)'])
    expect(await outline.getByRole('heading', { level: 5 }).allTextContents()).toEqual(['Experience by Fay', 'Idea by Fay'])
    expect(await outline.getByText('New nurses say the first month feels overwhelming.', { exact: true }).count()).toBe(1)
    await expect.poll(() => ada.getByTestId('outline-links').textContent()).toMatch(/“I was left alone on my third day” \S.* “A buddy for the first six weeks”/)
    expect(await ada.getByTestId('outline-toggle').getAttribute('aria-keyshortcuts')).toBe('Alt+Shift+O')
    // What a screen reader is given: Chromium's accessibility tree of the outline, kept in docs/.
    const tree = await outline.ariaSnapshot()
    writeFileSync('docs/accessibility/outline-tree.txt', `${tree}\n`)
    const lines = tree.split('\n').map((line) => line.trim())
    const expected = [
      `- 'region "Problem: How do we onboard new nurses?"':`,
      `- paragraph: New nurses say the first month feels overwhelming.`,
      `- region "Add a card":`,
      `- combobox "Kind":`,
      `- textbox "Text"`,
      `- region "Cards (2)":`,
      `- article "Experience by Fay":`,
      `- paragraph: I was left alone on my third day`,
      `- button "Resonates with me (0)"`,
      `- textbox "Reply to I was left alone on my third day":`,
      `- article "Idea by Fay":`,
      `- region "Links (1)":`,
      `- listitem: “I was left alone on my third day” builds on “A buddy for the first six weeks”`,
    ]
    // In this order, each once it is reached: the reading order of the outline.
    let at = 0
    for (const line of expected) {
      const found = lines.indexOf(line, at)
      expect(found, `"${line}" after line ${at} of the outline's accessibility tree`).toBeGreaterThanOrEqual(at)
      at = found + 1
    }
  })

  test('is kept live, and a card added, a reaction and a reply from it reach the others', { timeout: 60_000 }, async () => {
    await addCard(bea, { kind: 'question', text: 'Who signs off a new nurse?', x: 100, y: 400 })
    await ada.getByTestId('outline-cards').getByText('Who signs off a new nurse?', { exact: true }).waitFor({ timeout: 10_000 })

    await ada.getByTestId('outline-card-kind').selectOption('concern')
    await ada.getByTestId('outline-card-text').fill('Night shifts come too early')
    await ada.getByTestId('outline-card-add').click()
    await expect.poll(() => cardTexts(bea), { timeout: 10_000 }).toContain('Night shifts come too early')

    const question = ada.locator('[data-testid="outline-card"]', { hasText: 'Who signs off a new nurse?' })
    await question.getByTestId('outline-reaction-tell-more').click()
    await expect.poll(() => question.getByTestId('outline-reaction-tell-more').getAttribute('aria-pressed')).toBe('true')
    await question.getByTestId('outline-reply-input').fill('The ward manager, in our hospital')
    await question.getByTestId('outline-reply-input').press('Enter')
    await ensurePanel(bea, 'outline-toggle', 'outline')
    const forBea = bea.locator('[data-testid="outline-card"]', { hasText: 'Who signs off a new nurse?' })
    await forBea.getByTestId('outline-replies').getByText('The ward manager, in our hospital').waitFor({ timeout: 10_000 })
    await expect.poll(() => forBea.getByTestId('outline-reaction-tell-more').textContent(), { timeout: 10_000 }).toContain('(1)')
  })

  test('announces a new phase, and the phase’s rules hold in the outline as on the canvas', { timeout: 60_000 }, async () => {
    await ensurePanel(fay, 'facilitation-controls-toggle', 'facilitation-controls')
    await fay.getByTestId('phase-preset').selectOption('think-alone')
    await fay.getByTestId('phase-add').click()
    await fay.getByTestId('phase-next').click()
    await expect.poll(() => announced(ada), { timeout: 10_000 }).toContain('Phase: Think alone, 1 of 1.')
    // The phase opened a think-alone round, whose panel came up in Ada's dock: she goes back to the outline.
    await expect.poll(() => ada.getByTestId('dock').getAttribute('data-open-panel'), { timeout: 10_000 }).toBe('drafts')
    await ensurePanel(ada, 'outline-toggle', 'outline')
    // Think alone lets members neither reply nor react on the board: the outline says so and does nothing.
    const question = ada.locator('[data-testid="outline-card"]', { hasText: 'Who signs off a new nurse?' })
    await expect.poll(() => question.getByTestId('outline-reply-input').isDisabled(), { timeout: 10_000 }).toBe(true)
    expect(await question.getByTestId('outline-reaction-resonates').isDisabled()).toBe(true)
    expect(await ada.getByTestId('outline-add-card').count()).toBe(0)
  })

  test('announces the timer’s last minute', { timeout: 60_000 }, async () => {
    await fay.getByRole('button', { name: 'Edit Think alone' }).click()
    await fay.getByTestId('phase-editor-minutes').fill('1')
    await fay.getByTestId('phase-editor-save').click()
    await fay.getByTestId('timer-start').click()
    await expect.poll(() => announced(ada), { timeout: 15_000 }).toContain('One minute left.')
    await fay.getByTestId('timer-stop').click()
  })

  test('gives dots from the outline during a vote, saved by the server', { timeout: 60_000 }, async () => {
    await fay.getByTestId('phase-preset').selectOption('vote')
    await fay.getByTestId('phase-add').click()
    await fay.getByTestId('phase-next').click()
    const cardIds = await fay.evaluate(() => [...window.__thinkTogether!.doc.getMap('cards').keys()])
    await fay.evaluate(() => {
      const { editor } = window.__thinkTogether!
      editor.select(
        ...editor
          .getCurrentPageShapes()
          .filter((shape) => shape.type === 'contribution')
          .map((shape) => shape.id),
      )
    })
    await ensurePanel(fay, 'voting-toggle', 'voting-panel')
    await fay.getByTestId('vote-open').click()
    await fay.getByTestId('vote-close').waitFor()
    await ensurePanel(ada, 'outline-toggle', 'outline')
    const question = ada.locator('[data-testid="outline-card"]', { hasText: 'Who signs off a new nurse?' })
    await question.getByTestId('outline-dot-add').click({ timeout: 10_000 })
    await expect.poll(() => question.getByTestId('outline-dots').textContent(), { timeout: 10_000 }).toMatch(/^1 dot/)
    await expect.poll(() => fay.getByTestId('vote-progress').textContent(), { timeout: 10_000 }).toContain('1 of')
    expect(cardIds.length).toBeGreaterThan(0)
  })
})
