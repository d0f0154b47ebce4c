/**
 * Contributions in real browsers (issue 4, items 3, 4 and 7): cards of each kind made with the
 * keyboard, attributed and timed; edits by others shown as such; concurrent typing in one card;
 * duplicate, undo and export; anonymous cards whose author never reaches the other member's
 * browser (checked in that browser's Y.Doc and in the websocket frames it received), and their
 * claim; reactions with names; reply counts; hostile text; and the observer.
 */
import { describe, expect, test } from 'vitest'
import type { Page } from 'playwright-core'
import * as Y from 'yjs'
import * as decoding from 'lib0/decoding'
import { browserAvailable } from '../helpers/browser'
import { useBrowserBoard } from '../helpers/browserBoard'
import { connectClient, createBoard, waitForSync, type CreatedBoard } from '../helpers/boardClient'
import { addReply, type Person } from '../../shared/board/boardModel'
import { CONTRIBUTION_KINDS, CONTRIBUTION_KIND_INFO } from '../../shared/board/vocabulary'
import { MEMBERS_MAP } from '../../shared/board/docLayout'
import { conversationDocName } from '../../shared/board/docNames'
import { MessageType, SyncMessageType } from '../../shared/protocol/messages'

const available = browserAvailable()
const suite = useBrowserBoard(available, 'How do we onboard new nurses?', 'New nurses say the first month feels overwhelming.')
const SCREENSHOTS = 'docs/screenshots'

const KIND_TEXTS: Record<(typeof CONTRIBUTION_KINDS)[number], string> = {
  understanding: 'New nurses drown in information, not in work',
  question: 'What do you wish someone had told you in week one?',
  experience: 'My first night shift: nobody showed me where the crash trolley was',
  idea: 'A buddy for the first ten shifts',
  concern: 'Buddies are already overloaded',
  synthesis: 'What matters is knowing whom to ask',
}

interface CardView {
  shapeId: string
  cardId: string
  x: number
  y: number
  kind: string
  text: string
  author: Person | null
  anonymous: boolean
  lastEditor: Person | null
}

async function openBoard(link: string, name: string, beforeOpen?: (page: Page) => void): Promise<Page> {
  const context = await suite.newContext(name)
  const page = await context.newPage()
  page.on('dialog', (dialog) => {
    throw new Error(`unexpected dialog: ${dialog.message()}`)
  })
  beforeOpen?.(page)
  await page.goto(link)
  await page.getByTestId('name-dialog-input').fill(name)
  await page.getByTestId('name-dialog-submit').click()
  await page.waitForFunction(() => window.__thinkTogether?.provider.synced === true, null, { timeout: 20_000 })
  await page.locator('[data-testid="connection-indicator"][data-status="connected"]').waitFor({ timeout: 20_000 })
  return page
}

/** The contribution shapes on the page with their cards, read from the page's own document. */
function cardsOn(page: Page): Promise<CardView[]> {
  return page.evaluate(() => {
    const { editor, doc } = window.__thinkTogether!
    const cards = doc.getMap('cards')
    return editor
      .getCurrentPageShapes()
      .filter((shape) => shape.type === 'contribution')
      .map((shape) => {
        const cardId = (shape.props as { cardId: string }).cardId
        const card = (cards.get(cardId) as { toJSON(): Record<string, unknown> } | undefined)?.toJSON() ?? {}
        return {
          shapeId: shape.id,
          cardId,
          x: shape.x,
          y: shape.y,
          kind: String(card.kind),
          text: String(card.text ?? ''),
          author: (card.author as Person | null) ?? null,
          anonymous: card.anonymous === true,
          lastEditor: (card.lastEditor as Person | null) ?? null,
        }
      })
  })
}

function cardElement(page: Page, cardId: string) {
  return page.locator(`[data-testid="contribution-card"][data-card-id="${cardId}"]`)
}

async function cardWithText(page: Page, text: string): Promise<CardView> {
  let found: CardView | undefined
  await expect.poll(async () => (found = (await cardsOn(page)).find((card) => card.text === text)), { timeout: 10_000 }).toBeTruthy()
  return found!
}

