/**
 * Thinking together, the conversation side (issue 4, items 2, 6, 8, 9 and the observer) in real
 * Chromium against the built app and the real server: member identity and the members panel,
 * threads on cards and links, what's new after a return visit, find and filter, hostile text,
 * and an observer who sees everything and can change nothing.
 *
 * Cards are written through the board's own document (the shape of createCard in
 * shared/board/boardModel.ts, with the document's own Y constructors), so these tests do not
 * depend on how the palette creates them.
 */
import { describe, expect, test } from 'vitest'
import type { BrowserContext, Locator, Page } from 'playwright-core'
import { browserAvailable } from '../helpers/browser'
import { useBrowserBoard } from '../helpers/browserBoard'
import { addCard } from '../helpers/pageCards'
import { connectClient, waitForSync } from '../helpers/boardClient'
import { canvasDocName, conversationDocName } from '../../shared/board/docNames'
import type * as Y from 'yjs'

const available = browserAvailable()
const suite = useBrowserBoard(available, 'How do we hand over patients safely?', 'Handovers lose information between shifts.')

const HOSTILE = `<img src=x onerror="window.__pwned=1"><script>window.__pwned=1</script><b>bold</b>`

async function openBoard(context: BrowserContext, link: string, name: string | null, practice = '', screenshot?: string): Promise<Page> {
  const page = await context.newPage()
  page.setDefaultTimeout(10_000)
  await page.goto(link)
  if (name !== null) {
    await page.getByTestId('name-dialog-input').fill(name)
    if (practice) await page.getByTestId('name-dialog-practice').fill(practice)
    if (screenshot) await page.screenshot({ path: screenshot })
    await page.getByTestId('name-dialog-submit').click()
  }
  await page.waitForFunction(() => window.__thinkTogether?.provider.synced === true, null, { timeout: 20_000 })
  await page.locator('[data-testid="connection-indicator"][data-status="connected"]').waitFor({ timeout: 20_000 })
  return page
}

/** Waits until a reader that joins now (and so reads what the server holds) finds `check` true. */
async function serverHas(docName: string, check: (doc: Y.Doc) => boolean): Promise<void> {
  await expect
    .poll(
      async () => {
        const reader = connectClient(suite.server.wsUrl, docName, suite.board.tokens.observer)
        try {
          await waitForSync(reader, 10_000)
          return check(reader.doc)
        } finally {
          reader.destroy()
        }
      },
      { timeout: 15_000 },
    )
    .toBe(true)
}

function newContext(label: string): Promise<BrowserContext> {
  return suite.newContext(label)
}

/** A link: an arrow bound at both ends, with link meta as the links feature writes it. */
function addLink(page: Page, fromShapeId: string, toShapeId: string): Promise<string> {
  return page.evaluate(
    ({ fromShapeId, toShapeId }) => {
      const { editor, personId } = window.__thinkTogether!
      const identity = JSON.parse(localStorage.getItem('think-together:identity')!).state
      const by = { id: personId, name: identity.name, color: identity.color }
      const id = `shape:link${Math.random().toString(36).slice(2, 10)}` as never
      const now = Date.now()
      editor.createShape({
        id,
        type: 'arrow',
        x: 0,
        y: 0,
        props: { start: { x: 0, y: 0 }, end: { x: 100, y: 0 } } as never,
        meta: { linkType: 'builds-on', createdBy: by, updatedBy: by, createdAt: now, updatedAt: now },
      })
      const binding = (toId: string, terminal: 'start' | 'end') => ({
        type: 'arrow' as const,
        fromId: id,
        toId: toId as never,
        props: { terminal, normalizedAnchor: { x: 0.5, y: 0.5 }, isExact: false, isPrecise: false, snap: 'none' },
      })
      editor.createBindings([binding(fromShapeId, 'start'), binding(toShapeId, 'end')] as never)
      return id as string
    },
    { fromShapeId, toShapeId },
  )
}

function select(page: Page, shapeId: string): Promise<void> {
  return page.evaluate((id) => {
    const { editor } = window.__thinkTogether!
    editor.setCurrentTool('select')
    editor.select(id as never)
  }, shapeId)
}

function selectNone(page: Page): Promise<void> {
  return page.evaluate(() => {
    window.__thinkTogether!.editor.selectNone()
  })
}

