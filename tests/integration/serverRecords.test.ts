/**
 * Records the server writes are checked with tldraw's schema first (server/board/serverRecords.ts),
 * through the real server: an anonymous card whose parent does not exist, or that tldraw would
 * refuse, is answered 400 with the reason and nothing reaches the board; one inside a frame that
 * is on the board is placed.
 */
import { describe, expect, test } from 'vitest'
import { TLDRAW_RECORDS_MAP } from '../../shared/board/docLayout'
import { listCards } from '../../shared/board/boardModel'
import { useBoardServer } from '../helpers/boardServer'
import { waitFor, waitForSync } from '../helpers/boardClient'

const suite = useBoardServer()

const shape = (id: string, overrides: Record<string, unknown> = {}) => ({
  id,
  parentId: 'page:page',
  index: 'a1',
  x: 100,
  y: 200,
  w: 240,
  h: 160,
  ...overrides,
})

function post(body: unknown) {
  return fetch(`${suite.server.url}/api/boards/${suite.board.id}/anonymous-cards`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${suite.board.tokens.member}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  })
}

describe('anonymous cards are checked with tldraw’s schema before they are written', () => {
  test('a card whose parent does not exist or that tldraw would refuse is answered 400 and never reaches the board; one in a frame on the board is placed', async () => {
    const facilitator = suite.client(suite.board.id, suite.board.tokens.facilitator)
    const member = suite.client(suite.board.id, suite.board.tokens.member)
    await Promise.all([waitForSync(facilitator), waitForSync(member)])
    facilitator.doc.transact(() => {
      const records = facilitator.doc.getMap(TLDRAW_RECORDS_MAP)
      records.set('page:page', { id: 'page:page', typeName: 'page', name: 'Page 1', index: 'a1', meta: {} })
      records.set('shape:frame', {
        id: 'shape:frame',
        typeName: 'shape',
        type: 'frame',
        parentId: 'page:page',
        index: 'a1',
        x: 0,
        y: 0,
        rotation: 0,
        isLocked: false,
        opacity: 1,
        props: { w: 800, h: 600, name: 'Night shifts', color: 'black' },
        meta: {},
      })
    })
    await waitFor(() => member.doc.getMap(TLDRAW_RECORDS_MAP).has('shape:frame'), 10_000, 'the frame to reach the member')

    const noParent = await post({ kind: 'concern', text: 'Nobody reads the night notes.', shape: shape('shape:orphan', { parentId: 'shape:deleted' }) })
    expect(noParent.status).toBe(400)
    expect(((await noParent.json()) as { error: string }).error).toMatch(/parent shape:deleted does not exist/)
    const otherPage = await post({ kind: 'concern', text: 'Nobody reads the night notes.', shape: shape('shape:elsewhere', { parentId: 'page:gone' }) })
    expect(otherPage.status).toBe(400)
    expect(((await otherPage.json()) as { error: string }).error).toMatch(/parent page:gone does not exist/)
    const badIndex = await post({ kind: 'concern', text: 'Nobody reads the night notes.', shape: shape('shape:badindex', { index: 'a10' }) })
    expect(badIndex.status).toBe(400)
    expect(((await badIndex.json()) as { error: string }).error).toMatch(/not a valid tldraw record: index/)

    const inFrame = await post({ kind: 'concern', text: 'Handover at 7 is rushed.', shape: shape('shape:inframe', { parentId: 'shape:frame' }) })
    expect(inFrame.status).toBe(201)
    // Updates reach members in order: once the accepted card is there, a refused one would be too.
    await waitFor(() => member.doc.getMap(TLDRAW_RECORDS_MAP).has('shape:inframe'), 10_000, 'the accepted card')
    expect(listCards(member.doc).map((card) => card.text)).toEqual(['Handover at 7 is rushed.'])
    for (const refused of ['shape:orphan', 'shape:elsewhere', 'shape:badindex']) expect(member.doc.getMap(TLDRAW_RECORDS_MAP).has(refused)).toBe(false)
  })
})
