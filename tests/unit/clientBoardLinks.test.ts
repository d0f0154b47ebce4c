// @vitest-environment jsdom
/**
 * Client rules for board links and uploads that need no server: where the token comes from,
 * that asset URLs get the token only when rendered, which relay closes end a session, and what
 * the create-board form accepts.
 */
import { describe, expect, it } from 'vitest'
import type { TLAsset } from 'tldraw'
import { createBoardAssetStore } from '../../client/board/assetStore'
import { resolveBoardToken, rememberAccess, tokenFromFragment } from '../../client/board/boardAccess'
import { shouldReconnectAfterClose } from '../../client/board/connectionStatus'
import { validateBoardForm } from '../../client/home/boardForm'
import { colorForUserId, PERSON_COLORS } from '../../client/identity/palette'
import { CloseCode } from '../../shared/protocol/messages'

const BOARD_ID = 'AAAAAAAAAAAAAAAAAAAAAA'

function imageAsset(src: string | null): TLAsset {
  return {
    id: 'asset:one',
    typeName: 'asset',
    type: 'image',
    props: { src, w: 1, h: 1, name: 'x.png', isAnimated: false, mimeType: 'image/png' },
    meta: {},
  } as TLAsset
}

describe('board token', () => {
  it('is read from the #token= fragment', () => {
    expect(tokenFromFragment('#token=abc.def.ghi')).toBe('abc.def.ghi')
    expect(tokenFromFragment('')).toBeNull()
    expect(tokenFromFragment('#other=1')).toBeNull()
  })

  it('is remembered per board and put back into the address when the fragment is missing', () => {
    window.history.replaceState(null, '', `/b/${BOARD_ID}`)
    rememberAccess(BOARD_ID, { token: 'remembered', role: 'member', title: 'T' })
    expect(resolveBoardToken(BOARD_ID)).toBe('remembered')
    expect(window.location.hash).toBe('#token=remembered')
  })

  it('from the fragment wins over a remembered one', () => {
    rememberAccess(BOARD_ID, { token: 'old', role: 'member', title: 'T' })
    window.history.replaceState(null, '', `/b/${BOARD_ID}#token=new`)
    expect(resolveBoardToken(BOARD_ID)).toBe('new')
  })
})

describe('asset store', () => {
  const store = createBoardAssetStore({ boardId: BOARD_ID, token: 'tok en', maxAssetBytes: 10 })

  it('adds the token to this board’s asset paths only at render time', () => {
    const src = `/api/boards/${BOARD_ID}/assets/abc`
    expect(store.resolve?.(imageAsset(src), {} as never)).toBe(`${src}?token=tok%20en`)
  })

  it('leaves other sources alone and resolves a missing source to null', () => {
    expect(store.resolve?.(imageAsset('data:image/png;base64,AAAA'), {} as never)).toBe('data:image/png;base64,AAAA')
    expect(store.resolve?.(imageAsset('/api/boards/BBBBBBBBBBBBBBBBBBBBBB/assets/x'), {} as never)).toBe(
      '/api/boards/BBBBBBBBBBBBBBBBBBBBBB/assets/x',
    )
    expect(store.resolve?.(imageAsset(null), {} as never)).toBeNull()
  })
})

describe('relay close codes', () => {
  it('stop reconnecting only for a refused link, an unknown board or a bad board id', () => {
    const close = (code: number) => ({ code }) as CloseEvent
    expect(shouldReconnectAfterClose(close(CloseCode.unauthorized))).toBe(false)
    expect(shouldReconnectAfterClose(close(CloseCode.boardNotFound))).toBe(false)
    expect(shouldReconnectAfterClose(close(CloseCode.badDocumentName))).toBe(false)
    expect(shouldReconnectAfterClose(close(CloseCode.rateLimited))).toBe(true)
    expect(shouldReconnectAfterClose(close(CloseCode.slowConsumer))).toBe(true)
    expect(shouldReconnectAfterClose(close(CloseCode.goingAway))).toBe(true)
  })
})

describe('create-board form', () => {
  it('requires a title and a problem statement within the shared limits', () => {
    expect(validateBoardForm({ title: ' ', problem: '' })).toEqual({
      title: expect.any(String),
      problem: expect.any(String),
    })
    expect(validateBoardForm({ title: 'x'.repeat(201), problem: 'p' }).title).toBeDefined()
    expect(validateBoardForm({ title: 'A board', problem: 'A problem' })).toEqual({})
  })
})

describe('person colour', () => {
  it('is stable per user id and from the palette', () => {
    expect(colorForUserId('someone')).toBe(colorForUserId('someone'))
    expect(PERSON_COLORS).toContain(colorForUserId('someone else'))
  })
})