async function openTab(page: Page, tab: 'threads' | 'new' | 'members' | 'find'): Promise<void> {
  const panel = page.getByTestId('conversation-panel')
  if (!(await panel.isVisible())) await page.getByTestId('conversation-toggle').click()
  await page.getByTestId(`conversation-tab-${tab}`).click()
  await page.getByTestId(`conversation-tabpanel-${tab}`).waitFor()
}

function replyTexts(page: Page): Promise<string[]> {
  return page
    .getByTestId('thread-view')
    .getByTestId('reply')
    .evaluateAll((items) => items.map((item) => item.querySelector('[data-testid="reply-text"]')?.textContent ?? '[deleted]'))
}

/** The text of the first match now, or null when there is none (never waits, unlike textContent). */
async function textNow(locator: Locator): Promise<string | null> {
  return (await locator.count()) > 0 ? locator.first().textContent() : null
}

/** After Bea deleted her first reply: the deletion stays in place; the two concurrent replies in either order. */
async function repliesAfterDelete(page: Page): Promise<string[]> {
  const [first, ...rest] = await replyTexts(page)
  return [first, ...rest.sort()]
}
const AFTER_DELETE = ['[deleted]', 'I have seen that too.', 'We tried a checklist. It helped.']

function isInView(page: Page, shapeId: string): Promise<boolean> {
  return page.evaluate((id) => {
    const { editor } = window.__thinkTogether!
    const bounds = editor.getShapePageBounds(id as never)
    return !!bounds && editor.getViewportPageBounds().contains(bounds)
  }, shapeId)
}

function hiddenShapes(page: Page, ids: string[]): Promise<boolean[]> {
  return page.evaluate((shapeIds) => shapeIds.map((id) => window.__thinkTogether!.editor.isShapeHidden(id as never)), ids)
}

function moveCameraAway(page: Page): Promise<void> {
  return page.evaluate(() => {
    window.__thinkTogether!.editor.setCamera({ x: 8000, y: 6000, z: 1 })
  })
}