/** Brings a card into the middle of the view at 150% (nothing selected), so a person could click it. */
async function showCard(page: Page, shapeId: string): Promise<void> {
  await page.evaluate((shapeId) => {
    const editor = window.__thinkTogether!.editor
    editor.selectNone()
    editor.zoomToBounds(editor.getShapePageBounds(shapeId as never)!, { targetZoom: 1.5 })
  }, shapeId)
}

/**
 * Double-clicks a card's text, as a person would. The mouse goes to the spot rather than to the
 * element: a card's text lets pointer events through to tldraw's canvas, which hit-tests shapes.
 */
async function doubleClickCardText(page: Page, cardId: string): Promise<void> {
  const box = (await cardElement(page, cardId).getByTestId('card-text').boundingBox())!
  await page.mouse.dblclick(box.x + box.width / 2, box.y + Math.min(12, box.height / 2))
}

async function startEditing(page: Page, cardId: string): Promise<void> {
  await doubleClickCardText(page, cardId)
  await cardElement(page, cardId).getByTestId('card-textarea').waitFor()
}

/** The text an SVG shows, without its markup. */
function svgText(svg: string): string {
  return svg.replace(/<[^>]+>/g, '').replace(/\u00a0/g, ' ')
}

async function focusedLabel(page: Page): Promise<string | null> {
  return page.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? null)
}

