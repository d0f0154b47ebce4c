/**
 * The core board in a real browser: Debian's Chromium driven by playwright-core against the
 * built app served by the real server (as `npm start` runs it), with real SQLite on disk.
 */
import { describe, expect, test } from 'vitest'
import type { Page } from 'playwright-core'
import { browserAvailable } from '../helpers/browser'
import { useBrowserBoard } from '../helpers/browserBoard'

const available = browserAvailable()

const foreignRequests: string[] = []

const PROBLEM = 'New nurses say the first month feels overwhelming. What do experienced colleagues know that never makes it into the induction pack?'
const suite = useBrowserBoard(available, 'How do we onboard new nurses?', PROBLEM)

async function openBoard(link: string, name: string): Promise<Page> {
  const context = await suite.newContext(name)
  const page = await context.newPage()
  page.on('request', (request) => {
    const url = new URL(request.url())
    if (!['data:', 'blob:'].includes(url.protocol) && url.host !== new URL(suite.server.url).host) foreignRequests.push(request.url())
  })
  await page.goto(link)
  await page.getByTestId('name-dialog-input').fill(name)
  await page.getByTestId('name-dialog-submit').click()
  await waitForSynced(page)
  return page
}

async function waitForSynced(page: Page): Promise<void> {
  await page.waitForFunction(() => window.__thinkTogether?.provider.synced === true, null, { timeout: 20_000 })
  await page.locator('[data-testid="connection-indicator"][data-status="connected"]').waitFor({ timeout: 20_000 })
}

function noteTexts(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const editor = window.__thinkTogether!.editor
    return editor
      .getCurrentPageShapes()
      .filter((shape) => shape.type === 'note')
      .map((shape) => editor.getShapeUtil(shape).getText?.(shape) ?? '')
  })
}