describe.skipIf(!available)('thinking together: threads, members, what’s new, find', () => {
  let adaContext: BrowserContext
  let beaContext: BrowserContext
  let ada: Page
  let bea: Page
  let adaCard: { cardId: string; shapeId: string }
  let adaIdea: { cardId: string; shapeId: string }
  let beaCard: { cardId: string; shapeId: string }
  let link: string

  test('each person gives a name and a practice line; the members panel shows who is here and what they did', async () => {
    adaContext = await newContext('ada')
    beaContext = await newContext('bea')
    ada = await openBoard(adaContext, suite.board.links.member, 'Ada', 'ward nurse, 8 years in acute care', 'docs/screenshots/conversation-name-dialog.png')
    bea = await openBoard(beaContext, suite.board.links.member, 'Bea', 'night-shift charge nurse')
    adaCard = await addCard(ada, { kind: 'question', text: 'Why do handovers lose information?', x: 200, y: 150 })
    adaIdea = await addCard(ada, { kind: 'idea', text: 'Hand over at the bedside, with the patient', x: 560, y: 150 })
    beaCard = await addCard(bea, { kind: 'experience', text: 'On nights we use a paper checklist', x: 380, y: 420 })
    await ada.locator(`[data-card-id="${beaCard.cardId}"]`).waitFor({ timeout: 10_000 })

    await openTab(ada, 'members')
    const beaRow = ada.getByTestId('members-list').locator('[data-testid="member"]', { hasText: 'Bea' })
    await expect.poll(() => textNow(beaRow.getByTestId('member-practice')), { timeout: 10_000 }).toBe('night-shift charge nurse')
    await expect.poll(() => beaRow.getAttribute('data-online')).toBe('true')
    await expect.poll(() => beaRow.getAttribute('data-contributions')).toBe('1')
    const adaRow = ada.getByTestId('members-list').locator('[data-testid="member"]', { hasText: 'Ada' })
    expect(await adaRow.textContent()).toContain('(you, member)')
    expect(await adaRow.getByTestId('member-practice').textContent()).toBe('ward nurse, 8 years in acute care')
    await expect.poll(() => adaRow.getAttribute('data-contributions')).toBe('2')
    // Cards say who wrote them and what they bring: the practice line follows the author's name.
    const adaCardAtBea = bea.locator(`[data-card-id="${adaCard.cardId}"]`)
    await expect.poll(() => textNow(adaCardAtBea.getByTestId('card-author-practice')), { timeout: 10_000 }).toContain('ward nurse, 8 years in acute care')
    expect(await adaCardAtBea.getByTestId('card-author').textContent()).toMatch(/^Ada.*ward nurse, 8 years in acute care$/)
    expect(await adaCardAtBea.locator('.tt-card__practice').isVisible()).toBe(true)
    await adaCardAtBea.screenshot({ path: 'docs/screenshots/card-practice-line.png' })
  })

  test('a practice line can be changed later, and others see the change', async () => {
    await ada.getByTestId('practice-edit').click()
    await ada.getByTestId('practice-input').fill('ward nurse, 9 years in acute care')
    await ada.getByTestId('practice-input').press('Enter')
    await openTab(bea, 'members')
    const adaRowForBea = bea.getByTestId('members-list').locator('[data-testid="member"]', { hasText: 'Ada' })
    await expect.poll(() => textNow(adaRowForBea.getByTestId('member-practice')), { timeout: 10_000 }).toBe('ward nurse, 9 years in acute care')
    await expect.poll(() => adaRowForBea.getAttribute('data-online')).toBe('true')
    await expect
      .poll(() => textNow(bea.locator(`[data-card-id="${adaCard.cardId}"]`).getByTestId('card-author-practice')), { timeout: 10_000 })
      .toContain('9 years in acute care')
    await ada.screenshot({ path: 'docs/screenshots/conversation-members.png' })
  })

  test('the panel opens from the keyboard, and a reply is written and sent with it (Shift+Enter for a new line)', async () => {
    await bea.getByTestId('conversation-toggle').click()
    await expect.poll(() => bea.getByTestId('conversation-panel').isVisible()).toBe(false)
    // With the panel closed, selecting a card offers its thread.
    await select(bea, adaCard.shapeId)
    expect(await bea.getByTestId('conversation-open-selected-thread').textContent()).toBe('Start a thread')
    await bea.getByTestId('conversation-open-selected-thread').click()
    await bea.getByTestId('thread-view').waitFor()
    await bea.keyboard.press('Alt+Shift+C')
    await expect.poll(() => bea.getByTestId('conversation-panel').isVisible()).toBe(false)
    await selectNone(bea)
    await bea.locator('.tl-canvas').click({ position: { x: 1000, y: 600 } })
    await bea.keyboard.press('Alt+Shift+C')
    await bea.getByTestId('conversation-panel').waitFor()
    expect(await bea.evaluate(() => document.activeElement?.getAttribute('role'))).toBe('tab')
    await bea.keyboard.press('Home')
    expect(await bea.getByTestId('conversation-tab-threads').getAttribute('aria-selected')).toBe('true')
    expect(await bea.getByTestId('conversation-toggle').getAttribute('aria-keyshortcuts')).toBe('Alt+Shift+C')

    await select(bea, adaCard.shapeId)
    await bea.getByTestId('reply-input').focus()
    await bea.keyboard.type('Because the round is rushed.')
    await bea.keyboard.press('Shift+Enter')
    await bea.keyboard.type('And nobody writes it down.')
    await bea.keyboard.press('Enter')
    expect(await bea.getByTestId('reply-input').inputValue()).toBe('')

    await openTab(ada, 'threads')
    await select(ada, adaCard.shapeId)
    await expect.poll(() => replyTexts(ada), { timeout: 10_000 }).toEqual(['Because the round is rushed.\nAnd nobody writes it down.'])
    expect(await ada.getByTestId('thread-view').getByTestId('reply-author').first().textContent()).toBe('Bea')
  })

  test('two people replying at the same moment both keep their reply', async () => {
    await ada.getByTestId('reply-input').fill('I have seen that too.')
    await bea.getByTestId('reply-input').fill('We tried a checklist.')
    await Promise.all([ada.getByTestId('reply-input').press('Enter'), bea.getByTestId('reply-input').press('Enter')])
    for (const page of [ada, bea]) {
      await expect.poll(async () => (await replyTexts(page)).length, { timeout: 10_000 }).toBe(3)
      expect((await replyTexts(page)).slice(1).sort()).toEqual(['I have seen that too.', 'We tried a checklist.'])
    }
  })

  test('only my own replies can be edited and deleted, and others see the edit and the deletion', async () => {
    const beaReplies = bea.getByTestId('thread-view').getByTestId('reply')
    const beaOwn = beaReplies.filter({ hasText: 'We tried a checklist.' })
    const adasForBea = beaReplies.filter({ hasText: 'I have seen that too.' })
    expect(await adasForBea.getByTestId('reply-edit').count()).toBe(0)
    expect(await adasForBea.getByTestId('reply-delete').count()).toBe(0)

    await beaOwn.getByTestId('reply-edit').click()
    const input = bea.getByTestId('reply-edit-input')
    await input.press('End')
    await input.type(' It helped.')
    await input.press('Enter')
    await expect.poll(() => replyTexts(ada), { timeout: 10_000 }).toContain('We tried a checklist. It helped.')
    expect(await ada.getByTestId('thread-view').getByTestId('reply').filter({ hasText: 'It helped.' }).textContent()).toContain('edited')

    const first = bea.getByTestId('thread-view').getByTestId('reply').first()
    await first.getByTestId('reply-delete').click()
    await first.getByTestId('reply-delete-confirm').click()
    await expect.poll(() => repliesAfterDelete(ada), { timeout: 10_000 }).toEqual(AFTER_DELETE)
    expect(await ada.getByTestId('thread-view').getByTestId('reply').first().textContent()).toContain('Reply deleted')
  })

  test('a thread is resolved and reopened, and the open-threads list follows', async () => {
    await ada.getByTestId('thread-resolve').click()
    await expect.poll(() => bea.getByTestId('thread-status').getAttribute('data-status'), { timeout: 10_000 }).toBe('resolved')
    expect(await bea.getByTestId('thread-status').textContent()).toContain('Resolved by Ada')
    await selectNone(bea)
    await expect.poll(() => bea.getByTestId('open-thread').count()).toBe(0)
    await select(bea, adaCard.shapeId)
    await bea.getByTestId('thread-reopen').click()
    await selectNone(bea)
    await expect.poll(() => bea.getByTestId('open-thread').count(), { timeout: 10_000 }).toBe(1)
  })

  test('a link carries a thread too, and choosing an open thread brings its card or link into view and selects it', async () => {
    link = await addLink(ada, adaCard.shapeId, adaIdea.shapeId)
    await select(ada, link)
    await expect.poll(() => textNow(ada.getByTestId('thread-anchor-text'))).toBe('builds on')
    await ada.getByTestId('reply-input').fill('Does the bedside handover really build on this?')
    await ada.getByTestId('reply-input').press('Enter')

    await selectNone(bea)
    await moveCameraAway(bea)
    expect(await isInView(bea, adaCard.shapeId)).toBe(false)
    const cardThread = bea.locator(`[data-testid="open-thread"][data-anchor-id="${adaCard.cardId}"]`)
    await cardThread.click()
    await expect.poll(() => isInView(bea, adaCard.shapeId)).toBe(true)
    expect(await bea.evaluate(() => window.__thinkTogether!.editor.getSelectedShapeIds())).toEqual([adaCard.shapeId])
    await bea.getByTestId('thread-view').waitFor()
    await bea.waitForTimeout(400)
    await bea.screenshot({ path: 'docs/screenshots/conversation-thread.png' })

    await selectNone(bea)
    await moveCameraAway(bea)
    await bea.locator(`[data-testid="open-thread"][data-anchor-id="${link}"]`).click({ timeout: 10_000 })
    await expect.poll(() => isInView(bea, link)).toBe(true)
    expect(await bea.evaluate(() => window.__thinkTogether!.editor.getSelectedShapeIds())).toEqual([link])
    await expect.poll(() => replyTexts(bea)).toEqual(['Does the bedside handover really build on this?'])
  })

  test('on a return visit, what others added or changed is highlighted and walked through one by one', async () => {
    // What others did while Bea had the board in front of her is not news to her. She leaves.
    await openTab(bea, 'new')
    expect(await bea.getByTestId('whats-new-item').count()).toBe(0)
    expect(await bea.locator('[data-testid="contribution-card"][data-highlight]').count()).toBe(0)
    await bea.close()

    // While she is away, Ada adds a card, replies on Bea's card and changes her idea.
    const later = await addCard(ada, { kind: 'concern', text: 'Agency staff miss the handover entirely', x: 900, y: 420 })
    await select(ada, beaCard.shapeId)
    await ada.getByTestId('reply-input').fill('Which checklist? Can you share it?')
    await ada.getByTestId('reply-input').press('Enter')
    await ada.evaluate((cardId) => {
      const { doc } = window.__thinkTogether!
      const card = doc.getMap('cards').get(cardId) as { get(key: string): unknown; set(key: string, value: unknown): void }
      const text = card.get('text') as { insert(index: number, text: string): void; length: number }
      doc.transact(() => {
        text.insert(text.length, ' (and the family)')
        card.set('updatedAt', Date.now())
      })
    }, adaIdea.cardId)
    await ada.waitForTimeout(500)

    bea = await openBoard(beaContext, suite.board.links.member, null)
    await expect.poll(() => textNow(bea.getByTestId('conversation-unseen')), { timeout: 10_000 }).toBe('3 new')
    await openTab(bea, 'new')
    const items = bea.getByTestId('whats-new-item')
    await expect.poll(() => items.count()).toBe(3)
    expect(await items.evaluateAll((els) => els.map((el) => [el.getAttribute('data-kind'), el.getAttribute('data-target-id')]))).toEqual([
      ['card', later.cardId],
      ['reply', beaCard.cardId],
      ['card', adaIdea.cardId],
    ])
    expect(await items.nth(1).textContent()).toContain('Ada replied')
    for (const cardId of [later.cardId, beaCard.cardId, adaIdea.cardId]) {
      expect(await bea.locator(`[data-testid="contribution-card"][data-card-id="${cardId}"]`).getAttribute('data-highlight')).toBe('new')
    }
    expect(await bea.locator(`[data-testid="contribution-card"][data-card-id="${adaCard.cardId}"]`).getAttribute('data-highlight')).toBeNull()

    await moveCameraAway(bea)
    await bea.getByTestId('whats-new-next').click()
    await expect.poll(() => isInView(bea, later.shapeId)).toBe(true)
    expect(await bea.getByTestId('whats-new-position').textContent()).toBe('1 of 3')
    expect(await bea.locator(`[data-card-id="${later.cardId}"]`).getAttribute('data-highlight')).toBe('focused')
    await bea.waitForTimeout(400)
    await bea.screenshot({ path: 'docs/screenshots/conversation-whats-new.png' })
    // The next change is a reply: it is shown in its thread, and the bar above the palette carries the walk on.
    await bea.getByTestId('whats-new-next').click()
    await expect.poll(() => isInView(bea, beaCard.shapeId)).toBe(true)
    await expect.poll(() => bea.getByTestId('thread-view').getAttribute('data-anchor-id')).toBe(beaCard.cardId)
    expect(await replyTexts(bea)).toContain('Which checklist? Can you share it?')
    await expect.poll(() => textNow(bea.getByTestId('whats-new-walker-position'))).toMatch(/^2 of 3 Ada replied/)
    await bea.getByTestId('whats-new-walker-previous').click()
    await expect.poll(() => isInView(bea, later.shapeId)).toBe(true)
    expect(await bea.getByTestId('whats-new-walker-position').textContent()).toMatch(/^1 of 3 Ada added a concern/)

    // A reload keeps what she has not looked at yet.
    await bea.reload()
    await bea.waitForFunction(() => window.__thinkTogether?.provider.synced === true, null, { timeout: 20_000 })
    await expect.poll(() => textNow(bea.getByTestId('conversation-unseen')), { timeout: 10_000 }).toBe('1 new')
    await openTab(bea, 'new')
    await expect
      .poll(() => bea.getByTestId('whats-new-item').evaluateAll((els) => els.map((el) => el.getAttribute('data-target-id'))))
      .toEqual([adaIdea.cardId])

    await bea.getByTestId('whats-new-mark-all').click()
    await expect.poll(() => bea.getByTestId('whats-new-item').count()).toBe(0)
    expect(await bea.getByTestId('conversation-unseen').count()).toBe(0)
    expect(await bea.locator('[data-testid="contribution-card"][data-highlight]').count()).toBe(0)
    await bea.reload()
    await bea.waitForFunction(() => window.__thinkTogether?.provider.synced === true, null, { timeout: 20_000 })
    await bea.waitForTimeout(600)
    expect(await bea.getByTestId('conversation-unseen').count()).toBe(0)
  }, 60_000)

  test('coming back with the conversation panel closed, a bar says what is new and walks through it; a reply opens its thread', async () => {
    await bea.getByTestId('conversation-toggle').click()
    await expect.poll(() => bea.getByTestId('conversation-panel').count()).toBe(0)
    await bea.close()
    const question = await addCard(ada, { kind: 'question', text: 'Who hands over to agency staff?', x: 900, y: 620 })
    await select(ada, beaCard.shapeId)
    await ada.getByTestId('reply-input').fill('We tried a laminated card too')
    await ada.getByTestId('reply-input').press('Enter')
    // Both on the server before Bea comes back, so they happened while she was away.
    await serverHas(conversationDocName(suite.board.id), (doc) => JSON.stringify(doc.getMap('threads').toJSON()).includes('We tried a laminated card too'))
    await serverHas(canvasDocName(suite.board.id), (doc) => doc.getMap('cards').has(question.cardId))

    bea = await openBoard(beaContext, suite.board.links.member, null)
    const walker = bea.getByTestId('whats-new-walker')
    await expect.poll(() => textNow(walker.getByTestId('whats-new-walker-summary')), { timeout: 10_000 }).toMatch(/^2 new since you were here/)
    expect(await bea.getByTestId('conversation-panel').count()).toBe(0)
    await bea.screenshot({ path: 'docs/screenshots/conversation-whats-new-walker.png' })
    await moveCameraAway(bea)
    await walker.getByTestId('whats-new-walker-start').click()
    await expect.poll(() => isInView(bea, question.shapeId)).toBe(true)
    expect(await walker.getByTestId('whats-new-walker-position').textContent()).toMatch(/^1 of 2 Ada added a question/)
    expect(await bea.getByTestId('conversation-panel').count()).toBe(0)
    await walker.getByTestId('whats-new-walker-next').click()
    await expect.poll(() => bea.getByTestId('thread-view').getAttribute('data-anchor-id')).toBe(beaCard.cardId)
    expect(await replyTexts(bea)).toContain('We tried a laminated card too')
    expect(await walker.getByTestId('whats-new-walker-position').textContent()).toMatch(/^2 of 2 Ada replied/)
    expect(await walker.getByTestId('whats-new-walker-next').isDisabled()).toBe(true)
    await bea.screenshot({ path: 'docs/screenshots/conversation-whats-new-walker-reply.png' })
    await walker.getByTestId('whats-new-walker-mark-all').click()
    await expect.poll(() => walker.count()).toBe(0)
    expect(await bea.getByTestId('conversation-unseen').count()).toBe(0)
  }, 60_000)

  test('find searches card and reply text and filters the canvas by kind, author, open thread and no responses', async () => {
    await openTab(ada, 'find')
    const shapes = [adaCard.shapeId, adaIdea.shapeId, beaCard.shapeId, link]
    const query = ada.getByTestId('find-query')

    await query.fill('checklist')
    await expect
      .poll(() => ada.getByTestId('find-result').evaluateAll((els) => els.map((el) => el.getAttribute('data-target-id')).sort()))
      .toEqual([adaCard.cardId, beaCard.cardId].sort())
    // adaCard matches through a reply ("We tried a checklist"); the link's ends are adaCard and adaIdea.
    await expect.poll(() => hiddenShapes(ada, shapes)).toEqual([false, true, false, true])
    expect(await ada.getByTestId('find-result').filter({ hasText: 'In a reply' }).getAttribute('data-target-id')).toBe(adaCard.cardId)
    await ada.waitForTimeout(300)
    await ada.screenshot({ path: 'docs/screenshots/conversation-find.png' })

    await moveCameraAway(ada)
    await ada.locator(`[data-testid="find-result"][data-target-id="${beaCard.cardId}"]`).click()
    await expect.poll(() => isInView(ada, beaCard.shapeId)).toBe(true)

    await query.fill('')
    await ada.getByTestId('find-kind-idea').click()
    await ada.getByTestId('find-kind-experience').click()
    await expect.poll(() => hiddenShapes(ada, shapes)).toEqual([true, false, false, true])
    await ada.getByTestId('find-clear').click()
    await expect.poll(() => hiddenShapes(ada, shapes)).toEqual([false, false, false, false])

    const beaId = await ada.evaluate(
      (cardId) => (window.__thinkTogether!.doc.getMap('cards').get(cardId) as { get(key: string): { id: string } }).get('author').id,
      beaCard.cardId,
    )
    await ada.getByTestId('find-author').selectOption(beaId)
    await expect.poll(() => hiddenShapes(ada, shapes)).toEqual([true, true, false, true])
    await ada.getByTestId('find-clear').click()

    await ada.getByTestId('find-open-thread').check()
    // Open threads: adaCard (reopened) and beaCard (Ada asked about the checklist).
    await expect.poll(() => hiddenShapes(ada, shapes)).toEqual([false, true, false, true])
    await ada.getByTestId('find-open-thread').uncheck()

    await ada.getByTestId('find-no-responses').check()
    // adaIdea is the only card without replies or reactions (the link's thread is the link's own).
    await expect.poll(() => hiddenShapes(ada, shapes)).toEqual([true, false, true, true])
    await ada.getByTestId('find-clear').click()
    await expect.poll(() => hiddenShapes(ada, shapes)).toEqual([false, false, false, false])
    expect(await query.inputValue()).toBe('')
  })

  test('hostile names, practice lines, replies and cards are shown as text', async () => {
    const mallory = await openBoard(await newContext('mallory'), suite.board.links.member, HOSTILE.slice(0, 48), HOSTILE)
    const card = await addCard(mallory, { kind: 'idea', text: HOSTILE, x: 200, y: 700 })
    await select(mallory, card.shapeId)
    await openTab(mallory, 'threads')
    await mallory.getByTestId('reply-input').fill(HOSTILE)
    await mallory.getByTestId('reply-input').press('Enter')

    await openTab(ada, 'members')
    const row = ada.getByTestId('members-list').locator('[data-testid="member"]', { hasText: '<img' })
    await expect.poll(() => textNow(row.getByTestId('member-practice')), { timeout: 10_000 }).toBe(HOSTILE.slice(0, 120))
    await openTab(ada, 'threads')
    await select(ada, card.shapeId)
    await expect.poll(() => replyTexts(ada), { timeout: 10_000 }).toEqual([HOSTILE])
    await openTab(ada, 'find')
    await ada.getByTestId('find-query').fill('onerror')
    await expect.poll(() => ada.getByTestId('find-result').count()).toBe(1)
    expect(await ada.getByTestId('find-result').textContent()).toContain('<script>')
    for (const page of [ada, mallory]) {
      expect(await page.evaluate(() => (window as { __pwned?: number }).__pwned)).toBeUndefined()
      expect(await page.locator('.tt-conversation img, .tt-conversation script, .tt-conversation b').count()).toBe(0)
    }
    await ada.getByTestId('find-clear').click()
    await mallory.context().close()
  })

  test('an observer reads threads, members, what’s new and find, and gets no control that changes anything', async () => {
    const olu = await openBoard(await newContext('olu'), suite.board.links.observer, 'Olu')
    expect(await olu.getByTestId('role-badge').getAttribute('data-role')).toBe('observer')
    await openTab(olu, 'threads')
    await olu.locator(`[data-testid="open-thread"][data-anchor-id="${adaCard.cardId}"]`).click({ timeout: 10_000 })
    await expect.poll(() => repliesAfterDelete(olu), { timeout: 10_000 }).toEqual(AFTER_DELETE)
    expect(await olu.getByTestId('thread-observer-note').isVisible()).toBe(true)
    for (const testId of ['reply-input', 'reply-send', 'thread-resolve', 'thread-reopen', 'reply-edit', 'reply-delete']) {
      expect(await olu.getByTestId(testId).count(), testId).toBe(0)
    }
    await olu.screenshot({ path: 'docs/screenshots/conversation-observer.png' })

    await openTab(olu, 'members')
    await expect.poll(() => olu.getByTestId('member').count(), { timeout: 10_000 }).toBeGreaterThanOrEqual(3)
    expect(await olu.getByTestId('members-list').textContent()).toContain('(you, observer)')
    // The observer is not written into the board's members; members see them while they are online.
    await openTab(ada, 'members')
    const oluForAda = ada.getByTestId('members-list').locator('[data-testid="member"]', { hasText: 'Olu' })
    await expect.poll(() => oluForAda.getAttribute('data-online'), { timeout: 10_000 }).toBe('true')
    expect(await ada.evaluate(() => [...window.__thinkTogether!.peopleDoc.getMap('members').values()].map((m) => (m as { name: string }).name))).not.toContain(
      'Olu',
    )

    await openTab(olu, 'find')
    await olu.getByTestId('find-query').fill('checklist')
    await expect.poll(() => olu.getByTestId('find-result').count()).toBe(2)
  })

  test('a name and colour changed in tldraw’s people menu go through the server: the others see them by the cursor and in the members list', async () => {
    const beaId = await bea.evaluate(() => window.__thinkTogether!.personId)
    await bea.locator('.tlui-people-menu__avatars-button').click()
    await bea.getByTestId('people-menu.change-name').click()
    await bea.locator('.tlui-people-menu__user__input').fill('Bea Okafor')
    await bea.locator('.tlui-people-menu__user__input').press('Enter')
    const color = (await bea.evaluate(() => window.__thinkTogether!.editor.user.getColor())) === '#7B66DC' ? '#9D5BD2' : '#7B66DC'
    await bea.locator('.tlui-people-menu__user__color').click()
    await bea.getByTestId(color).click()
    await bea.keyboard.press('Escape')
    // What the server recorded, in the people document only it writes, and what its relay stamps on her presence.
    await expect
      .poll(() => ada.evaluate((id) => (window.__thinkTogether!.peopleDoc.getMap('members').get(id) as { name?: string } | undefined)?.name, beaId), {
        timeout: 10_000,
      })
      .toBe('Bea Okafor')
    await expect
      .poll(() => ada.evaluate((id) => (window.__thinkTogether!.peopleDoc.getMap('members').get(id) as { color?: string } | undefined)?.color, beaId))
      .toBe(color)
    await expect
      .poll(
        () =>
          ada.evaluate((id) => {
            const collaborator = window.__thinkTogether!.editor.getCollaborators().find((c) => c.userId === id)
            return collaborator && [collaborator.userName, collaborator.color]
          }, beaId),
        { timeout: 10_000 },
      )
      .toEqual(['Bea Okafor', color])
    await openTab(ada, 'members')
    await expect.poll(() => textNow(ada.locator(`[data-testid="member"][data-member-id="${beaId}"]`).getByTestId('member-name'))).toBe('Bea Okafor')
  })

  test('someone who joins with the keyboard only, and never moves the mouse, is in everyone’s people menu', async () => {
    const kimContext = await newContext('kim')
    const kim = await kimContext.newPage()
    kim.setDefaultTimeout(10_000)
    await kim.goto(suite.board.links.member)
    await kim.getByTestId('name-dialog-input').fill('Kim')
    await kim.getByTestId('name-dialog-input').press('Enter')
    await kim.waitForFunction(() => window.__thinkTogether?.provider.synced === true, null, { timeout: 20_000 })
    const kimId = await kim.evaluate(() => window.__thinkTogether!.personId)
    await expect
      .poll(() => ada.evaluate((id) => window.__thinkTogether!.editor.getCollaborators().some((c) => c.userId === id && c.userName === 'Kim'), kimId), {
        timeout: 10_000,
      })
      .toBe(true)
    // tldraw itself counts only pointer activity: to it, Kim has been inactive since she arrived.
    expect(await ada.evaluate((id) => window.__thinkTogether!.editor.getVisibleCollaborators().some((c) => c.userId === id), kimId)).toBe(false)
    await ada.getByTestId('people-menu').click()
    const names = ada.getByTestId('people-menu-content').locator('.tlui-people-menu__name')
    await expect.poll(() => names.allTextContents()).toContain('Kim')
    await ada.screenshot({ path: 'docs/screenshots/people-menu-keyboard-joiner.png' })
    await ada.keyboard.press('Escape')
    // She leaves: she is gone from the menu.
    await kimContext.close()
    await ada.getByTestId('people-menu').click()
    await expect.poll(() => names.allTextContents(), { timeout: 45_000 }).not.toContain('Kim')
    await ada.keyboard.press('Escape')
  }, 90_000)
})
