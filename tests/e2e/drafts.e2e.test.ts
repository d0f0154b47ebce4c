/**
 * Think alone, then reveal, in real browsers: a facilitator (Fay) and two members (Ada, Bea) in
 * Debian's Chromium against the built app and the real server. Drafts stay with their author
 * until the reveal (no card on anyone's canvas, and another member's personal token cannot open
 * them); the facilitator sees how many are ready; the reveal puts every draft on every board at
 * once, attributed or anonymous, keeping the text each had at reveal; a draft written offline is
 * revealed when its author reconnects, and kept private once the round is closed.
 */
import { describe, expect, test } from 'vitest'
import type { BrowserContext, Page } from 'playwright-core'
import { draftsDocName } from '../../shared/board/docNames'
import { CloseCode } from '../../shared/protocol/messages'
import { browserAvailable } from '../helpers/browser'
import { useBrowserBoard } from '../helpers/browserBoard'
import { connectClient, waitFor } from '../helpers/boardClient'

const available = browserAvailable()
const suite = useBrowserBoard(available, 'How do we onboard new nurses?', 'New nurses say the first month feels overwhelming.')

async function openBoard(link: string, name: string): Promise<{ page: Page; context: BrowserContext }> {
  const context = await suite.newContext(name)
  const page = await context.newPage()
  await page.goto(link)
  await page.getByTestId('name-dialog-input').fill(name)
  await page.getByTestId('name-dialog-submit').click()
  await page.waitForFunction(() => window.__thinkTogether?.provider.synced === true, null, { timeout: 20_000 })
  await page.locator('[data-testid="connection-indicator"][data-status="connected"]').waitFor({ timeout: 20_000 })
  return { page, context }
}

interface CardOnCanvas {
  id: string
  text: string
  revealedText: string | null
  authorName: string | null
  anonymous: boolean
  hasShape: boolean
}

/** Every card in this page's canvas document, with whether a shape shows it. */
const cardsOn = (page: Page): Promise<CardOnCanvas[]> =>
  page.evaluate(() => {
    const { doc } = window.__thinkTogether!
    const shapes = [...doc.getMap('tldraw:records').values()] as Array<{ type?: string; props?: { cardId?: string } }>
    const shown = new Set(shapes.filter((s) => s.type === 'contribution').map((s) => s.props?.cardId))
    return [...doc.getMap('cards').entries()].map(([id, value]) => {
      const card = value as { get(key: string): unknown }
      const author = card.get('author') as { name?: string } | null
      return {
        id,
        text: String(card.get('text') ?? ''),
        revealedText: typeof card.get('revealedText') === 'string' ? (card.get('revealedText') as string) : null,
        authorName: author?.name ?? null,
        anonymous: card.get('anonymous') === true,
        hasShape: shown.has(id),
      }
    })
  })

const roundStatus = (page: Page) =>
  page.evaluate(() => (window.__thinkTogether!.controlDoc.getMap('facilitation').get('thinkAlone') as { status?: string } | undefined)?.status ?? null)

/** This page's drafts, as its own drafts document holds them. */
const draftsOf = (page: Page) =>
  page.evaluate(() =>
    [...window.__thinkTogetherDrafts!.doc.getMap('drafts').values()].map((value) => {
      const draft = value as { get(key: string): unknown }
      return { text: String(draft.get('text') ?? ''), revealedCardId: (draft.get('revealedCardId') as string | null) ?? null }
    }),
  )

async function writeDraft(page: Page, text: string): Promise<void> {
  const field = page.getByTestId('draft-text').last()
  await expect.poll(() => field.evaluate((element) => element === document.activeElement)).toBe(true)
  await page.keyboard.type(text)
  await expect.poll(() => draftsOf(page).then((drafts) => drafts.some((draft) => draft.text === text))).toBe(true)
}

async function setOnline(page: Page, context: BrowserContext, online: boolean): Promise<void> {
  await context.setOffline(!online)
  await page.evaluate((connect) => {
    const providers = [window.__thinkTogether!.provider, window.__thinkTogether!.controlProvider, window.__thinkTogetherDrafts!.provider]
    for (const provider of providers) {
      if (connect) provider.connect()
      else provider.disconnect()
    }
  }, online)
}

