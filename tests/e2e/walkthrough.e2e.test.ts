/**
 * A member's first visit, posting, linking and replying, and a second member's "what's new",
 * walked through the real app in Chromium, screen by screen. Each step is asserted, and its
 * screenshot is written to docs/walkthrough/ (the README's walkthrough shows them).
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import { resolve } from 'node:path'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { browserAvailable, launchBrowser, PageWatch } from '../helpers/browser'
import { removeDataDir, startServerProcess, type ServerProcess } from '../helpers/serverProcess'

const available = browserAvailable()
const SHOTS = resolve(import.meta.dirname, '..', '..', 'docs', 'walkthrough')

let server: ServerProcess
let browser: Browser
const contexts: BrowserContext[] = []
const watch = new PageWatch()

async function newContext(label: string): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
  contexts.push(context)
  watch.watch(context, label)
  return context
}

async function waitForSynced(page: Page): Promise<void> {
  await page.waitForFunction(() => window.__thinkTogether?.provider.synced === true, null, { timeout: 20_000 })
}

function cardTexts(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const { editor, doc } = window.__thinkTogether!
    return editor
      .getCurrentPageShapes()
      .filter((shape) => shape.type === 'contribution')
      .map((shape) =>
        String((doc.getMap('cards').get((shape.props as { cardId: string }).cardId) as { get(k: string): unknown } | undefined)?.get('text') ?? ''),
      )
  })
}

async function addCardByKeyboard(page: Page, key: string, text: string): Promise<void> {
  await page.keyboard.press('Escape')
  await page.keyboard.press(key)
  await page.getByTestId('card-textarea').waitFor()
  await page.keyboard.type(text, { delay: 5 })
  await page.keyboard.press('Enter')
  await expect.poll(() => cardTexts(page)).toContain(text)
}

beforeAll(async () => {
  if (!available) return
  server = await startServerProcess({ serveClient: true })
  browser = await launchBrowser()
})

afterEach(() => {
  expect(watch.takeProblems(), 'page errors and console errors').toEqual([])
})

afterAll(async () => {
  if (!available) return
  for (const context of contexts) await context.close()
  await browser?.close()
  await server?.stop()
  removeDataDir(server.dataDir)
})

describe.skipIf(!available)('walkthrough: first visit, posting, linking, replying, what’s new', () => {
  let memberLink: string
  let adaContext: BrowserContext
  let ada: Page
  let bea: Page

  test('1. a facilitator creates the board and gets its three links', async () => {
    const page = await (await newContext('facilitator')).newPage()
    await page.goto(server.url)
    await page.getByTestId('create-board-title').fill('How do we help new nurses through their first month?')
    await page
      .getByTestId('create-board-problem')
      .fill('New nurses on our ward say the first month is overwhelming. What do experienced colleagues know that never makes it into the induction pack?')
    await page.getByTestId('create-board-submit').click()
    await page.getByTestId('board-links').waitFor()
    memberLink = await page.getByTestId('board-link-member').inputValue()
    expect(memberLink).toMatch(/\/b\/[\w-]{22}#token=/)
    await page.screenshot({ path: `${SHOTS}/01-create-board.png` })
  })

  test('2. a member’s first visit: name and practice, then the problem is pinned on the board', async () => {
    adaContext = await newContext('ada')
    ada = await adaContext.newPage()
    await ada.goto(memberLink)
    await ada.getByTestId('name-dialog-input').fill('Ada')
    await ada.getByTestId('name-dialog-practice').fill('Ward nurse, 8 years in acute care')
    await ada.screenshot({ path: `${SHOTS}/02-first-visit.png` })
    await ada.getByTestId('name-dialog-submit').click()
    await waitForSynced(ada)
    await expect.poll(() => ada.getByTestId('problem-text').textContent()).toContain('first month is overwhelming')
  })

  test('3. she posts a question and an idea from the keyboard', async () => {
    await ada.mouse.click(900, 600)
    await addCardByKeyboard(ada, '2', 'Why do new nurses stop asking questions after week two?')
    await addCardByKeyboard(ada, '4', 'A named buddy for the first ten shifts')
    await ada.screenshot({ path: `${SHOTS}/03-posting.png` })
  })

  test('4. she links the question to the idea and says how they relate', async () => {
    await ada.evaluate(() => {
      const editor = window.__thinkTogether!.editor
      editor.select(
        ...editor
          .getCurrentPageShapes()
          .filter((s) => s.type === 'contribution')
          .map((s) => s.id),
      )
    })
    await ada.getByTestId('link-selected').click()
    await ada.getByTestId('link-type-picker').waitFor()
    await ada.getByRole('radio', { name: 'leads to' }).click()
    await expect
      .poll(() =>
        ada.evaluate(() =>
          window
            .__thinkTogether!.editor.getCurrentPageShapes()
            .filter((s) => s.type === 'arrow')
            .map((s) => (s.meta as { linkType?: string }).linkType),
        ),
      )
      .toEqual(['leads-to'])
    await ada.screenshot({ path: `${SHOTS}/04-linking.png` })
  })

  test('5. a second member replies to the question in its thread', async () => {
    bea = await (await newContext('bea')).newPage()
    await bea.goto(memberLink)
    await bea.getByTestId('name-dialog-input').fill('Bea')
    await bea.getByTestId('name-dialog-practice').fill('Clinical educator')
    await bea.getByTestId('name-dialog-submit').click()
    await waitForSynced(bea)
    await expect.poll(() => cardTexts(bea)).toHaveLength(2)
    await bea.evaluate(() => {
      const { editor, doc } = window.__thinkTogether!
      const question = editor.getCurrentPageShapes().find((s) => {
        const card = doc.getMap('cards').get((s.props as { cardId?: string }).cardId ?? '') as { get(k: string): unknown } | undefined
        return card?.get('kind') === 'question'
      })!
      editor.select(question.id)
    })
    await bea.getByTestId('conversation-open-selected-thread').click()
    await bea.getByTestId('reply-input').fill('Often they are afraid of looking slow. We started a “no silly questions” huddle.')
    await bea.keyboard.press('Enter')
    await expect
      .poll(() => ada.getByTestId('contribution-card').filter({ hasText: 'stop asking questions' }).getByTestId('card-replies').textContent(), {
        timeout: 10_000,
      })
      .toContain('1')
    await bea.screenshot({ path: `${SHOTS}/05-replying.png` })
  })

  test('6. while the first member is away, the second adds an experience; on her return, what’s new walks her through it', async () => {
    await ada.close()
    await addCardByKeyboard(bea, '3', 'My first month: I kept a notebook of every question I was too shy to ask')
    await bea.evaluate(() => {
      const { editor, doc } = window.__thinkTogether!
      const idea = editor.getCurrentPageShapes().find((s) => {
        const card = doc.getMap('cards').get((s.props as { cardId?: string }).cardId ?? '') as { get(k: string): unknown } | undefined
        return card?.get('kind') === 'idea'
      })!
      editor.select(idea.id)
    })
    await bea.getByTestId('reply-input').fill('Buddies worked for us when they had protected time.')
    await bea.keyboard.press('Enter')
    ada = await adaContext.newPage()
    await ada.goto(memberLink)
    await waitForSynced(ada)
    await expect.poll(() => cardTexts(ada)).toHaveLength(3)
    const toggle = ada.getByTestId('conversation-toggle')
    if ((await ada.getByTestId('conversation-panel').count()) === 0) await toggle.click()
    await ada.getByTestId('conversation-tab-new').click()
    await expect.poll(() => ada.getByTestId('whats-new-item').count(), { timeout: 10_000 }).toBeGreaterThanOrEqual(2)
    const items = await ada.getByTestId('whats-new-item').allTextContents()
    expect(items.join('\n')).toContain('notebook')
    expect(items.join('\n')).toContain('protected time')
    await ada.getByTestId('whats-new-next').click()
    await ada.waitForTimeout(600)
    await ada.screenshot({ path: `${SHOTS}/06-whats-new.png` })
  })
})
