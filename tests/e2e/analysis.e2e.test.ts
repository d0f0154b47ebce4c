/**
 * The Map panel in real browsers (issue 10, items 5 and 6), against the built app served by the
 * real server: a facilitator (Fay) and two members (Ada and Bea, then Ama and Ben). Map analysis: opened from the
 * keyboard, a feedback loop chosen, its three cards ringed on the canvas (and no others), the
 * analysis following a link added by someone else while the panel is open. "How my understanding
 * moved": after a real think-alone round and reveal, Ama's card at reveal against now as a word
 * diff, with Ben's link and reply; her anonymous card in nobody's account.
 */
import { beforeAll, describe, expect, test } from 'vitest'
import type { Page } from 'playwright-core'
import { browserAvailable } from '../helpers/browser'
import { useBrowserBoard } from '../helpers/browserBoard'
import { addCard } from '../helpers/pageCards'

const available = browserAvailable()
const suite = useBrowserBoard(available, 'How do we keep new nurses?', 'Too many new nurses leave in their first year.')

async function openBoard(link: string, name: string): Promise<Page> {
  const context = await suite.newContext(name)
  const page = await context.newPage()
  await page.goto(link)
  await page.getByTestId('name-dialog-input').fill(name)
  await page.getByTestId('name-dialog-submit').click()
  await page.waitForFunction(() => window.__thinkTogether?.provider.synced === true, null, { timeout: 45_000 })
  await page.waitForFunction(() => window.__thinkTogether?.conversationProvider.synced === true, null, { timeout: 45_000 })
  await page.locator('[data-testid="connection-indicator"][data-status="connected"]').waitFor({ timeout: 45_000 })
  return page
}

/** Links two card shapes the way the app does: an arrow bound at both ends, its type in meta, as this page's person. */
async function linkCards(page: Page, from: string, to: string, linkType: string): Promise<string> {
  await page.waitForFunction((ids) => ids.every((id) => window.__thinkTogether!.editor.getShape(id as never)), [from, to], { timeout: 15_000 })
  return page.evaluate(
    ({ from, to, linkType }) => {
      const { editor, personId } = window.__thinkTogether!
      const identity = JSON.parse(localStorage.getItem('think-together:identity')!).state
      const me = { id: personId, name: identity.name, color: identity.color }
      const hex = Array.from(crypto.getRandomValues(new Uint8Array(8)), (b) => b.toString(16).padStart(2, '0')).join('')
      const arrowId = `shape:link${hex}`
      const now = Date.now()
      const a = editor.getShapePageBounds(from as never)!
      const b = editor.getShapePageBounds(to as never)!
      editor.run(() => {
        editor.createShape({
          id: arrowId as never,
          type: 'arrow',
          x: a.center.x,
          y: a.center.y,
          props: { start: { x: 0, y: 0 }, end: { x: b.center.x - a.center.x, y: b.center.y - a.center.y } } as never,
          meta: { linkType, createdBy: me, updatedBy: me, createdAt: now, updatedAt: now },
        })
        const binding = { normalizedAnchor: { x: 0.5, y: 0.5 }, isExact: false, isPrecise: false, snap: 'none' }
        editor.createBindings([
          { type: 'arrow', fromId: arrowId as never, toId: from as never, props: { ...binding, terminal: 'start' } as never },
          { type: 'arrow', fromId: arrowId as never, toId: to as never, props: { ...binding, terminal: 'end' } as never },
        ])
      })
      return arrowId
    },
    { from, to, linkType },
  )
}

/** A reply by this page's person in a card's thread, written as addReply writes it. */
function reply(page: Page, cardId: string, text: string): Promise<void> {
  return page.evaluate(
    ({ cardId, text }) => {
      const { conversationDoc: doc, personId } = window.__thinkTogether!
      const identity = JSON.parse(localStorage.getItem('think-together:identity')!).state
      const threads = doc.getMap('threads')
      const YMap = threads.constructor as new () => typeof threads
      const YArray = doc.getArray('e2e-constructors').constructor as new () => { push(items: unknown[]): void }
      const YText = doc.getText('e2e-constructors-text').constructor as new (text: string) => unknown
      doc.transact(() => {
        let thread = threads.get(cardId) as typeof threads | undefined
        if (!thread) {
          thread = new YMap()
          thread.set('status', 'open')
          thread.set('statusBy', null)
          thread.set('statusAt', 0)
          thread.set('replies', new YArray())
          threads.set(cardId, thread)
        }
        const map = new YMap()
        map.set('id', `reply:${Math.random().toString(16).slice(2).padEnd(24, '0').slice(0, 24)}`)
        map.set('author', { id: personId, name: identity.name, color: identity.color })
        map.set('text', new YText(text))
        map.set('createdAt', Date.now())
        map.set('editedAt', null)
        map.set('deleted', false)
        ;(thread.get('replies') as { push(items: unknown[]): void }).push([map])
      })
    },
    { cardId, text },
  )
}