describe.skipIf(!available)('a board in two browsers', () => {
  let ada: Page
  let bea: Page

  test('both members see the problem statement, pinned on the board', async () => {
    ada = await openBoard(suite.board.links.member, 'Ada')
    bea = await openBoard(suite.board.links.member, 'Bea')
    for (const page of [ada, bea]) {
      await expect.poll(() => page.getByTestId('problem-text').textContent()).toContain('first month feels overwhelming')
      expect(await page.getByTestId('role-badge').getAttribute('data-role')).toBe('member')
    }
  })

  test('a sticky note with text made in one browser appears in the other', async () => {
    await ada.mouse.click(640, 450)
    await ada.keyboard.press('n')
    await ada.mouse.click(500, 420)
    await ada.waitForTimeout(300)
    await ada.keyboard.type('Shadow an experienced nurse for a week', { delay: 10 })
    await ada.keyboard.press('Escape')
    await expect.poll(() => noteTexts(bea), { timeout: 10_000 }).toEqual(['Shadow an experienced nurse for a week'])
    await bea.getByTestId('canvas').getByText('Shadow an experienced nurse for a week').waitFor({ state: 'visible' })
  })

  test('the other member’s cursor and name are visible', async () => {
    for (let i = 0; i < 8; i++) {
      await ada.mouse.move(760 + i * 12, 300 + i * 6)
      await ada.waitForTimeout(40)
    }
    // tldraw 5 draws collaborators' cursors and name labels on an overlay canvas: check that
    // Ada is among the collaborators drawn, and that her colour is painted where her cursor is.
    await expect
      .poll(
        () =>
          bea.evaluate(() => {
            const editor = window.__thinkTogether!.editor
            const ada = editor.getVisibleCollaboratorsOnCurrentPage().find((c) => c.userName === 'Ada')
            if (!ada?.cursor || !editor.getViewportPageBounds().containsPoint(ada.cursor)) return 'no cursor in view'
            const point = editor.pageToViewport(ada.cursor)
            const hex = ada.color.replace('#', '')
            const target = [0, 2, 4].map((i) => parseInt(hex.slice(i, i + 2), 16))
            const ratio = window.devicePixelRatio
            for (const canvas of document.querySelectorAll('canvas')) {
              const box = canvas.getBoundingClientRect()
              const context = canvas.getContext('2d')
              if (!context || box.width === 0) continue
              const scale = canvas.width / box.width
              const x = Math.round((point.x - (box.left - editor.getViewportScreenBounds().x)) * scale)
              const y = Math.round((point.y - (box.top - editor.getViewportScreenBounds().y)) * scale)
              const pixels = context.getImageData(x - 4 * ratio, y - 4 * ratio, 60 * ratio, 40 * ratio).data
              for (let i = 0; i < pixels.length; i += 4) {
                const close = [0, 1, 2].every((c) => Math.abs(pixels[i + c] - target[c]) < 12)
                if (close && pixels[i + 3] > 200) return 'drawn'
              }
            }
            return 'not drawn'
          }),
        { timeout: 10_000 },
      )
      .toBe('drawn')
    const collaborators = await bea.evaluate(() => window.__thinkTogether!.editor.getCollaborators().map((c) => ({ name: c.userName, hasCursor: !!c.cursor })))
    expect(collaborators).toContainEqual({ name: 'Ada', hasCursor: true })
    await bea.screenshot({ path: 'docs/screenshots/core-member-sees-note-and-cursor.png' })
  })

  test('a member follows another member’s viewport from tldraw’s people menu', async () => {
    await bea.locator('.tlui-people-menu__avatars-button').click()
    const adaItem = bea.locator('.tlui-people-menu__item', { hasText: 'Ada' })
    await adaItem.locator('.tlui-people-menu__item__follow').click()
    await bea.keyboard.press('Escape')
    const adaUserId = await ada.evaluate(() => window.__thinkTogether!.editor.user.getId())
    expect(await bea.evaluate(() => window.__thinkTogether!.editor.getInstanceState().followingUserId)).toBe(adaUserId)
    // Ada moves her view far away; Bea's camera goes with it.
    await ada.evaluate(() => {
      window.__thinkTogether!.editor.setCamera({ x: -4000, y: -3000, z: 1 })
    })
    const viewCenter = () => {
      const { x, y } = window.__thinkTogether!.editor.getViewportPageBounds().center
      return { x: Math.round(x), y: Math.round(y) }
    }
    const adaCenter = await ada.evaluate(viewCenter)
    // The canvas is the window less the history strip under it.
    const screen = await ada.evaluate(() => window.__thinkTogether!.editor.getViewportScreenBounds())
    expect(adaCenter).toEqual({ x: Math.round(4000 + screen.w / 2), y: Math.round(3000 + screen.h / 2) })
    await expect.poll(() => bea.evaluate(viewCenter), { timeout: 10_000 }).toEqual(adaCenter)
    await bea.evaluate(() => {
      window.__thinkTogether!.editor.stopFollowingUser()
    })
    await ada.evaluate(() => {
      window.__thinkTogether!.editor.setCamera({ x: 0, y: 0, z: 1 })
    })
  })

  test('after a reload the note is still there', async () => {
    await bea.reload()
    await waitForSynced(bea)
    await expect.poll(() => noteTexts(bea), { timeout: 10_000 }).toEqual(['Shadow an experienced nurse for a week'])
  })

  test('an observer sees the board but cannot change it, not even with a modified client', async () => {
    const olu = await openBoard(suite.board.links.observer, 'Olu')
    await expect.poll(() => noteTexts(olu), { timeout: 10_000 }).toEqual(['Shadow an experienced nurse for a week'])
    expect(await olu.getByTestId('role-badge').getAttribute('data-role')).toBe('observer')
    expect(await olu.evaluate(() => window.__thinkTogether!.editor.getInstanceState().isReadonly)).toBe(true)

    // Through the UI: the note tool does nothing for an observer.
    await olu.mouse.click(640, 450)
    await olu.keyboard.press('n')
    await olu.mouse.click(300, 300)
    await olu.keyboard.type('observer note')
    await olu.keyboard.press('Escape')

    // Through a modified client: write straight into the shared document.
    await olu.evaluate(() => {
      const { doc } = window.__thinkTogether!
      doc.getMap('tldraw:records').set('shape:forged', { id: 'shape:forged', typeName: 'shape', type: 'geo' })
    })
    // A later change from a member arrives everywhere, so the observer's writes had their chance.
    await ada.evaluate(() => {
      const editor = window.__thinkTogether!.editor
      editor.createShape({ type: 'geo', x: 900, y: 500, props: { w: 80, h: 80 } })
    })
    await expect.poll(() => bea.evaluate(() => window.__thinkTogether!.editor.getCurrentPageShapes().length), { timeout: 10_000 }).toBe(2)
    for (const page of [ada, bea]) {
      expect(await noteTexts(page)).toEqual(['Shadow an experienced nurse for a week'])
      expect(await page.evaluate(() => window.__thinkTogether!.doc.getMap('tldraw:records').has('shape:forged'))).toBe(false)
    }
  })

  test('the page made no request to any other host', () => {
    expect(foreignRequests).toEqual([])
  })
})