describe.skipIf(!available)('contributions between members', () => {
  let ada: Page
  let bea: Page

  test('a member adds a card of each kind with the keyboard only: the palette by Tab, then keys 2–6', async () => {
    ada = await openBoard(suite.board.links.member, 'Ada')
    bea = await openBoard(suite.board.links.member, 'Bea')

    for (let presses = 0; presses < 40 && (await focusedLabel(ada)) !== 'Add an understanding card'; presses++) {
      await ada.keyboard.press('Tab')
    }
    expect(await focusedLabel(ada)).toBe('Add an understanding card')
    await ada.keyboard.press('Enter')
    await ada.getByTestId('card-textarea').waitFor()
    await ada.keyboard.type(KIND_TEXTS.understanding)
    await ada.keyboard.press('Enter')
    await ada.getByTestId('card-textarea').waitFor({ state: 'detached' })

    for (const kind of CONTRIBUTION_KINDS.slice(1)) {
      await ada.keyboard.press(CONTRIBUTION_KIND_INFO[kind].shortcut)
      await ada.getByTestId('card-textarea').waitFor()
      expect(await focusedLabel(ada)).toBe(`Text of this ${CONTRIBUTION_KIND_INFO[kind].label.toLowerCase()} card`)
      await ada.keyboard.type(KIND_TEXTS[kind])
      await ada.keyboard.press('Enter')
      await ada.getByTestId('card-textarea').waitFor({ state: 'detached' })
    }

    const adaId = await ada.evaluate(() => window.__thinkTogether!.editor.user.getId())
    const cards = await cardsOn(ada)
    expect(cards.map(({ kind, text }) => ({ kind, text })).sort((a, b) => a.kind.localeCompare(b.kind))).toEqual(
      CONTRIBUTION_KINDS.map((kind) => ({ kind, text: KIND_TEXTS[kind] })).sort((a, b) => a.kind.localeCompare(b.kind)),
    )
    for (const card of cards) expect(card.author).toMatchObject({ id: adaId, name: 'Ada' })
  })

  test('the other member sees each card’s kind, author and when it was written', async () => {
    for (const kind of CONTRIBUTION_KINDS) {
      const card = await cardWithText(bea, KIND_TEXTS[kind])
      const element = cardElement(bea, card.cardId)
      await expect.poll(() => element.getByTestId('card-kind').textContent()).toBe(CONTRIBUTION_KIND_INFO[kind].label)
      expect(await element.getByTestId('card-author').textContent()).toContain('Ada')
      expect(await element.locator('time').textContent()).toBe('just now')
      expect(await element.locator('time').getAttribute('title')).toMatch(/^Written .*\d{4}/)
    }
    await bea.evaluate(() => {
      window.__thinkTogether!.editor.zoomToFit()
    })
    await bea.waitForTimeout(400)
    await bea.screenshot({ path: `${SCREENSHOTS}/contributions-six-kinds.png` })
  })

  test('an edit by another member is shown as such, and the card keeps its author when moved and resized', async () => {
    const card = await cardWithText(bea, KIND_TEXTS.idea)
    await showCard(bea, card.shapeId)
    await startEditing(bea, card.cardId)
    await bea.keyboard.press('End')
    await bea.keyboard.type(', chosen by the new nurse')
    await bea.keyboard.press('Enter')
    const edited = `${KIND_TEXTS.idea}, chosen by the new nurse`
    await expect.poll(() => cardElement(ada, card.cardId).getByTestId('card-text').textContent(), { timeout: 10_000 }).toBe(edited)
    expect(await cardElement(ada, card.cardId).getByTestId('card-edited-by').textContent()).toBe('edited by Bea')

    await ada.evaluate((shapeId) => {
      const editor = window.__thinkTogether!.editor
      const shape = editor.getShape(shapeId as never)!
      editor.updateShape({ id: shape.id, type: 'contribution', x: shape.x + 40, props: { w: 320, h: 200 } } as never)
    }, card.shapeId)
    await expect.poll(async () => (await cardsOn(bea)).find((c) => c.cardId === card.cardId)!.x).toBe(card.x + 40)
    const afterMove = (await cardsOn(bea)).find((c) => c.cardId === card.cardId)!
    expect(afterMove.author?.name).toBe('Ada')
    expect(afterMove.lastEditor?.name).toBe('Bea')
    expect(await cardElement(bea, card.cardId).getByTestId('card-author').textContent()).toContain('Ada')
  })

  test('two members typing in the same card at once both keep their words', async () => {
    const card = await cardWithText(ada, KIND_TEXTS.question)
    for (const page of [ada, bea]) {
      await showCard(page, card.shapeId)
      await startEditing(page, card.cardId)
    }
    await ada.keyboard.press('Control+Home')
    await bea.keyboard.press('Control+End')
    await Promise.all([ada.keyboard.type('Honestly: ', { delay: 25 }), bea.keyboard.type(' And in week two?', { delay: 25 })])
    await bea.screenshot({ path: `${SCREENSHOTS}/contributions-two-people-typing.png` })
    for (const page of [ada, bea]) await page.keyboard.press('Enter')
    const expected = `Honestly: ${KIND_TEXTS.question} And in week two?`
    for (const page of [ada, bea]) {
      await expect.poll(async () => (await cardsOn(page)).find((c) => c.cardId === card.cardId)!.text, { timeout: 10_000 }).toBe(expected)
      await expect.poll(() => cardElement(page, card.cardId).getByTestId('card-text').textContent()).toBe(expected)
    }
  })

  test('a duplicated card is an independent card; undo takes it away and redo brings it back', async () => {
    const original = await cardWithText(ada, KIND_TEXTS.experience)
    const before = (await cardsOn(ada)).length
    await ada.evaluate((shapeId) => {
      const editor = window.__thinkTogether!.editor
      editor.select(shapeId as never)
      editor.zoomToSelection()
    }, original.shapeId)
    await ada.keyboard.press('Control+d')
    await expect.poll(async () => (await cardsOn(bea)).length, { timeout: 10_000 }).toBe(before + 1)
    const copy = (await cardsOn(ada)).find((card) => card.text === KIND_TEXTS.experience && card.cardId !== original.cardId)!
    expect(copy.shapeId).not.toBe(original.shapeId)

    await startEditing(ada, copy.cardId)
    await ada.keyboard.press('Control+End')
    await ada.keyboard.type(' (the copy)')
    await ada.keyboard.press('Enter')
    await expect.poll(async () => (await cardsOn(bea)).find((c) => c.cardId === copy.cardId)?.text).toBe(`${KIND_TEXTS.experience} (the copy)`)
    expect((await cardsOn(bea)).find((c) => c.cardId === original.cardId)!.text).toBe(KIND_TEXTS.experience)

    // Undo steps back through the editing and selection first, as for any tldraw shape.
    await ada.keyboard.press('Escape')
    let undos = 0
    while (undos < 5 && (await cardsOn(ada)).some((c) => c.shapeId === copy.shapeId)) {
      await ada.keyboard.press('Control+z')
      undos++
    }
    await expect.poll(async () => (await cardsOn(bea)).some((c) => c.shapeId === copy.shapeId), { timeout: 10_000 }).toBe(false)
    await ada.keyboard.press('Control+Shift+z')
    await expect
      .poll(async () => (await cardsOn(bea)).find((c) => c.shapeId === copy.shapeId)?.text, { timeout: 10_000 })
      .toBe(`${KIND_TEXTS.experience} (the copy)`)
  })

  test('an exported card shows its kind, text and author', async () => {
    const card = await cardWithText(bea, KIND_TEXTS.concern)
    const svg = await bea.evaluate(async (shapeId) => (await window.__thinkTogether!.editor.getSvgString([shapeId as never]))!.svg, card.shapeId)
    expect(svgText(svg)).toContain('CONCERN')
    expect(svgText(svg)).toContain('Buddies are already overloaded')
    expect(svgText(svg)).toContain('Ada')
  })

  test('reactions are toggles with counts, and say who gave them on hover', async () => {
    const card = await cardWithText(bea, KIND_TEXTS.synthesis)
    for (const page of [ada, bea]) {
      await showCard(page, card.shapeId)
    }
    await cardElement(bea, card.cardId).getByTestId('reaction-resonates').click()
    await cardElement(ada, card.cardId).getByTestId('reaction-resonates').click()
    await cardElement(bea, card.cardId).getByTestId('reaction-tell-more').click()
    const resonates = cardElement(ada, card.cardId).getByTestId('reaction-resonates')
    await expect.poll(() => resonates.getAttribute('data-count'), { timeout: 10_000 }).toBe('2')
    expect(await resonates.getAttribute('aria-pressed')).toBe('true')
    await expect.poll(() => cardElement(ada, card.cardId).getByTestId('reaction-tell-more').getAttribute('data-count')).toBe('1')
    expect(await cardElement(ada, card.cardId).getByTestId('reaction-tell-more').getAttribute('aria-pressed')).toBe('false')

    await resonates.hover()
    const names = cardElement(ada, card.cardId).getByTestId('reaction-resonates-names')
    await names.waitFor({ state: 'visible' })
    expect(await names.textContent()).toBe('Resonates with me: Bea, you')
    await ada.screenshot({ path: `${SCREENSHOTS}/contributions-reaction-names.png` })

    // Taking a reaction back.
    await cardElement(bea, card.cardId).getByTestId('reaction-tell-more').click()
    await expect.poll(() => cardElement(ada, card.cardId).getByTestId('reaction-tell-more').getAttribute('data-count')).toBe('0')
  })

  test('a card shows its reply count (from the conversation document), and the count selects the card for the threads panel', async () => {
    const card = await cardWithText(bea, KIND_TEXTS.synthesis)
    const client = connectClient(suite.server.wsUrl, conversationDocName(suite.board.id), suite.board.tokens.member)
    await waitForSync(client)
    const cy: Person = { id: 'user-cy', name: 'Cy', color: '#11B3A3' }
    addReply(client.doc, card.cardId, { author: cy, text: 'Agreed, and whom to ask at night', now: Date.now() })
    addReply(client.doc, card.cardId, { author: cy, text: 'Also: where things are', now: Date.now() })
    const replies = cardElement(bea, card.cardId).getByTestId('card-replies')
    await expect.poll(() => replies.getAttribute('data-count'), { timeout: 10_000 }).toBe('2')
    expect(await replies.getAttribute('aria-label')).toBe('2 replies: open the thread')
    await bea.evaluate(() => {
      window.__thinkTogether!.editor.selectNone()
    })
    await replies.click()
    expect(await bea.evaluate(() => window.__thinkTogether!.editor.getSelectedShapeIds())).toEqual([card.shapeId])
    client.destroy()
  })

  test('hostile text in cards and names is shown as text, in the page and in exports', async () => {
    const hostileName = '<img src=x onerror="window.__pwned=1">Eve'
    const hostileText = '"><script>window.__pwned=2</script><img src=x onerror=alert(1)> <b>bold?</b>'
    const eve = await openBoard(suite.board.links.member, hostileName)
    await eve.locator('.tl-canvas').click({ position: { x: 900, y: 120 } })
    await eve.keyboard.press('1')
    await eve.getByTestId('card-textarea').waitFor()
    await eve.keyboard.type(hostileText)
    await eve.keyboard.press('Enter')
    const card = await cardWithText(bea, hostileText)
    await showCard(bea, card.shapeId)
    const element = cardElement(bea, card.cardId)
    await expect.poll(() => element.getByTestId('card-text').textContent()).toBe(hostileText)
    expect(await element.getByTestId('card-author').textContent()).toContain(hostileName)
    await cardElement(eve, card.cardId).getByTestId('reaction-differs').click()
    await expect.poll(() => element.getByTestId('reaction-differs-names').textContent()).toBe(`I see it differently: ${hostileName}`)
    expect(await element.locator('img, script, b').count()).toBe(0)
    const svg = await bea.evaluate(async (shapeId) => (await window.__thinkTogether!.editor.getSvgString([shapeId as never]))!.svg, card.shapeId)
    expect(svg).not.toContain('<script')
    expect(svg).not.toContain('<img')
    expect(svg).toContain('&lt;img')
    for (const page of [ada, bea, eve]) expect(await page.evaluate(() => (window as { __pwned?: number }).__pwned)).toBeUndefined()
  })

  test('an observer sees the cards but has no palette and cannot add, edit or react', async () => {
    const olu = await openBoard(suite.board.links.observer, 'Olu')
    const card = await cardWithText(olu, KIND_TEXTS.concern)
    expect(await olu.getByTestId('contribution-palette').count()).toBe(0)
    const before = (await cardsOn(olu)).length
    await olu.locator('.tl-canvas').click({ position: { x: 640, y: 400 } })
    await olu.keyboard.press('2')
    await showCard(olu, card.shapeId)
    await doubleClickCardText(olu, card.cardId)
    expect(await olu.getByTestId('card-textarea').count()).toBe(0)
    const resonates = cardElement(olu, card.cardId).getByTestId('reaction-resonates')
    expect(await resonates.getAttribute('aria-disabled')).toBe('true')
    await resonates.click({ force: true }) // what a person gets when they try anyway
    // A member's later change arrives everywhere, so anything the observer sent had its chance.
    await showCard(ada, card.shapeId)
    await cardElement(ada, card.cardId).getByTestId('reaction-tell-more').click()
    await expect.poll(() => cardElement(bea, card.cardId).getByTestId('reaction-tell-more').getAttribute('data-count'), { timeout: 10_000 }).toBe('1')
    expect(await cardElement(bea, card.cardId).getByTestId('reaction-resonates').getAttribute('data-count')).toBe('0')
    expect((await cardsOn(bea)).length).toBe(before)
    expect((await cardsOn(olu)).length).toBe(before)
  })
})

