/**
 * Preference voting in real browsers: a facilitator (Fay), two members (Ada, Bea) and an observer
 * (Oli) in Debian's Chromium against the built app and the real server. Fay opens a round over
 * the cards she selected; members place and remove dots within the budget (the server refuses
 * more); while the round is open Fay sees how many of those here have voted ("n of m"), and
 * nobody sees a count or another person's ballot; on close every page shows the counts on the
 * cards and the ranked list; a second, named round shows how preferences moved and who gave dots
 * (the server names them from their personal tokens); dots that arrive after the close are not
 * counted and their giver is told so; the observer sees it all but has nothing to vote with.
 */
import { describe, expect, test } from 'vitest'
import type { Page } from 'playwright-core'
import { browserAvailable } from '../helpers/browser'
import { useBrowserBoard } from '../helpers/browserBoard'

const available = browserAvailable()
const suite = useBrowserBoard(available, 'How do we onboard new nurses?', 'New nurses say the first month feels overwhelming.')
const CARD_TEXTS = ['Pair each new nurse with a buddy', 'Shorter first shifts', 'A checklist for week one'] as const

async function openBoard(link: string, name: string): Promise<Page> {
  const context = await suite.newContext(name)
  const page = await context.newPage()
  await page.goto(link)
  await page.getByTestId('name-dialog-input').fill(name)
  await page.getByTestId('name-dialog-submit').click()
  await page.waitForFunction(() => window.__thinkTogether?.provider.synced === true, null, { timeout: 20_000 })
  await page.locator('[data-testid="connection-indicator"][data-status="connected"]').waitFor({ timeout: 20_000 })
  return page
}

/** cardId -> text of the cards on the page, read from its own document. */
function cardIdsByText(page: Page): Promise<Record<string, string>> {
  return page.evaluate(() => {
    const { editor, doc } = window.__thinkTogether!
    const cards = doc.getMap('cards')
    const byText: Record<string, string> = {}
    for (const shape of editor.getCurrentPageShapes()) {
      if (shape.type !== 'contribution') continue
      const cardId = (shape.props as { cardId: string }).cardId
      const card = (cards.get(cardId) as { toJSON(): { text?: string } } | undefined)?.toJSON()
      if (card?.text) byText[card.text] = cardId
    }
    return byText
  })
}

/** Fits every card in the middle of the view with room around it, nothing selected. */
/** Every card in view, in the part of the screen an open panel of the dock (at the left) leaves free. */
async function showAllCards(page: Page): Promise<void> {
  await page.evaluate(() => {
    const editor = window.__thinkTogether!.editor
    editor.selectNone()
    const bounds = editor.getCurrentPageBounds()!
    // Between the rail with the widest open panel beside it (340 px and a gap) on the left and
    // tldraw's style panel on the right, with room above the cards for their badges.
    const rail = document.querySelector('[data-testid="dock-rail"]')?.getBoundingClientRect().right ?? 0
    const left = rail + 348
    const right = window.innerWidth - 200
    const z = Math.min(1, (right - left) / (bounds.w + 80))
    const screenCentre = { x: (left + right) / 2, y: window.innerHeight / 2 }
    editor.setCamera({ x: screenCentre.x / z - bounds.center.x, y: screenCentre.y / z - bounds.center.y, z }, { immediate: true })
  })
}

const voteRounds = () => {
  const rounds = window.__thinkTogether!.controlDoc.getMap('facilitation').get('voteRounds') as { toJSON(): Record<string, unknown> } | undefined
  return rounds ? Object.values(rounds.toJSON()) : []
}

function badge(page: Page, cardId: string) {
  return page.locator(`[data-testid="vote-badge"][data-card-id="${cardId}"]`)
}

async function openVotingPanel(page: Page): Promise<void> {
  if ((await page.getByTestId('voting-panel').count()) === 0) await page.getByTestId('voting-toggle').click()
  await page.getByTestId('voting-panel').waitFor()
}

