/**
 * Withdrawing access in real browsers (issue 12): the page takes the token from `#token=`,
 * clears it from the address bar and opens again from the remembered token on reload; a
 * facilitator replaces the member link from the Share dialog (with an expiry) and a member on
 * the old link is told "This link was replaced; ask the facilitator for the new one." while the
 * new link opens the board; a facilitator deletes the board after typing its title, and everyone
 * on it sees "This board was deleted.". Screenshots of both dialogs go to docs/screenshots.
 */
import { describe, expect, test } from 'vitest'
import type { Page } from 'playwright-core'
import { browserAvailable } from '../helpers/browser'
import { useBrowserBoard } from '../helpers/browserBoard'

const available = browserAvailable()
const TITLE = 'Safer ward handovers'
const suite = useBrowserBoard(available, TITLE, 'Handovers lose information between shifts.')
const SCREENSHOTS = 'docs/screenshots'

async function openBoard(link: string, name: string): Promise<Page> {
  const context = await suite.newContext(name)
  const page = await context.newPage()
  await page.goto(link)
  await page.getByTestId('name-dialog-input').fill(name)
  await page.getByTestId('name-dialog-submit').click()
  await page.waitForFunction(() => window.__thinkTogether?.provider.synced === true, null, { timeout: 20_000 })
  return page
}

describe.runIf(available)('withdrawing access in the browser', { timeout: 90_000 }, () => {
  let facilitator: Page
  let member: Page
  let newMember: Page

  test('the token is cleared from the address bar at once, and a reload opens the board from the remembered one', async () => {
    facilitator = await openBoard(suite.board.links.facilitator, 'Fran')
    expect(facilitator.url()).toBe(`${suite.server.url}/b/${suite.board.id}`)
    // The new tab's about:blank and the board: the address was replaced in place, not pushed.
    expect(await facilitator.evaluate(() => window.history.length)).toBe(2)
    await facilitator.reload()
    await facilitator.waitForFunction(() => window.__thinkTogether?.provider.synced === true, null, { timeout: 20_000 })
    expect(facilitator.url()).not.toContain('token')
    await expect.poll(() => facilitator.getByTestId('role-badge').textContent()).toContain('Facilitator')
  })

  test('a facilitator replaces the member link: the member on the old link is told, the new link opens the board', async () => {
    member = await openBoard(suite.board.links.member, 'Mo')
    expect(member.url()).not.toContain('token')
    await expect.poll(() => member.getByTestId('share-open').count()).toBe(0)

    await facilitator.getByTestId('share-open').click()
    const dialog = facilitator.getByTestId('share-dialog')
    await expect.poll(() => facilitator.getByTestId('share-link-member-url').inputValue(), { timeout: 10_000 }).toContain('#token=')
    const oldLink = await facilitator.getByTestId('share-link-member-url').inputValue()
    await facilitator.getByTestId('share-link-member-replace').click()
    await facilitator.getByTestId('share-link-member-expiry').selectOption('7')
    await dialog.screenshot({ path: `${SCREENSHOTS}/access-replace-link-dialog.png` })
    await facilitator.getByTestId('share-link-member-confirm').click()
    await expect.poll(() => facilitator.getByTestId('share-link-member-replaced').count(), { timeout: 10_000 }).toBe(1)
    const newLink = await facilitator.getByTestId('share-link-member-url').inputValue()
    expect(newLink).not.toBe(oldLink)
    expect(await facilitator.getByTestId('share-link-member').textContent()).toContain('Expires')

    await expect
      .poll(() => member.getByTestId('board-denied').textContent(), { timeout: 10_000 })
      .toContain('This link was replaced; ask the facilitator for the new one.')
    await member.screenshot({ path: `${SCREENSHOTS}/access-link-replaced.png` })
    // Reloading does not bring the old link back.
    await member.reload()
    await expect.poll(() => member.getByTestId('board-denied').textContent(), { timeout: 10_000 }).toMatch(/not valid|replaced/)

    newMember = await openBoard(newLink, 'Nia')
    expect(newMember.url()).not.toContain('token')
    await facilitator.keyboard.press('Escape')
    await expect.poll(() => facilitator.getByTestId('share-dialog').count()).toBe(0)
  })

  test('a facilitator deletes the board after typing its title; everyone on it sees that it was deleted', async () => {
    await facilitator.getByTestId('share-open').click()
    await facilitator.getByTestId('delete-board-open').click()
    const confirm = facilitator.getByTestId('delete-board-confirm')
    await facilitator.getByTestId('delete-board-title').fill('Safer ward')
    expect(await confirm.isDisabled()).toBe(true)
    await facilitator.getByTestId('delete-board-title').fill(TITLE)
    expect(await confirm.isDisabled()).toBe(false)
    await facilitator.getByTestId('delete-board-dialog').screenshot({ path: `${SCREENSHOTS}/access-delete-board-dialog.png` })
    await confirm.click()
    for (const page of [facilitator, newMember]) {
      await expect.poll(() => page.getByTestId('board-denied').textContent(), { timeout: 10_000 }).toContain('This board was deleted.')
    }
    // A reload asks the server about the board, which answers 404: the page says it does not exist.
    suite.watch.allow(/status of 404/)
    await newMember.reload()
    await expect.poll(() => newMember.getByTestId('board-not-found').count(), { timeout: 10_000 }).toBe(1)
  })
})
