/**
 * Issue 13, "a board a facilitator would choose over Miro": what a first workshop (a facilitator,
 * members) found on cards, the canvas and the Facilitate panel, each fixed and checked here in
 * Chromium against the built app and the real server. Each test writes its "after" screenshot to
 * docs/first-workshop/ (docs/first-workshop.md shows it beside the "before" one).
 */
import { resolve } from 'node:path'
import { beforeAll, describe, expect, test } from 'vitest'
import type { Page } from 'playwright-core'
import { browserAvailable } from '../helpers/browser'
import { useBrowserBoard } from '../helpers/browserBoard'
import { addCard } from '../helpers/pageCards'

const available = browserAvailable()
const suite = useBrowserBoard(available, 'How do we help new nurses through their first month?', 'New nurses say the first month is overwhelming.')
const SHOTS = resolve(import.meta.dirname, '..', '..', 'docs', 'first-workshop')

const LONG_TEXT =
  'My first month: I kept a notebook of every question I was too shy to ask.\nBy week three it had sixty questions.\nHalf of them were about the drug round, the rest about who to call at night.'

async function openBoard(link: string, name: string): Promise<Page> {
  const page = await (await suite.newContext(name)).newPage()
  await page.goto(link)
  await page.getByTestId('name-dialog-input').fill(name)
  await page.getByTestId('name-dialog-submit').click()
  await page.waitForFunction(() => window.__thinkTogether?.provider.synced === true, null, { timeout: 20_000 })
  await page.locator('[data-testid="connection-indicator"][data-status="connected"]').waitFor({ timeout: 20_000 })
  return page
}

/** The contribution shapes on the page, with their page bounds and their card's text. */
function cards(page: Page) {
  return page.evaluate(() => {
    const { editor, doc } = window.__thinkTogether!
    return editor
      .getCurrentPageShapes()
      .filter((shape) => shape.type === 'contribution')
      .map((shape) => {
        const cardId = (shape.props as { cardId: string }).cardId
        const bounds = editor.getShapePageBounds(shape.id)!
        const card = doc.getMap('cards').get(cardId) as { get(key: string): unknown } | undefined
        return { id: shape.id, cardId, x: bounds.x, y: bounds.y, w: bounds.w, h: bounds.h, text: String(card?.get('text') ?? '') }
      })
  })
}

const cardCount = (page: Page) => page.evaluate(() => window.__thinkTogether!.doc.getMap('cards').size)

async function clearPage(page: Page): Promise<void> {
  await page.evaluate(() => {
    const editor = window.__thinkTogether!.editor
    editor.deleteShapes([...editor.getCurrentPageShapeIds()])
    editor.setCamera({ x: 0, y: 0, z: 1 })
  })
}