interface ReceivedFrame {
  at: number
  url: string
  bytes: Uint8Array
}

/** decodeUpdate gives root-level parents as types of a scratch doc, found by name in its `share`. */
function isRootMap(parent: unknown, name: string): boolean {
  return parent instanceof Y.AbstractType && parent.doc?.share.get(name) === parent
}

/**
 * Who is on the board is listed by design, with names: the members map (the members panel) and
 * tldraw's own user records. Neither says who wrote which card, so the checks below skip them.
 */
function isMembershipEntry(item: Y.Item): boolean {
  return isRootMap(item.parent, MEMBERS_MAP) || (isRootMap(item.parent, 'tldraw:records') && !!item.parentSub?.startsWith('user:'))
}

/** What a received sync frame's update holds outside the members map: its structs' client ids and every string in them. */
function readSyncFrame(bytes: Uint8Array): { clients: number[]; text: string } | null {
  const decoder = decoding.createDecoder(bytes)
  if (decoding.readVarUint(decoder) !== MessageType.sync) return null
  const subType = decoding.readVarUint(decoder)
  if (subType !== SyncMessageType.step2 && subType !== SyncMessageType.update) return null
  const { structs } = Y.decodeUpdate(decoding.readVarUint8Array(decoder))
  const clients: number[] = []
  const strings: string[] = []
  for (const struct of structs) {
    // Who visited the board is listed by design (the members panel); it says nothing about who wrote which card.
    if (struct instanceof Y.Item && isMembershipEntry(struct)) continue
    clients.push(struct.id.client)
    if (struct instanceof Y.Item) {
      const { content } = struct
      strings.push(content instanceof Y.ContentString ? content.str : JSON.stringify(content.getContent()), String(struct.parentSub ?? ''))
    }
  }
  return { clients, text: strings.join('\n') }
}

