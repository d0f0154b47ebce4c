/**
 * The core loop over real sockets: the real server process, real SQLite in a temp dir, and the
 * stock y-websocket client. Rules from the core board issue are named in the test titles.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import * as Y from 'yjs'
import { TokenAuthority } from '../../server/auth/tokens'
import { CloseCode } from '../../shared/protocol/messages'
import { SYNC_SUBPROTOCOL, tokenProtocols } from '../../shared/protocol/tokenProtocol'
import WebSocket from 'ws'
import { WebsocketProvider } from 'y-websocket'
import { BOARD_MAP } from '../../shared/board/docLayout'
import { controlDocName } from '../../shared/board/docNames'
import { startServerProcess, removeDataDir, type ServerProcess } from '../helpers/serverProcess'
import { connectClient, createBoard, waitFor, waitForSync, type TestClient } from '../helpers/boardClient'

let server: ServerProcess
const clients: TestClient[] = []

function client(boardId: string, token: string | null, doc?: Y.Doc): TestClient {
  const created = connectClient(server.wsUrl, boardId, token, doc)
  clients.push(created)
  return created
}

beforeAll(async () => {
  server = await startServerProcess()
})

afterAll(async () => {
  for (const c of clients) c.destroy()
  await server.stop()
  removeDataDir(server.dataDir)
})

describe('sync between members', () => {
  test('two clients converge on every kind of shared type, both ways', async () => {
    const board = await createBoard(server.url)
    const a = client(board.id, board.tokens.facilitator)
    const b = client(board.id, board.tokens.member)
    await Promise.all([waitForSync(a), waitForSync(b)])

    a.doc.getMap('shapes').set('shape:1', { x: 1, y: 2, text: 'from a' })
    b.doc.getArray('list').push(['from b'])
    b.doc.getText('notes').insert(0, 'hello ')
    a.doc.getText('notes').insert(0, 'world')
    await waitFor(
      () =>
        b.doc.getMap('shapes').has('shape:1') &&
        a.doc.getArray('list').length === 1 &&
        a.doc.getText('notes').length === 11 &&
        b.doc.getText('notes').length === 11,
      10_000,
      'convergence',
    )
    expect(Y.encodeStateAsUpdate(a.doc)).toEqual(Y.encodeStateAsUpdate(b.doc))
  })

  test('awareness flows between clients and is removed when a client leaves', async () => {
    const board = await createBoard(server.url)
    const a = client(board.id, board.tokens.member)
    const b = client(board.id, board.tokens.member)
    await Promise.all([waitForSync(a), waitForSync(b)])
    a.provider.awareness.setLocalStateField('user', { name: 'Ada', color: '#e03131' })
    await waitFor(() => b.provider.awareness.getStates().get(a.doc.clientID) !== undefined, 5000, 'awareness')
    expect(b.provider.awareness.getStates().get(a.doc.clientID)).toMatchObject({ user: { name: 'Ada' } })
    a.provider.disconnect()
    await waitFor(() => !b.provider.awareness.getStates().has(a.doc.clientID), 5000, 'awareness removal')
  })
})

describe('access: tokens are checked on every connection', () => {
  async function expectRefused(boardId: string, token: string | null, reason: string) {
    const c = client(boardId, token)
    await waitFor(() => c.closeCodes.length > 0, 5000, 'refusal')
    c.provider.disconnect()
    expect(c.closeCodes[0]).toBe(CloseCode.unauthorized)
    expect(c.denials).toContain(reason)
    // Nothing of the document was sent before the refusal.
    expect(c.doc.share.size).toBe(0)
    expect(c.provider.synced).toBe(false)
  }

  test('the app’s token travels as a subprotocol, never in the URL: the server answers with think-together and syncs; a forged one is refused', async () => {
    const board = await createBoard(server.url)
    const doc = new Y.Doc()
    const provider = new WebsocketProvider(server.wsUrl, board.id, doc, {
      protocols: tokenProtocols(board.tokens.member),
      WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
      disableBc: true,
    })
    try {
      await waitFor(() => provider.synced, 10_000, 'sync with the token in the handshake')
      expect(provider.url).not.toContain(board.tokens.member)
      expect((provider.ws as unknown as { protocol: string }).protocol).toBe(SYNC_SUBPROTOCOL)
    } finally {
      provider.destroy()
    }
    const closes: number[] = []
    const forged = new WebsocketProvider(server.wsUrl, board.id, new Y.Doc(), {
      protocols: tokenProtocols(`${board.tokens.member}x`),
      WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
      disableBc: true,
    })
    forged.on('connection-close', (event) => event && closes.push(event.code))
    try {
      await waitFor(() => closes.length > 0, 5000, 'refusal')
      expect(closes[0]).toBe(CloseCode.unauthorized)
    } finally {
      forged.destroy()
    }
  })

  test('a missing token is refused before any document data is sent', async () => {
    const board = await createBoard(server.url)
    await expectRefused(board.id, null, 'missing-token')
  })

  test('a forged token (signed with another secret) is refused', async () => {
    const board = await createBoard(server.url)
    const forger = new TokenAuthority(new TextEncoder().encode('not-the-server-secret-not-the-server-secret'))
    await expectRefused(board.id, await forger.sign({ boardId: board.id, role: 'facilitator' }), 'invalid-token')
  })

  test('a tampered token (role changed, signature kept) is refused', async () => {
    const board = await createBoard(server.url)
    const [header, , signature] = board.tokens.observer.split('.')
    const payload = Buffer.from(JSON.stringify({ role: 'facilitator', sub: board.id, iss: 'think-together' })).toString('base64url')
    await expectRefused(board.id, `${header}.${payload}.${signature}`, 'invalid-token')
  })

  test('a token for another board is refused', async () => {
    const board = await createBoard(server.url)
    const other = await createBoard(server.url)
    await expectRefused(board.id, other.tokens.facilitator, 'wrong-board')
  })

  test('an expired token is refused', async () => {
    const board = await createBoard(server.url)
    const secret = readFileSync(join(server.dataDir, 'token-secret'), 'utf8').trim()
    const authority = new TokenAuthority(new TextEncoder().encode(secret))
    await expectRefused(board.id, await authority.sign({ boardId: board.id, role: 'member' }, -60), 'expired-token')
  })

  test('an observer’s write is refused, never reaches another client, and is never stored', async () => {
    const board = await createBoard(server.url)
    const member = client(board.id, board.tokens.member)
    const observer = client(board.id, board.tokens.observer)
    await Promise.all([waitForSync(member), waitForSync(observer)])
    observer.doc.getMap('shapes').set('shape:evil', { text: 'observer wrote this' })
    await waitFor(() => observer.denials.length > 0, 5000, 'permission denied')
    expect(observer.denials[0]).toMatch(/observers cannot change/)
    // A marker written after it by the member arrives, so the observer's write had its chance.
    member.doc.getMap('shapes').set('shape:marker', { text: 'member' })
    await waitFor(() => observer.doc.getMap('shapes').has('shape:marker'), 5000, 'member write reaches observer')
    expect(member.doc.getMap('shapes').has('shape:evil')).toBe(false)
    // And a fresh client, loading from the server, never sees it either.
    const fresh = client(board.id, board.tokens.member)
    await waitForSync(fresh)
    expect(fresh.doc.getMap('shapes').has('shape:marker')).toBe(true)
    expect(fresh.doc.getMap('shapes').has('shape:evil')).toBe(false)
  })

  test('the control document (title, problem) is read by every role and written only by facilitators', async () => {
    const board = await createBoard(server.url)
    const facilitator = client(controlDocName(board.id), board.tokens.facilitator)
    const member = client(controlDocName(board.id), board.tokens.member)
    const observer = client(controlDocName(board.id), board.tokens.observer)
    await Promise.all([waitForSync(facilitator), waitForSync(member), waitForSync(observer)])
    for (const c of [facilitator, member, observer]) {
      expect(c.doc.getMap(BOARD_MAP).get('title')?.toString()).toBe('How do we hand over patients safely?')
    }
    member.doc.getMap(BOARD_MAP).set('title', new Y.Text('hijacked by a member'))
    await waitFor(() => member.denials.length > 0, 5000, 'member refused')
    expect(member.denials[0]).toMatch(/only facilitators/)
    const problem = facilitator.doc.getMap(BOARD_MAP).get('problem') as Y.Text
    problem.insert(problem.length, ' Edited by the facilitator.')
    await waitFor(() => observer.doc.getMap(BOARD_MAP).get('problem')?.toString().endsWith('Edited by the facilitator.') ?? false, 5000, 'edit')
    expect(observer.doc.getMap(BOARD_MAP).get('title')?.toString()).toBe('How do we hand over patients safely?')
    const fresh = client(controlDocName(board.id), board.tokens.observer)
    await waitForSync(fresh)
    expect(fresh.doc.getMap(BOARD_MAP).get('title')?.toString()).toBe('How do we hand over patients safely?')
  })

  test('an observer still receives live changes', async () => {
    const board = await createBoard(server.url)
    const member = client(board.id, board.tokens.member)
    const observer = client(board.id, board.tokens.observer)
    await Promise.all([waitForSync(member), waitForSync(observer)])
    member.doc.getText('t').insert(0, 'live')
    await waitFor(() => observer.doc.getText('t').toString() === 'live', 5000, 'observer sees change')
  })
})
