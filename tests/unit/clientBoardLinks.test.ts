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

  it('is taken from the fragment, remembered, and cleared from the address without a new history entry', () => {
    localStorage.clear()
    window.history.replaceState(null, '', `/b/${BOARD_ID}?view=1#token=from.the.link`)
    const entries = window.history.length
    expect(resolveBoardToken(BOARD_ID)).toBe('from.the.link')
    expect(window.location.hash).toBe('')
    expect(window.location.href).not.toContain('from.the.link')
    expect(window.location.pathname + window.location.search).toBe(`/b/${BOARD_ID}?view=1`)
    expect(window.history.length).toBe(entries)
    // A reload of /b/<id> opens the board from the remembered token, and leaves the address clean.
    expect(resolveBoardToken(BOARD_ID)).toBe('from.the.link')
    expect(window.location.hash).toBe('')
  })

  it('from the fragment wins over a remembered one', () => {
    rememberAccess(BOARD_ID, { token: 'old', role: 'member', title: 'T' })
    window.history.replaceState(null, '', `/b/${BOARD_ID}#token=new`)
    expect(resolveBoardToken(BOARD_ID)).toBe('new')
    expect(resolveBoardToken(BOARD_ID)).toBe('new')
  })

  it('is missing when there is neither a fragment nor a remembered token', () => {
    localStorage.clear()
    window.history.replaceState(null, '', `/b/${BOARD_ID}`)
    expect(resolveBoardToken(BOARD_ID)).toBeNull()
  })
})

describe('asset store', () => {
  let grantAccess: () => void = () => undefined
  const accessReady = new Promise<void>((resolve) => {
    grantAccess = resolve
  })
  const store = createBoardAssetStore({ boardId: BOARD_ID, token: 'tok en', maxAssetBytes: 10, maxBoardAssetBytes: 100, accessReady })

  it('renders this board’s asset paths as they are, with no token, once the asset cookie has been asked for', async () => {
    const src = `/api/boards/${BOARD_ID}/assets/abc`
    let resolved: string | null | undefined
    const resolving = Promise.resolve(store.resolve?.(imageAsset(src), {} as never)).then((value) => {
      resolved = value
    })
    await Promise.resolve()
    expect(resolved).toBeUndefined()
    grantAccess()
    await resolving
    expect(resolved).toBe(src)
  })

  it('leaves other sources alone and resolves a missing source to null', async () => {
    expect(await store.resolve?.(imageAsset('data:image/png;base64,AAAA'), {} as never)).toBe('data:image/png;base64,AAAA')
    expect(await store.resolve?.(imageAsset('/api/boards/BBBBBBBBBBBBBBBBBBBBBB/assets/x'), {} as never)).toBe('/api/boards/BBBBBBBBBBBBBBBBBBBBBB/assets/x')
    expect(await store.resolve?.(imageAsset(null), {} as never)).toBeNull()
  })
})

describe('relay close codes', () => {
  it('stop reconnecting only for a refused or replaced link, an unknown or deleted board or a bad board id', () => {
    const close = (code: number) => ({ code }) as CloseEvent
    expect(shouldReconnectAfterClose(close(CloseCode.unauthorized))).toBe(false)
    expect(shouldReconnectAfterClose(close(CloseCode.boardNotFound))).toBe(false)
    expect(shouldReconnectAfterClose(close(CloseCode.badDocumentName))).toBe(false)
    expect(shouldReconnectAfterClose(close(CloseCode.linkReplaced))).toBe(false)
    expect(shouldReconnectAfterClose(close(CloseCode.boardDeleted))).toBe(false)
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