describe.skipIf(!available)('a first workshop: cards, canvas and facilitation', () => {
  let fay: Page
  let ada: Page

  beforeAll(async () => {
    fay = await openBoard(suite.board.links.facilitator, 'Fay')
    ada = await openBoard(suite.board.links.member, 'Ada')
  })

  test('card shortcuts never shadow tldraw’s: Shift+1 zooms and adds nothing; an empty new card left with Escape is removed; the shortcuts dialog lists ours', async () => {
    await ada.mouse.click(640, 420)
    const before = await cardCount(ada)
    // As a US keyboard reports it ("!"), and as layouts whose digits need Shift do ("1" with Shift).
    await ada.keyboard.press('Shift+Digit1')
    await ada.evaluate(() => {
      for (const type of ['keydown', 'keyup']) document.body.dispatchEvent(new KeyboardEvent(type, { key: '1', code: 'Digit1', shiftKey: true, bubbles: true }))
    })
    await ada.keyboard.press('Shift+Digit2')
    // The sentinel: a bare 2 does add a card, so the Shift presses above had their chance.
    await ada.keyboard.press('2')
    await ada.getByTestId('card-textarea').waitFor()
    await expect.poll(() => cardCount(ada)).toBe(before + 1)
    expect((await cards(ada)).length).toBe(1)
    await ada.keyboard.press('Escape')
    await expect.poll(() => cards(ada)).toEqual([])
    await expect.poll(() => cardCount(ada)).toBe(before)
    // Undo does not bring the empty card back.
    await ada.keyboard.press('Control+z')
    expect(await cards(ada)).toEqual([])

    await ada.keyboard.press('Control+Alt+Slash')
    const dialog = ada.locator('.tlui-shortcuts-dialog__body')
    await dialog.waitFor()
    const pairs = await dialog
      .locator('.tlui-shortcuts-dialog__key-pair')
      .evaluateAll((rows) =>
        rows.map((row) => ({ id: row.getAttribute('data-testid') ?? '', kbd: (row.querySelector('.tlui-kbd')?.textContent ?? '').trim() })),
      )
    const ours = pairs.filter((pair) => /^kbd\.(add-|card-actions|conversation)/.test(pair.id))
    expect(ours.map((pair) => pair.kbd)).toEqual(['1', '2', '3', '4', '5', '6', 'M', expect.stringMatching(/C$/)])
    const theirs = pairs.filter((pair) => !ours.includes(pair))
    expect(theirs.length).toBeGreaterThan(20)
    for (const pair of ours)
      expect(
        theirs.filter((other) => other.kbd === pair.kbd),
        `${pair.id} ${pair.kbd}`,
      ).toEqual([])
    await ada.screenshot({ path: `${SHOTS}/after-shortcuts.png` })
    await ada.keyboard.press('Escape')
    await dialog.waitFor({ state: 'detached' })
  })

  test('cards grow to fit their text up to a limit, then scroll; a selected card expands; text stays legible at 50 % zoom', async () => {
    await clearPage(ada)
    const three = await addCard(ada, { kind: 'experience', text: LONG_TEXT, x: 100, y: 200 })
    const long = await addCard(ada, {
      kind: 'concern',
      text: Array.from({ length: 30 }, (_, i) => `Line ${i + 1} of a long concern.`).join('\n'),
      x: 420,
      y: 200,
    })
    const heightOf = (shapeId: string) => ada.evaluate((id) => window.__thinkTogether!.editor.getShapePageBounds(id as never)!.h, shapeId)
    const textOverflow = (cardId: string) =>
      ada.evaluate((id) => {
        const text = document.querySelector<HTMLElement>(`[data-card-id="${id}"] [data-testid="card-text"]`)!
        return text.scrollHeight - text.clientHeight
      }, cardId)
    await expect.poll(() => heightOf(three.shapeId), { timeout: 10_000 }).toBeGreaterThan(160)
    await expect.poll(() => textOverflow(three.cardId)).toBeLessThanOrEqual(1)
    expect(await ada.locator(`[data-card-id="${three.cardId}"]`).getAttribute('data-clipped')).toBeNull()
    await expect.poll(() => heightOf(long.shapeId)).toBe(360)
    await expect.poll(() => ada.locator(`[data-card-id="${long.cardId}"]`).getAttribute('data-clipped')).toBe('true')
    expect(await textOverflow(long.cardId)).toBeGreaterThan(100)

    await ada.evaluate((id) => {
      window.__thinkTogether!.editor.select(id as never)
    }, long.shapeId)
    await ada.getByTestId('card-actions').waitFor()
    await ada.keyboard.press('m')
    await expect.poll(() => ada.evaluate(() => document.activeElement?.closest('[data-testid="card-actions"]') !== null)).toBe(true)
    await ada.getByTestId('card-action-expand').focus()
    await ada.keyboard.press('Enter')
    await expect.poll(() => heightOf(long.shapeId)).toBeGreaterThan(500)
    await expect.poll(() => textOverflow(long.cardId)).toBeLessThanOrEqual(1)
    await ada.evaluate(() => {
      window.__thinkTogether!.editor.zoomToFit({ animation: { duration: 0 } })
    })
    await ada.screenshot({ path: `${SHOTS}/after-card-text.png` })
    await ada.getByTestId('card-action-expand').click()
    await expect.poll(() => heightOf(long.shapeId)).toBe(360)

    await ada.evaluate(() => {
      const editor = window.__thinkTogether!.editor
      editor.selectNone()
      editor.setCamera({ x: 200, y: 100, z: 0.5 })
    })
    await expect
      .poll(() =>
        ada.evaluate((id) => {
          const text = document.querySelector<HTMLElement>(`[data-card-id="${id}"] [data-testid="card-text"]`)!
          return Number.parseFloat(getComputedStyle(text).fontSize) * window.__thinkTogether!.editor.getZoomLevel()
        }, three.cardId),
      )
      .toBeGreaterThanOrEqual(11)
    // Zooming out does not change how tall the card is.
    const fittedHeight = await heightOf(three.shapeId)
    await ada.screenshot({ path: `${SHOTS}/after-card-text-50-percent.png` })
    await ada.evaluate(() => {
      window.__thinkTogether!.editor.setCamera({ x: 0, y: 0, z: 1 })
    })
    expect(await heightOf(three.shapeId)).toBe(fittedHeight)
  })

  test('a card’s buttons are 44 px touch targets out of the Tab order; with the card selected, M and Enter react from the keyboard', async () => {
    await clearPage(ada)
    const card = await addCard(ada, { kind: 'idea', text: 'A named buddy for the first ten shifts', x: 300, y: 250 })
    const buttons = ada.locator(`[data-card-id="${card.cardId}"] button`)
    await expect.poll(() => buttons.count()).toBe(4)
    for (const button of await buttons.all()) {
      expect(await button.getAttribute('tabindex')).toBe('-1')
      const box = (await button.boundingBox())!
      expect(Math.min(box.width, box.height)).toBeGreaterThanOrEqual(44)
    }
    await ada.evaluate((id) => {
      window.__thinkTogether!.editor.select(id as never)
    }, card.shapeId)
    await ada.getByTestId('card-actions').waitFor()
    await ada.keyboard.press('m')
    await expect.poll(() => ada.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.testid)).toBe('card-action-resonates')
    await ada.keyboard.press('Enter')
    await expect.poll(() => ada.locator(`[data-card-id="${card.cardId}"] [data-testid="reaction-resonates"]`).getAttribute('data-count')).toBe('1')
    await expect.poll(() => ada.getByTestId('card-action-resonates').getAttribute('aria-pressed')).toBe('true')
    await ada.keyboard.press('ArrowRight')
    await ada.keyboard.press('ArrowRight')
    await ada.keyboard.press('ArrowRight')
    expect(await ada.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.testid)).toBe('card-action-thread')
    await ada.keyboard.press('Escape')
    await expect.poll(() => ada.evaluate(() => document.activeElement?.closest('[data-testid="card-actions"]') === null)).toBe(true)
    await ada.screenshot({ path: `${SHOTS}/after-card-actions.png` })
  })

  test('cards added by keyboard never touch; a link between neighbours has length and a one-line label in sans-serif', async () => {
    await clearPage(ada)
    await ada.mouse.click(640, 420)
    for (const [key, text] of [
      ['2', 'Why do new nurses stop asking questions after week two?'],
      ['3', 'I kept a notebook of every question I was too shy to ask'],
      ['4', 'A named buddy for the first ten shifts'],
      ['1', 'Questions feel like a sign of weakness'],
    ]) {
      await ada.keyboard.press('Escape')
      await ada.keyboard.press(key)
      await ada.getByTestId('card-textarea').waitFor()
      await ada.keyboard.type(text)
      await ada.keyboard.press('Enter')
      await expect.poll(async () => (await cards(ada)).map((card) => card.text)).toContain(text)
    }
    const placed = await cards(ada)
    expect(placed).toHaveLength(4)
    for (const a of placed) {
      for (const b of placed) {
        if (a === b) continue
        const apart = Math.max(b.x - (a.x + a.w), a.x - (b.x + b.w), b.y - (a.y + a.h), a.y - (b.y + b.h))
        expect(apart, `${a.text} / ${b.text}`).toBeGreaterThanOrEqual(48)
      }
    }
    const [question, experience] = placed
    const pair: string[] = [question.id, experience.id]
    await ada.evaluate((ids: string[]) => {
      window.__thinkTogether!.editor.select(...(ids as never[]))
    }, pair)
    await ada.getByTestId('link-selected').click()
    await ada.getByRole('radio', { name: 'questions' }).click()
    await ada.keyboard.press('Escape')
    await ada.evaluate(() => {
      window.__thinkTogether!.editor.selectNone()
    })
    const label = ada.locator('.tl-shape[data-shape-type="arrow"] .tl-rich-text').first()
    await expect.poll(() => label.textContent()).toBe('questions')
    const style = await label.evaluate((element) => {
      const computed = getComputedStyle(element)
      return { family: computed.fontFamily, lineHeight: Number.parseFloat(computed.lineHeight), height: element.getBoundingClientRect().height }
    })
    expect(style.family).toMatch(/^tldraw_sans/)
    expect(style.height).toBeLessThan(style.lineHeight * 1.5)
    await ada.evaluate(() => {
      window.__thinkTogether!.editor.zoomToFit({ animation: { duration: 0 } })
    })
    await ada.screenshot({ path: `${SHOTS}/after-link-label.png` })
  })

  test('starting the Think alone phase opens a think-alone round for members', async () => {
    await fay.getByTestId('facilitation-controls-toggle').click()
    await fay.getByTestId('facilitation-controls').waitFor()
    await fay.getByTestId('phase-preset').selectOption('think-alone')
    await fay.getByTestId('phase-add').click()
    await fay.getByTestId('phase-next').click()
    await expect.poll(() => ada.getByTestId('drafts-banner').textContent(), { timeout: 10_000 }).toBe('Thinking alone — only you can see your drafts')
    await fay.screenshot({ path: `${SHOTS}/after-facilitate-panel.png` })
    // The panel's glyph buttons say what they do.
    for (const glyph of await fay.locator('.tt-facilitation__icon').all()) expect(await glyph.getAttribute('title')).toMatch(/\w/)
    // The round the phase opened is the facilitator's to follow in the dock's Think alone panel.
    await fay.getByTestId('drafts-toggle').click()
    await expect.poll(() => fay.getByTestId('drafts-ready-count').textContent()).toMatch(/of \d+ ready/)
    await fay.getByTestId('drafts-close-round').click()
  })

  test('“bring everyone to me” tells the people it moved who moved them, and the facilitator that it happened', async () => {
    await fay.evaluate(() => {
      window.__thinkTogether!.editor.setCamera({ x: -2000, y: -1500, z: 1 })
    })
    const before = await ada.evaluate(() => window.__thinkTogether!.editor.getCamera().x)
    if ((await fay.getByTestId('facilitation-controls').count()) === 0) await fay.getByTestId('facilitation-controls-toggle').click()
    await fay.getByTestId('summon').click()
    await expect.poll(() => fay.getByTestId('summon-notice').textContent()).toContain('Everyone’s view moved to yours.')
    await expect.poll(() => ada.getByTestId('summon-notice').textContent(), { timeout: 10_000 }).toContain('Fay brought everyone to their view.')
    expect(await ada.evaluate(() => window.__thinkTogether!.editor.getCamera().x)).not.toBe(before)
    await ada.screenshot({ path: `${SHOTS}/after-summon-notice.png` })
    await ada.getByTestId('summon-notice').getByRole('button', { name: 'Dismiss' }).click()
    await ada.getByTestId('summon-notice').waitFor({ state: 'detached' })
  })

  test('each board’s tab has its title; the anonymous switch turns off once the anonymous card is posted', async () => {
    expect(await ada.title()).toBe('How do we help new nurses through their first month? · Think Together')
    await fay.evaluate(() => {
      const facilitation = window.__thinkTogether!.controlDoc.getMap('facilitation')
      facilitation.delete('currentPhaseId')
    })
    await ada.getByTestId('contribution-palette').waitFor()
    await ada.getByTestId('post-anonymously').focus()
    await ada.keyboard.press('Space')
    expect(await ada.getByTestId('post-anonymously').isChecked()).toBe(true)
    await ada.getByTestId('add-card-idea').click()
    await ada.getByTestId('anonymous-composer-text').fill('Pair every new nurse with a buddy')
    await ada.getByTestId('anonymous-composer-submit').click()
    await expect.poll(async () => (await cards(ada)).map((card) => card.text)).toContain('Pair every new nurse with a buddy')
    await expect.poll(() => ada.getByTestId('post-anonymously').isChecked()).toBe(false)
  })
})