/** Calls the ballot API from inside the page with the given token (the page's own personal token by default). */
function ballotRequest(page: Page, boardId: string, roundId: string, init: { method: 'GET' | 'PUT'; body?: unknown; token?: string }) {
  return page.evaluate(
    async ({ boardId, roundId, init }) => {
      const stored = JSON.parse(localStorage.getItem(`think-together:person:${boardId}`) ?? '{}') as { personToken?: string }
      const response = await fetch(`/api/boards/${boardId}/rounds/${roundId}/ballot`, {
        method: init.method,
        headers: { Authorization: `Bearer ${init.token ?? stored.personToken}`, 'Content-Type': 'application/json' },
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
      })
      return { status: response.status, body: (await response.json().catch(() => null)) as unknown }
    },
    { boardId, roundId, init },
  )
}

async function clickDots(page: Page, cardId: string, control: 'vote-add' | 'vote-remove', times: number): Promise<void> {
  for (let i = 0; i < times; i++) await badge(page, cardId).getByTestId(control).click()
}

async function savedDotsLeft(page: Page, left: number): Promise<void> {
  await expect.poll(() => page.getByTestId('vote-dots-left').getAttribute('data-left'), { timeout: 10_000 }).toBe(String(left))
  await expect.poll(() => page.getByTestId('vote-dots-left').textContent(), { timeout: 10_000 }).not.toContain('saving')
}