describe.skipIf(!available)('anonymous contributions', () => {
  let author: Page
  let other: Page
  let anonymousBoard: CreatedBoard
  const framesOfOther: ReceivedFrame[] = []
  // A name that appears nowhere else, so finding it anywhere means it leaked.
  const AUTHOR_NAME = 'Ngozi Okafor'
  const TEXT = 'I was too scared to ask for help in my first month'
  let authorId: string
  let authorClientId: number
  let cardId: string
  let shapeId: string

  test('a member posts a card anonymously from the palette: they see “You (anonymous)”, the other member “Anonymous”', async () => {
    anonymousBoard = await createBoard(suite.server.url, 'What makes the first month hard?', 'Collect what people went through.')
    other = await openBoard(anonymousBoard.links.member, 'Bea', (page) => {
      page.on('websocket', (socket) => {
        socket.on('framereceived', ({ payload }) => {
          if (typeof payload !== 'string') framesOfOther.push({ at: Date.now(), url: socket.url(), bytes: new Uint8Array(payload) })
        })
      })
    })
    author = await openBoard(anonymousBoard.links.member, AUTHOR_NAME)
    authorId = await author.evaluate(() => window.__thinkTogether!.editor.user.getId())
    authorClientId = await author.evaluate(() => window.__thinkTogether!.doc.clientID)

    await author.getByTestId('post-anonymously').focus()
    await author.keyboard.press('Space')
    expect(await author.getByTestId('post-anonymously').isChecked()).toBe(true)
    expect(await author.getByTestId('add-card-experience').getAttribute('aria-label')).toBe('Add an experience card anonymously')
    await author.locator('.tl-canvas').click({ position: { x: 700, y: 420 } })
    await author.keyboard.press('3')
    const composer = author.getByTestId('anonymous-composer')
    await composer.waitFor()
    expect(await composer.getAttribute('aria-label')).toBe('Anonymous experience')
    await author.keyboard.type(TEXT)
    await author.screenshot({ path: `${SCREENSHOTS}/contributions-anonymous-composer.png` })
    const postedAt = Date.now()
    await author.keyboard.press('Enter')
    await composer.waitFor({ state: 'detached' })

    const card = await cardWithText(other, TEXT)
    cardId = card.cardId
    shapeId = card.shapeId
    expect(card).toMatchObject({ anonymous: true, author: null, kind: 'experience' })
    await expect.poll(() => cardElement(other, cardId).getByTestId('card-author').textContent()).toBe('Anonymous')
    await expect.poll(() => cardElement(author, cardId).getByTestId('card-author').textContent()).toContain('You (anonymous)')
    expect(await author.evaluate(() => Object.keys(localStorage).filter((key) => key.startsWith('think-together:anonymous-cards:')))).toEqual([
      `think-together:anonymous-cards:${anonymousBoard.id}`,
    ])
    await author.waitForTimeout(300)
    await author.screenshot({ path: `${SCREENSHOTS}/contributions-anonymous-author-view.png` })

    // The frames that carried the card to the other member: nothing from the author's Yjs client, nothing naming them.
    const carried = framesOfOther
      .filter((frame) => frame.at >= postedAt)
      .map((frame) => readSyncFrame(frame.bytes))
      .filter((f) => f !== null)
    expect(carried.some((frame) => frame.text.includes(TEXT))).toBe(true)
    for (const frame of carried) {
      expect(frame.clients).not.toContain(authorClientId)
      expect(frame.text).not.toContain(AUTHOR_NAME)
      expect(frame.text).not.toContain(authorId)
    }
  })

  test('the other member’s document holds no trace of the author: no name or id anywhere, and the card was written by another Yjs client', async () => {
    const inspection = await other.evaluate(
      ({ cardId, shapeId, membersMap }) => {
        const { doc } = window.__thinkTogether!
        type AnyItem = {
          id: { client: number }
          parent: unknown
          parentSub: string | null
          content: { getContent(): unknown[]; type?: unknown }
          right: AnyItem | null
        }
        // Who is on the board is listed by design (see isMembershipEntry); everything else is searched.
        const members = doc.share.get(membersMap)
        const records = doc.share.get('tldraw:records')
        const strings: string[] = []
        for (const structs of (doc.store as unknown as { clients: Map<number, AnyItem[]> }).clients.values()) {
          for (const struct of structs) {
            if (!struct.content || struct.parent === members) continue
            if (struct.parent === records && struct.parentSub?.startsWith('user:')) continue
            strings.push(struct.parentSub ?? '')
            const content = struct.content as AnyItem['content'] & { str?: string }
            strings.push(typeof content.str === 'string' ? content.str : (JSON.stringify(content.getContent()) ?? ''))
          }
        }
        const mapItem = (map: unknown, key: string) => (map as { _map: Map<string, AnyItem> })._map.get(key)!
        const cardItem = mapItem(doc.getMap('cards'), cardId)
        const cardMap = cardItem.content.type as { _map: Map<string, AnyItem>; get(key: string): unknown }
        const creators = [cardItem.id.client, mapItem(doc.getMap('tldraw:records'), shapeId).id.client]
        for (const item of cardMap._map.values()) creators.push(item.id.client)
        for (let item = (cardMap.get('text') as { _start: AnyItem | null })._start; item; item = item.right) creators.push(item.id.client)
        return { everything: strings.join('\n'), creators, otherClientId: doc.clientID }
      },
      { cardId, shapeId, membersMap: MEMBERS_MAP },
    )
    expect(inspection.everything).toContain(TEXT)
    expect(inspection.everything).not.toContain(AUTHOR_NAME)
    expect(inspection.everything).not.toContain(authorId)
    expect(new Set(inspection.creators).size).toBe(1)
    expect(inspection.creators[0]).not.toBe(authorClientId)
    expect(inspection.creators[0]).not.toBe(inspection.otherClientId)
  })

  test('selecting one’s own anonymous card is not shown to others (presence leaves it out)', async () => {
    // The other member makes a probe shape (the author must write nothing to the document here).
    const probeId = 'shape:presence-probe'
    await other.evaluate((id) => {
      window.__thinkTogether!.editor.createShape({ id: id as never, type: 'geo', x: -600, y: -600, props: { w: 40, h: 40 } })
    }, probeId)
    await expect.poll(() => author.evaluate((id) => !!window.__thinkTogether!.editor.getShape(id as never), probeId)).toBe(true)
    // The author selects her anonymous card and the probe; only the probe may show up for others.
    await author.evaluate(
      ({ card, probe }) => {
        window.__thinkTogether!.editor.select(card as never, probe as never)
      },
      { card: shapeId, probe: probeId },
    )
    const selectionSeenByOther = () => other.evaluate(() => window.__thinkTogether!.editor.getCollaborators().flatMap((c) => c.selectedShapeIds as string[]))
    await expect.poll(selectionSeenByOther, { timeout: 10_000 }).toContain(probeId)
    expect(await selectionSeenByOther()).not.toContain(shapeId)
    await author.evaluate(() => {
      window.__thinkTogether!.editor.selectNone()
    })
    await other.evaluate((id) => {
      window.__thinkTogether!.editor.deleteShape(id as never)
    }, probeId)
    await expect.poll(() => author.evaluate((id) => !!window.__thinkTogether!.editor.getShape(id as never), probeId)).toBe(false)
  })

  test('the author changes the text through the server; the other member sees it, still anonymous, also in exports', async () => {
    const since = Date.now()
    await cardElement(author, cardId).getByTestId('card-anonymous-edit').click()
    await author.getByTestId('anonymous-composer').waitFor()
    await author.keyboard.press('End')
    await author.keyboard.type(', and nobody noticed')
    await author.keyboard.press('Enter')
    await expect.poll(async () => (await cardsOn(other)).find((c) => c.cardId === cardId)?.text, { timeout: 10_000 }).toBe(`${TEXT}, and nobody noticed`)
    const card = (await cardsOn(other)).find((c) => c.cardId === cardId)!
    expect(card).toMatchObject({ anonymous: true, author: null, lastEditor: null })
    for (const frame of framesOfOther
      .filter((f) => f.at >= since)
      .map((f) => readSyncFrame(f.bytes))
      .filter((f) => f !== null)) {
      expect(frame.clients).not.toContain(authorClientId)
      expect(frame.text).not.toContain(AUTHOR_NAME)
    }
    for (const frame of framesOfOther.filter((f) => f.bytes[0] === MessageType.awareness)) {
      const text = new TextDecoder().decode(frame.bytes)
      expect(text).not.toContain(shapeId)
    }
    for (const page of [author, other]) {
      const svg = await page.evaluate(async (id) => (await window.__thinkTogether!.editor.getSvgString([id as never]))!.svg, shapeId)
      expect(svg).toContain('Anonymous')
      expect(svg).not.toContain(AUTHOR_NAME)
    }
  })

  test('claiming the card reveals its author to the other member', async () => {
    await cardElement(author, cardId).getByTestId('card-claim').click()
    await cardElement(author, cardId).getByTestId('card-claim-confirm').click()
    await expect.poll(() => cardElement(other, cardId).getByTestId('card-author').textContent(), { timeout: 10_000 }).toBe(AUTHOR_NAME)
    const card = (await cardsOn(other)).find((c) => c.cardId === cardId)!
    expect(card).toMatchObject({ anonymous: false, author: { id: authorId, name: AUTHOR_NAME } })
    // The author's browser forgets the key once the server's answer reaches it, which can be a
    // moment after the other member already sees the claim.
    await expect.poll(() => author.evaluate((id) => localStorage.getItem(`think-together:anonymous-cards:${id}`), anonymousBoard.id)).toBeNull()
  })
})

