/**
 * Guided tours (issue 5, item 7) in real Chromium against the built app and the real server: a
 * member records a tour of three stops; presents it live while another member follows stop by
 * stop (camera and highlight move with the presenter); publishes it; a member who comes later
 * plays it on their own and replies at a stop, and the reply is a thread reply on that stop's
 * card for everyone; an observer can play a tour but not record, present, publish or reply.
 *
 * Cards are written through the board's own document (the shape of createCard in
 * shared/board/boardModel.ts), so these tests do not depend on how the palette creates them.
 */
import { describe, expect, test } from 'vitest'
import type { Page } from 'playwright-core'
import { browserAvailable } from '../helpers/browser'
import { useBrowserBoard } from '../helpers/browserBoard'
import { addCard } from '../helpers/pageCards'

const available = browserAvailable()
const suite = useBrowserBoard(available, 'How do we hand over patients safely?', 'Handovers lose information between shifts.')

async function openBoard(link: string, name: string): Promise<Page> {
  const context = await suite.newContext(name)
  const page = await context.newPage()
  page.setDefaultTimeout(10_000)
  await page.goto(link)
  await page.getByTestId('name-dialog-input').fill(name)
  await page.getByTestId('name-dialog-submit').click()
  await page.waitForFunction(() => window.__thinkTogether?.provider.synced === true, null, { timeout: 20_000 })
  await page.locator('[data-testid="connection-indicator"][data-status="connected"]').waitFor({ timeout: 20_000 })
  return page
}

/** Writes a card the way createCard does, as the page's own person, and shows it on the canvas. */

/** Centres the view on a shape at 100% and selects it, as someone would before adding a stop. */
function lookAtAndSelect(page: Page, shapeId: string): Promise<void> {
  return page.evaluate((id) => {
    const { editor } = window.__thinkTogether!
    const bounds = editor.getShapePageBounds(id as never)!
    editor.setCurrentTool('select')
    editor.setCamera({ x: 0, y: 0, z: 1 })
    editor.centerOnPoint(bounds.center)
    editor.select(id as never)
  }, shapeId)
}

function viewCenter(page: Page): Promise<{ x: number; y: number }> {
  return page.evaluate(() => {
    const { x, y } = window.__thinkTogether!.editor.getViewportPageBounds().center
    return { x: Math.round(x), y: Math.round(y) }
  })
}

function shapeCenter(page: Page, shapeId: string): Promise<{ x: number; y: number }> {
  return page.evaluate((id) => {
    const { x, y } = window.__thinkTogether!.editor.getShapePageBounds(id as never)!.center
    return { x: Math.round(x), y: Math.round(y) }
  }, shapeId)
}

function hinted(page: Page): Promise<string[]> {
  return page.evaluate(() => [...window.__thinkTogether!.editor.getHintingShapeIds()])
}

function threadReplies(page: Page, anchorId: string): Promise<string[]> {
  return page.evaluate((id) => {
    const thread = window.__thinkTogether!.conversationDoc.getMap('threads').get(id) as { get(key: string): unknown } | undefined
    const replies = thread?.get('replies') as { toArray(): { get(key: string): unknown }[] } | undefined
    return (replies?.toArray() ?? []).map((reply) => String(reply.get('text')))
  }, anchorId)
}

async function openToursList(page: Page): Promise<void> {
  if (!(await page.getByTestId('tours-list').isVisible())) await page.getByTestId('tours-toggle').click()
  await page.getByTestId('tours-list').waitFor()
}