describe.skipIf(!available)('think alone, then reveal, with a facilitator and two members', () => {
  let fay: Page
  let ada: Page
  let bea: { page: Page; context: BrowserContext }
  let everyone: Page[]

  test('the facilitator starts a round; members see that only they can see their drafts, and no palette', async () => {
    fay = (await openBoard(suite.board.links.facilitator, 'Fay')).page
    ada = (await openBoard(suite.board.links.member, 'Ada')).page
    bea = await openBoard(suite.board.links.member, 'Bea')
    everyone = [fay, ada, bea.page]
    expect(await ada.getByTestId('drafts').count()).toBe(0)
    expect(await ada.getByTestId('drafts-toggle').count()).toBe(0)
    // The round's controls are the facilitator's Think alone panel in the dock; a member's comes up by itself.
    await fay.getByTestId('drafts-toggle').click()
    await fay.getByTestId('drafts-start-round').click()
    for (const member of [ada, bea.page]) {
      await expect.poll(() => member.getByTestId('drafts-banner').textContent()).toBe('Thinking alone — only you can see your drafts')
      await expect.poll(() => member.getByTestId('contribution-palette').isVisible()).toBe(false)
      await member.waitForFunction(() => window.__thinkTogetherDrafts?.provider.synced === true, null, { timeout: 10_000 })
    }
    await expect.poll(() => fay.getByTestId('drafts-ready-count').textContent()).toBe('0 of 2 ready')
  })

  test('drafts (keys 1–6 or the panel, named or anonymous) stay with their author: no card anywhere, and another member cannot open them', async () => {
    await ada.locator('.tl-canvas').click({ position: { x: 500, y: 400 } })
    await ada.keyboard.press('4')
    await writeDraft(ada, 'Pair each new nurse with a buddy')
    await ada.getByTestId('drafts-anonymous').check()
    await ada.getByTestId('add-draft-concern').click()
    await writeDraft(ada, 'Night shifts in week one are too much')
    await bea.page.getByTestId('add-draft-question').click()
    await writeDraft(bea.page, 'What do nurses read before day one?')
    // Each draft's own switch: on and off again, so this one is revealed under Bea's name.
    await bea.page.getByTestId('draft-anonymous').last().check()
    await bea.page.getByTestId('draft-anonymous').last().uncheck()
    await ada.screenshot({ path: 'docs/screenshots/drafts-member-thinking-alone.png' })

    await fay.waitForTimeout(1_000)
    for (const page of everyone) expect(await cardsOn(page)).toEqual([])

    const adaPersonId = await ada.evaluate(() => window.__thinkTogetherDrafts!.personId)
    const beaToken = await bea.page.evaluate((key) => JSON.parse(localStorage.getItem(key)!).personToken as string, `think-together:person:${suite.board.id}`)
    const intruder = connectClient(suite.server.wsUrl, draftsDocName(suite.board.id, adaPersonId), beaToken)
    try {
      await waitFor(() => intruder.closeCodes.length > 0, 5_000, 'Bea refused Ada’s drafts')
      intruder.provider.disconnect()
      expect(intruder.closeCodes[0]).toBe(CloseCode.unauthorized)
      expect(intruder.doc.getMap('drafts').size).toBe(0)
    } finally {
      intruder.destroy()
    }
  })

  test('the facilitator sees how many are ready', async () => {
    await ada.getByTestId('drafts-ready').click()
    expect(await ada.getByTestId('drafts-ready').getAttribute('aria-pressed')).toBe('true')
    await expect.poll(() => fay.getByTestId('drafts-ready-count').textContent()).toBe('1 of 2 ready')
    await bea.page.getByTestId('drafts-ready').click()
    await expect.poll(() => fay.getByTestId('drafts-ready-count').textContent()).toBe('2 of 2 ready')
    await fay.screenshot({ path: 'docs/screenshots/drafts-facilitator-ready-count.png' })
  })

  test('reveal puts every draft on every board at once, attributed or anonymous; each draft says it was revealed', async () => {
    // Bea writes one more draft while offline: the reveal cannot include it yet.
    await setOnline(bea.page, bea.context, false)
    await bea.page.getByTestId('add-draft-experience').click()
    await writeDraft(bea.page, 'I shadowed a senior nurse for a week')

    await fay.getByTestId('drafts-reveal').click()
    await expect.poll(() => fay.getByTestId('drafts-reveal-message').textContent()).toBe('3 drafts revealed')
    for (const page of [fay, ada]) {
      await expect.poll(() => cardsOn(page).then((cards) => cards.filter((card) => card.hasShape).length), { timeout: 10_000 }).toBe(3)
      const byText = new Map((await cardsOn(page)).map((card) => [card.text, card]))
      expect(byText.get('Pair each new nurse with a buddy')).toMatchObject({ authorName: 'Ada', anonymous: false })
      expect(byText.get('What do nurses read before day one?')).toMatchObject({ authorName: 'Bea', anonymous: false })
      expect(byText.get('Night shifts in week one are too much')).toMatchObject({ authorName: null, anonymous: true })
    }
    await expect.poll(() => ada.getByTestId('drafts-banner').textContent()).toBe('Revealed — drafts are on the board')
    await expect.poll(() => ada.getByTestId('draft-revealed').count()).toBe(2)
    expect(await ada.getByTestId('contribution-palette').isVisible()).toBe(true)
    await ada.evaluate(() => {
      window.__thinkTogether!.editor.zoomToFit()
    })
    await ada.screenshot({ path: 'docs/screenshots/drafts-revealed.png' })
  })

  test('a draft written offline is revealed when its author reconnects while the round is revealed', async () => {
    await setOnline(bea.page, bea.context, true)
    for (const page of everyone) {
      await expect.poll(() => cardsOn(page).then((cards) => cards.filter((card) => card.hasShape).length), { timeout: 10_000 }).toBe(4)
      const late = (await cardsOn(page)).find((card) => card.text === 'I shadowed a senior nurse for a week')
      expect(late).toMatchObject({ authorName: 'Bea', anonymous: false, revealedText: 'I shadowed a senior nurse for a week' })
    }
    await expect.poll(() => bea.page.getByTestId('draft-revealed').count()).toBe(2)
    expect(await bea.page.locator('[data-testid="draft"][data-revealed="false"]').count()).toBe(0)
  })

  test('the version each card had at reveal is kept after later edits', async () => {
    const card = (await cardsOn(ada)).find((c) => c.text === 'Pair each new nurse with a buddy')!
    await ada.evaluate((cardId) => {
      const map = window.__thinkTogether!.doc.getMap('cards').get(cardId) as { get(key: string): { insert(i: number, s: string): void } }
      map.get('text').insert('Pair each new nurse with a buddy'.length, ' for three months')
    }, card.id)
    await expect
      .poll(() => cardsOn(fay).then((cards) => cards.find((c) => c.id === card.id)))
      .toMatchObject({ text: 'Pair each new nurse with a buddy for three months', revealedText: 'Pair each new nurse with a buddy' })
  })

  test('a draft written offline stays private when the facilitator closed the round before its author reconnected', async () => {
    await fay.getByTestId('drafts-close-round').click()
    await fay.getByTestId('drafts-start-round').click()
    await expect.poll(() => roundStatus(bea.page)).toBe('open')
    await setOnline(bea.page, bea.context, false)
    await bea.page.getByTestId('add-draft-idea').click()
    await writeDraft(bea.page, 'A quiet room for handovers')
    await fay.getByTestId('drafts-close-round').click()
    await expect.poll(() => roundStatus(ada)).toBe('closed')
    await setOnline(bea.page, bea.context, true)
    await expect.poll(() => roundStatus(bea.page)).toBe('closed')
    await bea.page.waitForFunction(() => window.__thinkTogetherDrafts?.provider.synced === true, null, { timeout: 10_000 })

    // The server has the draft (Bea's second device would see it) and has not revealed it.
    const beaPerson = await bea.page.evaluate(
      (key) => JSON.parse(localStorage.getItem(key)!) as { personId: string; personToken: string },
      `think-together:person:${suite.board.id}`,
    )
    const beaElsewhere = connectClient(suite.server.wsUrl, draftsDocName(suite.board.id, beaPerson.personId), beaPerson.personToken)
    try {
      const serverCopy = () =>
        [...beaElsewhere.doc.getMap('drafts').values()]
          .map((value) => value as { get(key: string): unknown })
          .find((draft) => String(draft.get('text')) === 'A quiet room for handovers')
      await waitFor(() => serverCopy() !== undefined, 5_000, 'Bea’s offline draft on the server')
      await fay.waitForTimeout(1_000)
      expect(serverCopy()!.get('revealedCardId')).toBeNull()
    } finally {
      beaElsewhere.destroy()
    }
    for (const page of everyone) expect((await cardsOn(page)).some((card) => card.text === 'A quiet room for handovers')).toBe(false)
    await expect.poll(() => bea.page.getByTestId('drafts-banner').textContent()).toBe('Round closed — drafts not revealed stay private')
    expect(await bea.page.locator('[data-testid="draft"][data-revealed="false"]').count()).toBe(1)
    await bea.page.screenshot({ path: 'docs/screenshots/drafts-closed-round-private.png' })
  })
})