describe.skipIf(!available)('a big board', () => {
  test('past tldraw’s 4,000 shapes on a page, a member still adds a card with the keyboard', { timeout: 120_000 }, async () => {
    const big = await createBoard(suite.server.url, 'A big board', 'Does a crowded page still take a card?')
    const max = await openBoard(big.links.member, 'Max')
    const made = await max.evaluate(() => {
      const { editor } = window.__thinkTogether!
      const shapes = Array.from({ length: 4_100 }, (_, i) => ({
        type: 'geo' as const,
        x: (i % 100) * 60,
        y: Math.floor(i / 100) * 60,
        props: { w: 40, h: 40 },
      }))
      editor.run(() => editor.createShapes(shapes))
      editor.setCamera({ x: -8_000, y: -8_000, z: 1 })
      return editor.getCurrentPageShapeIds().size
    })
    expect(made).toBe(4_100)
    await max.locator('.tl-canvas').click({ position: { x: 600, y: 300 } })
    await max.keyboard.press('1')
    await max.getByTestId('card-textarea').waitFor()
    await max.keyboard.type('Still room for one more')
    await max.keyboard.press('Enter')
    await expect
      .poll(() => max.evaluate(() => window.__thinkTogether!.editor.getCurrentPageShapes().filter((shape) => shape.type === 'contribution').length))
      .toBe(1)
  })
})