describe.skipIf(!available)('guided tours in three browsers', () => {
  let ada: Page
  let bea: Page
  let cards: { cardId: string; shapeId: string }[]
  const NOTES = ['Start with what gets lost', 'Then the night shift', 'And this is why it matters']

  test('a member records a tour of three stops, each a view with a highlighted card and a note', async () => {
    ada = await openBoard(suite.board.links.member, 'Ada')
    bea = await openBoard(suite.board.links.member, 'Bea')
    cards = [
      await addCard(ada, { kind: 'observation', text: 'Medication changes are missed at handover', x: 0, y: 0 }),
      await addCard(ada, { kind: 'question', text: 'Why is the night handover rushed?', x: 2400, y: 0 }),
      await addCard(ada, { kind: 'understanding', text: 'Missed changes lead to double doses', x: 0, y: 2000 }),
    ]
    await openToursList(ada)
    await ada.getByRole('button', { name: 'Record a tour' }).click()
    await ada.getByTestId('tour-recorder').waitFor()
    await ada.getByLabel('Tour title').fill('Where handovers fail')
    for (const [index, card] of cards.entries()) {
      await lookAtAndSelect(ada, card.shapeId)
      await ada.getByTestId('tour-new-stop-note').fill(NOTES[index])
      await ada.getByTestId('tour-add-stop').click()
      await expect.poll(() => ada.getByTestId('tour-stop').count()).toBe(index + 1)
    }
    // Reorder and delete: an extra stop goes to the front, then is deleted again.
    await ada.getByTestId('tour-new-stop-note').fill('An extra stop')
    await ada.getByTestId('tour-add-stop').click()
    await ada.getByRole('button', { name: 'Move stop 4 up' }).click()
    await ada.getByRole('button', { name: 'Move stop 3 up' }).click()
    await ada.getByRole('button', { name: 'Move stop 2 up' }).click()
    await expect.poll(() => ada.getByLabel('Note for stop 1').inputValue()).toBe('An extra stop')
    await ada.getByRole('button', { name: 'Delete stop 1' }).click()
    await expect.poll(() => ada.getByTestId('tour-stop').count()).toBe(3)
    await expect.poll(() => ada.getByLabel('Note for stop 1').inputValue()).toBe(NOTES[0])
    await ada.screenshot({ path: 'docs/screenshots/tours-recording.png' })
    await ada.getByTestId('tour-save').click()
    await ada.getByTestId('tours-list').waitFor()
    const item = ada.getByTestId('tour-item')
    await expect.poll(() => item.textContent()).toContain('Where handovers fail')
    expect(await item.textContent()).toContain('3 stops')
    expect(await item.textContent()).toContain('Draft')
    // A draft is Ada's alone in the list.
    await openToursList(bea)
    expect(await bea.getByTestId('tour-item').count()).toBe(0)
  })

  test('the author presents live; another member follows stop by stop', async () => {
    await ada.getByRole('button', { name: 'Present Where handovers fail live' }).click()
    await ada.getByTestId('tour-player').waitFor()
    const offer = bea.getByTestId('tour-live-offer')
    await expect.poll(() => offer.textContent()).toContain('Ada is presenting a tour “Where handovers fail”')
    await bea.screenshot({ path: 'docs/screenshots/tours-live-offer.png' })
    await offer.getByRole('button', { name: 'Follow' }).click()
    for (const index of [0, 1, 2]) {
      if (index > 0) await ada.getByTestId('tour-next').click()
      const target = await shapeCenter(bea, cards[index].shapeId)
      await expect.poll(() => viewCenter(bea), { timeout: 10_000 }).toEqual(target)
      await expect.poll(() => hinted(bea)).toEqual([cards[index].shapeId])
      await expect.poll(() => bea.getByTestId('tour-stop-note').textContent()).toBe(NOTES[index])
      expect(await bea.getByTestId('tour-stop-position').textContent()).toBe(`Stop ${index + 1} of 3`)
      expect(await bea.getByTestId('tour-player-mode').textContent()).toBe('Following Ada')
      if (index === 1) await bea.screenshot({ path: 'docs/screenshots/tours-following.png' })
    }
    // A follower cannot drive the tour.
    expect(await bea.getByTestId('tour-next').count()).toBe(0)
    await ada.getByRole('button', { name: 'End presentation' }).click()
    await bea.getByTestId('tour-ended').waitFor()
    expect(await bea.getByTestId('tour-player').count()).toBe(0)
    expect(await hinted(bea)).toEqual([])
  })

  test('the author publishes; a member who comes later plays it and replies at a stop', async () => {
    await openToursList(ada)
    await ada.getByRole('button', { name: 'Publish Where handovers fail' }).click()
    await expect.poll(() => ada.getByTestId('tour-item').textContent()).not.toContain('Draft')

    const cal = await openBoard(suite.board.links.member, 'Cal')
    await openToursList(cal)
    await cal.getByRole('button', { name: 'Play Where handovers fail' }).click()
    await expect.poll(() => cal.getByTestId('tour-stop-note').textContent()).toBe(NOTES[0])
    expect(await cal.getByTestId('tour-previous').isDisabled()).toBe(true)
    await cal.getByTestId('tour-next').click()
    await expect.poll(() => cal.getByTestId('tour-stop-note').textContent()).toBe(NOTES[1])
    await expect.poll(() => viewCenter(cal), { timeout: 10_000 }).toEqual(await shapeCenter(cal, cards[1].shapeId))
    expect(await hinted(cal)).toEqual([cards[1].shapeId])

    await cal.getByLabel('Reply at this stop').fill('Nights have half the staff.')
    await cal.getByTestId('tour-reply-send').click()
    await expect.poll(() => cal.getByTestId('tour-stop-reply').allTextContents()).toEqual(['Cal Nights have half the staff.'])
    await cal.screenshot({ path: 'docs/screenshots/tours-reply-at-stop.png' })

    // The reply is a reply in that card's thread, for everyone.
    await expect.poll(() => threadReplies(ada, cards[1].cardId)).toEqual(['Nights have half the staff.'])
    await cal.getByRole('button', { name: 'Open thread' }).click()
    await expect.poll(() => cal.getByTestId('thread-view').textContent()).toContain('Nights have half the staff.')

    // Previous goes back; the first stop has no replies yet.
    await cal.getByTestId('tour-previous').click()
    await expect.poll(() => cal.getByTestId('tour-stop-note').textContent()).toBe(NOTES[0])
    expect(await cal.getByTestId('tour-stop-reply').count()).toBe(0)
    await cal.getByTestId('tour-close').click()
  })

  test('an observer can play a tour but not record, present, publish or reply', async () => {
    const olu = await openBoard(suite.board.links.observer, 'Olu')
    await openToursList(olu)
    await expect.poll(() => olu.getByTestId('tour-item').count()).toBe(1)
    expect(await olu.getByRole('button', { name: 'Record a tour' }).count()).toBe(0)
    expect(await olu.getByRole('button', { name: /^Present / }).count()).toBe(0)
    expect(await olu.getByRole('button', { name: /^(Publish|Unpublish|Edit) / }).count()).toBe(0)
    await olu.getByRole('button', { name: 'Play Where handovers fail' }).click()
    await olu.getByTestId('tour-next').click()
    await expect.poll(() => olu.getByTestId('tour-stop-note').textContent()).toBe(NOTES[1])
    await expect.poll(() => olu.getByTestId('tour-stop-reply').allTextContents()).toEqual(['Cal Nights have half the staff.'])
    expect(await olu.getByTestId('tour-reply-input').count()).toBe(0)
    await olu.screenshot({ path: 'docs/screenshots/tours-observer-plays.png' })
    await olu.getByTestId('tour-close').click()
    // An observer still follows a live presentation.
    await openToursList(ada)
    await ada.getByRole('button', { name: 'Present Where handovers fail live' }).click()
    await olu.getByTestId('tour-live-offer').getByRole('button', { name: 'Follow' }).click()
    await expect.poll(() => olu.getByTestId('tour-player-mode').textContent()).toBe('Following Ada')
    await expect.poll(() => hinted(olu)).toEqual([cards[0].shapeId])
    await ada.getByRole('button', { name: 'End presentation' }).click()
    await olu.getByTestId('tour-ended').waitFor()
  })
})