interface Rect {
  x: number
  y: number
  width: number
  height: number
}

const contains = (outer: Rect, inner: Rect) =>
  outer.x <= inner.x && outer.y <= inner.y && outer.x + outer.width >= inner.x + inner.width && outer.y + outer.height >= inner.y + inner.height

describe.skipIf(!available)('the map analysis highlights a chosen result’s cards on the canvas', () => {
  let ada: Page
  let bea: Page
  const shapes: Record<string, { cardId: string; shapeId: string }> = {}

  beforeAll(async () => {
    if (!available) return
    ada = await openBoard(suite.board.links.member, 'Ada')
    bea = await openBoard(suite.board.links.member, 'Bea')
    shapes.staff = await addCard(ada, { kind: 'concern', text: 'Staff shortages', x: 80, y: 120 })
    shapes.nights = await addCard(ada, { kind: 'understanding', text: 'More night shifts for the new', x: 420, y: 120 })
    shapes.leave = await addCard(bea, { kind: 'experience', text: 'Tired new nurses leave', x: 250, y: 380 })
    shapes.mentor = await addCard(bea, { kind: 'idea', text: 'A mentor for every new nurse', x: 700, y: 380 })
    await linkCards(ada, shapes.staff.shapeId, shapes.nights.shapeId, 'leads-to')
    await linkCards(ada, shapes.nights.shapeId, shapes.leave.shapeId, 'leads-to')
    await linkCards(bea, shapes.leave.shapeId, shapes.staff.shapeId, 'leads-to')
    await ada.waitForFunction(() => window.__thinkTogether!.editor.getCurrentPageShapes().length === 7, null, { timeout: 15_000 })
  })

  test('opened with Alt+Shift+M, a loop is chosen by keyboard and exactly its three cards are ringed', async () => {
    await ada.locator('.tl-canvas').click({ position: { x: 1100, y: 650 } })
    await ada.keyboard.press('Alt+Shift+M')
    const panel = ada.getByTestId('map-panel')
    await panel.waitFor({ timeout: 10_000 })
    await expect.poll(() => ada.getByTestId('map-summary').textContent()).toContain('4 contributions, 3 links')
    const loop = panel.getByTestId('map-section-loops').getByTestId('map-result')
    await expect.poll(() => loop.count()).toBe(1)
    expect(await loop.textContent()).toBe(
      'A loop of 3: “Staff shortages” → “More night shifts for the new” → “Tired new nurses leave” → back to “Staff shortages”.',
    )
    // Ada's own link to her "night shifts" card is no response to it; Bea's mentor card has none at all.
    expect(await panel.getByTestId('map-section-unanswered').getByTestId('map-result').allTextContents()).toEqual([
      'All 2 contributions nobody has responded to.',
      '“More night shifts for the new” by Ada has no reply, link or reaction from anyone else yet.',
      '“A mentor for every new nurse” by Bea has no reply, link or reaction from anyone else yet.',
    ])

    await loop.focus()
    await ada.keyboard.press('Enter')
    expect(await loop.getAttribute('aria-pressed')).toBe('true')
    const halos = ada.getByTestId('map-highlight')
    await expect.poll(() => halos.count(), { timeout: 10_000 }).toBe(3)
    const ringed = await halos.evaluateAll((elements) => elements.map((element) => element.getAttribute('data-shape-id')).sort())
    expect(ringed).toEqual([shapes.staff.shapeId, shapes.nights.shapeId, shapes.leave.shapeId].sort())
    // Each ring sits around its card as drawn (after the zoom to the loop settles).
    await expect
      .poll(
        async () => {
          for (const key of ['staff', 'nights', 'leave']) {
            const card = await ada.locator(`[data-testid="contribution-card"][data-card-id="${shapes[key].cardId}"]`).boundingBox()
            const ring = await ada.locator(`[data-testid="map-highlight"][data-shape-id="${shapes[key].shapeId}"]`).boundingBox()
            if (!card || !ring || !contains(ring, card)) return false
          }
          return true
        },
        { timeout: 10_000 },
      )
      .toBe(true)
    expect(await ada.getByTestId('map-highlight-notice').textContent()).toContain('3 cards highlighted')
    await ada.screenshot({ path: 'docs/screenshots/map-loop-highlighted.png' })
  }, 60_000)

  test('the analysis follows the board: a link Bea adds shows in Ada’s open panel, and the chosen loop stays ringed', async () => {
    await linkCards(bea, shapes.leave.shapeId, shapes.mentor.shapeId, 'leads-to')
    await linkCards(bea, shapes.mentor.shapeId, shapes.nights.shapeId, 'builds-on')
    const reach = ada.getByTestId('map-section-reach').getByTestId('map-result')
    await expect
      .poll(() => reach.first().textContent(), { timeout: 10_000 })
      .toBe('“Staff shortages” leads to 3 other contributions through chains of “leads to”.')
    await expect
      .poll(() => ada.getByTestId('map-section-unanswered').getByTestId('map-result').allTextContents())
      .toEqual(['“A mentor for every new nurse” by Bea has no reply, link or reaction from anyone else yet.'])
    expect(await ada.getByTestId('map-highlight').count()).toBe(3)
    await expect
      .poll(() => ada.getByTestId('map-reciprocity-summary').textContent())
      .toBe('2 of 2 members responded to at least 1 other. 1 pair of 1 responded to each other.')

    // Choosing the reach result moves the rings to its four cards; choosing it again clears them.
    await reach.first().click()
    await expect.poll(() => ada.getByTestId('map-highlight').count(), { timeout: 10_000 }).toBe(4)
    await reach.first().click()
    await expect.poll(() => ada.getByTestId('map-highlight').count()).toBe(0)
    await ada.keyboard.press('Escape')
    await expect.poll(() => ada.getByTestId('map-panel').count()).toBe(0)
  })
})