describe.skipIf(!available)('preference voting with a facilitator, two members and an observer', { timeout: 60_000 }, () => {
  let fay: Page
  let ada: Page
  let bea: Page
  let oli: Page
  let ids: Record<string, string>
  let buddy: string
  let shifts: string
  let checklist: string
  let firstRoundId: string

  test('the facilitator opens a round over the cards she selected; members see it with their budget', async () => {
    fay = await openBoard(suite.board.links.facilitator, 'Fay')
    ada = await openBoard(suite.board.links.member, 'Ada')
    bea = await openBoard(suite.board.links.member, 'Bea')
    for (const text of CARD_TEXTS) {
      await fay.keyboard.press('4')
      await fay.getByTestId('card-textarea').waitFor()
      await fay.keyboard.type(text)
      await fay.keyboard.press('Enter')
      await fay.getByTestId('card-textarea').waitFor({ state: 'detached' })
    }
    // Side by side, so every card and its badge fit in view between the panels.
    await fay.evaluate(() => {
      const editor = window.__thinkTogether!.editor
      const cards = editor.getCurrentPageShapes().filter((shape) => shape.type === 'contribution')
      editor.updateShapes(cards.map((shape, index) => ({ id: shape.id, type: shape.type, x: index * 300, y: 0 })))
    })
    await expect.poll(async () => Object.keys(await cardIdsByText(bea)).length, { timeout: 10_000 }).toBe(3)
    ids = await cardIdsByText(fay)
    ;[buddy, shifts, checklist] = CARD_TEXTS.map((text) => ids[text])

    await fay.evaluate(() => {
      const editor = window.__thinkTogether!.editor
      editor.select(
        ...editor
          .getCurrentPageShapes()
          .filter((shape) => shape.type === 'contribution')
          .map((shape) => shape.id),
      )
    })
    await openVotingPanel(fay)
    expect(await fay.getByTestId('vote-selection-count').textContent()).toBe('3 cards selected')
    await fay.getByTestId('vote-title').fill('First preferences')
    await fay.getByTestId('vote-budget').fill('3')
    await fay.getByTestId('vote-anonymous').check()
    await fay.screenshot({ path: 'docs/screenshots/voting-facilitator-opens-round.png' })
    await fay.getByTestId('vote-open').click()

    for (const page of [fay, ada, bea]) {
      await expect.poll(() => page.evaluate(voteRounds), { timeout: 10_000 }).toHaveLength(1)
      await expect.poll(() => page.getByTestId('voting-live').count()).toBe(1)
      // A screen reader hears the rail button and its badge apart.
      expect(await page.getByRole('button', { name: 'Voting open', exact: true }).count()).toBe(1)
    }
    const [round] = (await ada.evaluate(voteRounds)) as Array<{ roundId: string; cardIds: string[]; status: string; budget: number }>
    firstRoundId = round.roundId
    expect(round).toMatchObject({ status: 'open', budget: 3, title: 'First preferences', anonymous: true, results: null, voterCount: null })
    expect([...round.cardIds].sort()).toEqual([buddy, shifts, checklist].sort())
    for (const member of [ada, bea]) {
      await showAllCards(member)
      await openVotingPanel(member)
      await savedDotsLeft(member, 3)
    }
  })

  test('members place and remove dots within the budget; over budget is impossible and refused', async () => {
    await clickDots(ada, buddy, 'vote-add', 2)
    await clickDots(ada, shifts, 'vote-add', 1)
    await savedDotsLeft(ada, 0)
    // The budget is spent: every + is disabled.
    for (const cardId of [buddy, shifts, checklist]) expect(await badge(ada, cardId).getByTestId('vote-add').isDisabled()).toBe(true)
    await clickDots(ada, shifts, 'vote-remove', 1)
    await savedDotsLeft(ada, 1)
    // Keyboard: focus the checklist card's + and press Enter.
    await badge(ada, checklist)
      .getByRole('button', { name: `Add a dot to “${CARD_TEXTS[2]}”` })
      .focus()
    await ada.keyboard.press('Enter')
    await savedDotsLeft(ada, 0)
    expect(await badge(ada, buddy).getByTestId('vote-my-dots').getAttribute('data-dots')).toBe('2')
    await ada.screenshot({ path: 'docs/screenshots/voting-member-places-dots.png' })

    // Fay, Ada and Bea are on the board with member or facilitator links; Ada has voted.
    const progress = fay.getByTestId('vote-progress')
    await expect.poll(() => progress.getAttribute('data-voted'), { timeout: 10_000 }).toBe('1')
    expect(await progress.getAttribute('data-present')).toBe('3')
    expect(await progress.textContent()).toBe('1 of 3 have voted')
    await clickDots(bea, shifts, 'vote-add', 1)
    await clickDots(bea, checklist, 'vote-add', 2)
    await savedDotsLeft(bea, 0)
    await expect.poll(() => progress.textContent(), { timeout: 10_000 }).toBe('2 of 3 have voted')
    await fay.getByTestId('voting-panel').screenshot({ path: 'docs/screenshots/voting-facilitator-n-of-m-voted.png' })
    expect(await ada.getByTestId('vote-progress').count()).toBe(0)

    // A modified client asking for more than the budget is refused by the server.
    suite.watch.allow(/status of 400/)
    const overBudget = await ballotRequest(bea, suite.board.id, firstRoundId, { method: 'PUT', body: { dots: { [buddy]: 4 } } })
    expect(overBudget.status).toBe(400)
    expect((await ballotRequest(bea, suite.board.id, firstRoundId, { method: 'GET' })).body).toEqual({ dots: { [shifts]: 1, [checklist]: 2 } })
  })

  test('before close nobody sees counts: the control document has none, and a ballot is only readable by its owner', async () => {
    for (const page of [fay, ada, bea]) {
      const [round] = (await page.evaluate(voteRounds)) as Array<Record<string, unknown>>
      expect(round.results).toBeNull()
      expect(round.voterCount).toBeNull()
      expect(JSON.stringify(round)).not.toMatch(/"dots"/)
      expect(await page.getByTestId('vote-result-badge').count()).toBe(0)
      expect(await page.getByTestId('vote-results').count()).toBe(0)
    }
    // Bea holds only her own personal token: with the board link token the server names nobody's ballot.
    suite.watch.allow(/status of 403/)
    const withLinkToken = await ballotRequest(bea, suite.board.id, firstRoundId, { method: 'GET', token: suite.board.tokens.member })
    expect(withLinkToken.status).toBe(403)
    // Even the facilitator's link cannot read ballots.
    const asFacilitator = await ballotRequest(fay, suite.board.id, firstRoundId, { method: 'GET', token: suite.board.tokens.facilitator })
    expect(asFacilitator.status).toBe(403)
    // Ada's ballot comes back after a reload, from the server.
    await ada.reload()
    await ada.waitForFunction(() => window.__thinkTogether?.provider.synced === true, null, { timeout: 20_000 })
    await showAllCards(ada)
    await expect.poll(() => badge(ada, buddy).getByTestId('vote-my-dots').getAttribute('data-dots'), { timeout: 10_000 }).toBe('2')
    expect(await badge(ada, shifts).getByTestId('vote-my-dots').getAttribute('data-dots')).toBe('0')
    expect(await badge(ada, checklist).getByTestId('vote-my-dots').getAttribute('data-dots')).toBe('1')
  })

  test('the observer sees the open round but has nothing to vote with', async () => {
    oli = await openBoard(suite.board.links.observer, 'Oli')
    await showAllCards(oli)
    await expect.poll(() => badge(oli, buddy).count(), { timeout: 10_000 }).toBe(1)
    expect(await oli.getByTestId('vote-add').count()).toBe(0)
    await openVotingPanel(oli)
    expect(await oli.getByTestId('vote-observer-note').count()).toBe(1)
    expect(await oli.getByTestId('vote-close').count()).toBe(0)
    await oli.screenshot({ path: 'docs/screenshots/voting-observer-open-round.png' })
  })

  test('on close every page shows the counts on the cards and the ranked list', async () => {
    await fay.getByTestId('vote-close').click()
    // Ada: buddy 2, checklist 1; Bea: shifts 1, checklist 2 -> checklist 3, buddy 2, shifts 1
    for (const page of [fay, ada, bea, oli]) {
      await showAllCards(page)
      await openVotingPanel(page)
      await expect.poll(() => page.getByTestId('vote-result').count(), { timeout: 10_000 }).toBe(3)
      expect(
        await page.getByTestId('vote-result').evaluateAll((rows) => rows.map((row) => [row.getAttribute('data-card-id'), row.getAttribute('data-dots')])),
      ).toEqual([
        [checklist, '3'],
        [buddy, '2'],
        [shifts, '1'],
      ])
      expect(await badge(page, checklist).getByTestId('vote-result-badge').getAttribute('data-place')).toBe('1')
      expect(await badge(page, buddy).getByTestId('vote-result-badge').textContent()).toContain('2 dots')
      expect(await badge(page, shifts).getByTestId('vote-result-badge').textContent()).toContain('1 dot')
      expect(await page.getByTestId('vote-voters').count()).toBe(0)
    }
    const [round] = (await bea.evaluate(voteRounds)) as Array<{ status: string; voterCount: number }>
    expect(round).toMatchObject({ status: 'closed', voterCount: 2 })
    await bea.screenshot({ path: 'docs/screenshots/voting-results-first-round.png' })
  })

  test('the counts leave the cards when the voting panel closes, and come back with it', async () => {
    await expect.poll(() => badge(ada, checklist).getByTestId('vote-result-badge').count()).toBe(1)
    await ada.getByTestId('voting-toggle').click()
    await expect.poll(() => ada.getByTestId('voting-panel').count()).toBe(0)
    await expect.poll(() => ada.getByTestId('vote-badge').count()).toBe(0)
    await ada.screenshot({ path: 'docs/screenshots/voting-results-panel-closed.png' })
    // Only Ada's own screen: the others still have their panel, and the counts on their cards.
    expect(await badge(bea, checklist).getByTestId('vote-result-badge').count()).toBe(1)
    await openVotingPanel(ada)
    await expect.poll(() => badge(ada, checklist).getByTestId('vote-result-badge').getAttribute('data-place')).toBe('1')
  })

  test('a second, named round on the same cards shows who gave dots and how preferences moved', async () => {
    await fay.evaluate(() => {
      const editor = window.__thinkTogether!.editor
      editor.select(
        ...editor
          .getCurrentPageShapes()
          .filter((shape) => shape.type === 'contribution')
          .map((shape) => shape.id),
      )
    })
    await openVotingPanel(fay)
    await fay.getByTestId('vote-title').fill('After discussion')
    await fay.getByTestId('vote-named').check()
    await fay.getByTestId('vote-open').click()
    for (const member of [ada, bea]) {
      await openVotingPanel(member)
      await expect.poll(() => member.getByTestId('vote-round').getAttribute('data-status'), { timeout: 10_000 }).toBe('open')
      await savedDotsLeft(member, 3)
    }
    expect(await oli.getByTestId('vote-add').count()).toBe(0)
    await clickDots(ada, shifts, 'vote-add', 3)
    await clickDots(bea, shifts, 'vote-add', 1)
    await clickDots(bea, buddy, 'vote-add', 2)
    await savedDotsLeft(ada, 0)
    await savedDotsLeft(bea, 0)
    await fay.getByTestId('vote-close').click()
    // shifts 4 (was 3rd with 1), buddy 2 (was 2nd with 2), checklist 0 (was 1st with 3)
    for (const page of [fay, ada, bea, oli]) {
      await expect.poll(() => page.getByTestId('vote-result').first().getAttribute('data-card-id'), { timeout: 10_000 }).toBe(shifts)
      const movements = await page.getByTestId('vote-movement').allTextContents()
      expect(movements).toEqual(['was 3rd, now 1st · +3 dots', 'still 2nd · ±0 dots', 'was 1st, now 3rd · −3 dots'])
      const voters = await page.getByTestId('vote-voters').allTextContents()
      expect(voters[0]).toMatch(/Ada 3.*Bea 1|Bea 1.*Ada 3/)
      expect(voters[1]).toBe('Bea 2')
    }
    await fay.screenshot({ path: 'docs/screenshots/voting-second-round-movement.png' })
    expect(await badge(fay, shifts).getByTestId('vote-result-badge').textContent()).toContain('↑2')
  })

  test('dots that reach the server after the facilitator closed the vote are not counted, and the voter is told so', async () => {
    await fay.evaluate(() => {
      const editor = window.__thinkTogether!.editor
      editor.select(
        ...editor
          .getCurrentPageShapes()
          .filter((shape) => shape.type === 'contribution')
          .map((shape) => shape.id),
      )
    })
    await openVotingPanel(fay)
    await fay.getByTestId('vote-title').fill('Last call')
    await fay.getByTestId('vote-open').click()
    await openVotingPanel(ada)
    await expect.poll(() => ada.getByTestId('vote-round').getAttribute('data-status'), { timeout: 10_000 }).toBe('open')
    await savedDotsLeft(ada, 3)

    // Ada's dots are on their way while Fay closes the vote: her request is held until the close is done.
    let releaseBallot!: () => void
    const ballotHeld = new Promise<void>((resolve) => {
      void ada.route('**/rounds/*/ballot', async (route) => {
        if (route.request().method() !== 'PUT') return route.continue()
        resolve()
        await new Promise<void>((release) => (releaseBallot = release))
        await route.continue()
      })
    })
    await clickDots(ada, buddy, 'vote-add', 1)
    await ballotHeld
    await fay.getByTestId('vote-close').click()
    await expect.poll(() => fay.getByTestId('vote-round').getAttribute('data-status'), { timeout: 10_000 }).toBe('closed')
    suite.watch.allow(/status of 409/)
    releaseBallot()

    const problem = ada.getByTestId('vote-ballot-error')
    await expect.poll(() => problem.textContent(), { timeout: 10_000 }).toBe('This vote closed before your dots were counted.')
    await ada.getByTestId('voting-panel').screenshot({ path: 'docs/screenshots/voting-dots-arrived-after-close.png' })
    const [, , last] = (await fay.evaluate(voteRounds)) as Array<{ status: string; voterCount: number; results: Array<{ dots: number }> }>
    expect(last).toMatchObject({ status: 'closed', voterCount: 0 })
    expect(last.results.every((result) => result.dots === 0)).toBe(true)
    await ada.unroute('**/rounds/*/ballot')
  })
})