describe.skipIf(!available)('how my understanding moved, after a think-alone round and its reveal', () => {
  let fay: Page
  let ada: Page
  let bea: Page

  const cardByText = (page: Page, text: string) =>
    page.evaluate((wanted) => {
      const { doc } = window.__thinkTogether!
      for (const [id, value] of doc.getMap('cards').entries()) {
        const card = value as { get(key: string): unknown }
        if (String(card.get('text')) === wanted) return id
      }
      return null
    }, text)

  const shapeOfCard = (page: Page, cardId: string) =>
    page.evaluate(
      (id) => window.__thinkTogether!.editor.getCurrentPageShapes().find((shape) => (shape.props as { cardId?: string }).cardId === id)?.id ?? null,
      cardId,
    )

  async function writeDraft(page: Page, button: string, text: string) {
    await page.getByTestId(button).click()
    const field = page.getByTestId('draft-text').last()
    await expect.poll(() => field.evaluate((element) => element === document.activeElement)).toBe(true)
    await page.keyboard.type(text)
  }

  test('Ama sees her card at reveal against now, Ben’s link and reply, live; her anonymous card is in nobody’s account', async () => {
    fay = await openBoard(suite.board.links.facilitator, 'Fay')
    ada = await openBoard(suite.board.links.member, 'Ama')
    bea = await openBoard(suite.board.links.member, 'Ben')
    await fay.getByTestId('drafts-toggle').click()
    await fay.getByTestId('drafts-start-round').click()
    await ada.getByTestId('drafts-banner').waitFor({ timeout: 10_000 })
    await ada.waitForFunction(() => window.__thinkTogetherDrafts?.provider.synced === true, null, { timeout: 10_000 })
    await writeDraft(ada, 'add-draft-idea', 'Pair each new nurse with a buddy')
    await ada.getByTestId('drafts-anonymous').check()
    await writeDraft(ada, 'add-draft-concern', 'I am afraid of night shifts')
    await ada.getByTestId('draft-anonymous').last().waitFor()
    await expect
      .poll(() =>
        ada.evaluate(() => [...window.__thinkTogetherDrafts!.doc.getMap('drafts').values()].map((d) => String((d as { get(k: string): unknown }).get('text')))),
      )
      .toEqual(expect.arrayContaining(['Pair each new nurse with a buddy', 'I am afraid of night shifts']))
    await fay.getByTestId('drafts-reveal').click()
    await expect.poll(() => fay.getByTestId('drafts-reveal-message').textContent(), { timeout: 15_000 }).toBe('2 drafts revealed')

    await expect.poll(() => cardByText(bea, 'Pair each new nurse with a buddy'), { timeout: 10_000 }).not.toBeNull()
    const buddy = (await cardByText(bea, 'Pair each new nurse with a buddy'))!
    const nights = (await cardByText(bea, 'I am afraid of night shifts'))!
    await expect.poll(() => shapeOfCard(bea, buddy)).not.toBeNull()
    await expect.poll(() => shapeOfCard(bea, nights)).not.toBeNull()
    const question = await addCard(bea, { kind: 'question', text: 'Who would the buddies be?', x: 900, y: 500 })
    await linkCards(bea, question.shapeId, (await shapeOfCard(bea, buddy))!, 'questions')
    await linkCards(bea, question.shapeId, (await shapeOfCard(bea, nights))!, 'questions')
    await reply(bea, buddy, 'We tried this on ward 4 and it worked.')

    // Ama rewrites her card after the reveal.
    await expect.poll(() => cardByText(ada, 'Pair each new nurse with a buddy'), { timeout: 10_000 }).toBe(buddy)
    await ada.evaluate((cardId) => {
      const map = window.__thinkTogether!.doc.getMap('cards').get(cardId) as { get(key: string): { insert(i: number, s: string): void } }
      map.get('text').insert('Pair each new nurse with a buddy'.length, ' from another ward for three months')
    }, buddy)

    await ada.getByTestId('map-toggle').click()
    await ada.getByTestId('map-tab-understanding').click()
    const view = ada.getByTestId('map-understanding')
    await expect.poll(() => view.getByTestId('map-moved-card').count(), { timeout: 10_000 }).toBe(1)
    const moved = view.getByTestId('map-moved-card')
    expect(await moved.getAttribute('data-card-id')).toBe(buddy)
    await expect
      .poll(() => ada.getByTestId('map-understanding-summary').textContent())
      .toBe('1 of 1 card revealed from think-alone drafts reads differently now.')
    expect((await moved.getByTestId('map-diff').locator('ins').allTextContents()).map((text) => text.trim())).toEqual(['from another ward for three months'])
    expect(await moved.getByTestId('map-diff').textContent()).toBe('Pair each new nurse with a buddy from another ward for three months')
    expect(await moved.getByTestId('map-diff').locator('del').count()).toBe(0)
    await expect.poll(() => moved.getByTestId('map-moved-links').textContent()).toBe('Ben linked “Who would the buddies be?” questions this card')
    expect(await moved.getByTestId('map-moved-replies').textContent()).toBe('Ben: We tried this on ward 4 and it worked.')

    // Live: a reply Ben writes now appears in Ama's open account.
    await reply(bea, buddy, 'Buddies need time off the rota.')
    await expect.poll(() => moved.getByTestId('map-moved-replies').locator('li').count(), { timeout: 10_000 }).toBe(2)
    await ada.screenshot({ path: 'docs/screenshots/map-understanding-moved.png' })

    // "Show" rings the card on the canvas.
    await moved.getByRole('button', { name: 'Show' }).click()
    await expect.poll(() => ada.getByTestId('map-highlight').count(), { timeout: 10_000 }).toBe(1)

    // Ben chooses Ama: the same one card, never the anonymous one.
    await bea.getByTestId('map-toggle').click()
    await bea.getByTestId('map-tab-understanding').click()
    await bea.getByTestId('map-member').selectOption({ label: 'Ama' })
    await expect.poll(() => bea.getByTestId('map-moved-card').count(), { timeout: 10_000 }).toBe(1)
    expect(await bea.getByTestId('map-moved-card').getAttribute('data-card-id')).toBe(buddy)
    expect(await bea.getByTestId('map-understanding').textContent()).not.toContain('night shifts')
  }, 180_000)
})
