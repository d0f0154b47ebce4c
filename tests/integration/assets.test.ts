/**
 * A board's files against the real server process: the per-board quota (MAX_BOARD_ASSET_BYTES,
 * 413 naming it, never passed by racing uploads), removing the files no shape uses any more
 * (facilitators only, never a file within its grace period), and reading files with the
 * short-lived asset cookie instead of a token in the URL (scoped to one board, refused anywhere
 * else, forged or expired ones refused).
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { SignJWT } from 'jose'
import { TLDRAW_RECORDS_MAP } from '../../shared/board/docLayout'
import { connectClient, createBoard, waitFor, waitForSync, type CreatedBoard, type TestClient } from '../helpers/boardClient'
import { httpCall, type HttpAnswer } from '../helpers/httpCall'
import { removeDataDir, startServerProcess, type ServerProcess } from '../helpers/serverProcess'

const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da6364f8ff3f0300050001fe5a8e8b0000000049454e44ae426082',
  'hex',
)

/** A distinct PNG-typed file of `size` bytes. */
function file(seed: number, size: number): Buffer {
  return Buffer.concat([PNG, Buffer.alloc(Math.max(0, size - PNG.length), seed)])
}

function upload(server: ServerProcess, board: CreatedBoard, data: Buffer, token = board.tokens.member): Promise<HttpAnswer> {
  return httpCall(`${server.url}/api/boards/${board.id}/assets`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'image/png' },
    body: data,
  })
}

function srcOf(answer: HttpAnswer): string {
  expect(answer.status).toBe(201)
  return (answer.json() as { src: string }).src
}

function prune(server: ServerProcess, board: CreatedBoard, token: string): Promise<HttpAnswer> {
  return httpCall(`${server.url}/api/boards/${board.id}/assets/prune`, { method: 'POST', headers: { Authorization: `Bearer ${token}` } })
}

const started: ServerProcess[] = []
const clients: TestClient[] = []
async function start(env: Record<string, string>): Promise<ServerProcess> {
  const server = await startServerProcess({ env: { LOG_LEVEL: 'warn', ...env } })
  started.push(server)
  return server
}
afterAll(async () => {
  for (const client of clients) client.destroy()
  for (const server of started) {
    await server.stop()
    removeDataDir(server.dataDir)
  }
})

describe('MAX_BOARD_ASSET_BYTES', () => {
  let server: ServerProcess
  beforeAll(async () => {
    server = await start({ MAX_ASSET_BYTES: '4096', MAX_BOARD_ASSET_BYTES: '10000' })
  })

  test('GET /api/config hands the page the quota', async () => {
    expect(((await httpCall(`${server.url}/api/config`)).json() as { maxBoardAssetBytes: number }).maxBoardAssetBytes).toBe(10000)
  })

  test('files past the quota are a 413 naming it; the same file again costs nothing; another board has its own quota', async () => {
    const board = await createBoard(server.url)
    srcOf(await upload(server, board, file(1, 4000)))
    srcOf(await upload(server, board, file(2, 4000)))
    const refused = await upload(server, board, file(3, 4000))
    expect(refused.status).toBe(413)
    expect((refused.json() as { error: string }).error).toMatch(/quota of 10 KB \(8 KB used\)/)
    expect((refused.json() as { error: string }).error).toMatch(/remove unused files/)
    srcOf(await upload(server, board, file(1, 4000)))
    srcOf(await upload(server, board, file(4, 2000)))
    const other = await createBoard(server.url)
    srcOf(await upload(server, other, file(3, 4000)))
  })

  test('uploads racing for the last room never pass the quota together', async () => {
    const board = await createBoard(server.url)
    const answers = await Promise.all([10, 11, 12, 13, 14, 15].map((seed) => upload(server, board, file(seed, 3000))))
    expect(answers.filter((answer) => answer.status === 201)).toHaveLength(3)
    expect(answers.filter((answer) => answer.status === 413)).toHaveLength(3)
  })
})

/** Puts an image shape pointing at `src` on the canvas (what tldraw writes when a file is dropped). */
function placeImage(client: TestClient, n: number, src: string): void {
  const records = client.doc.getMap<unknown>(TLDRAW_RECORDS_MAP)
  client.doc.transact(() => {
    records.set(`asset:${n}`, {
      id: `asset:${n}`,
      typeName: 'asset',
      type: 'image',
      props: { src, w: 1, h: 1, name: 'x.png', isAnimated: false, mimeType: 'image/png' },
      meta: {},
    })
    records.set(`shape:image${n}`, {
      id: `shape:image${n}`,
      typeName: 'shape',
      type: 'image',
      x: 0,
      y: 0,
      rotation: 0,
      index: `a${n}`,
      parentId: 'page:page',
      isLocked: false,
      opacity: 1,
      props: { assetId: `asset:${n}`, w: 1, h: 1 },
      meta: {},
    })
  })
}

describe('removing unused files', () => {
  let server: ServerProcess
  let board: CreatedBoard
  beforeAll(async () => {
    server = await start({ ASSET_PRUNE_GRACE_SECONDS: '0', MAX_BOARD_ASSET_BYTES: '6000', MAX_ASSET_BYTES: '4096' })
    board = await createBoard(server.url)
  })

  test('a facilitator removes the files no shape uses, keeps the used ones, and the quota has room again', async () => {
    const used = srcOf(await upload(server, board, file(1, 2000)))
    const removedShape = srcOf(await upload(server, board, file(2, 2000)))
    const neverPlaced = srcOf(await upload(server, board, file(3, 1500)))
    expect((await upload(server, board, file(4, 2000))).status).toBe(413)

    const member = connectClient(server.wsUrl, board.id, board.tokens.member)
    clients.push(member)
    await waitForSync(member)
    placeImage(member, 1, used)
    placeImage(member, 2, removedShape)
    member.doc.getMap(TLDRAW_RECORDS_MAP).delete('shape:image2')
    // The server has the canvas once another client sees it.
    const watcher = connectClient(server.wsUrl, board.id, board.tokens.observer)
    clients.push(watcher)
    await waitFor(() => watcher.doc.getMap(TLDRAW_RECORDS_MAP).has('shape:image1') && !watcher.doc.getMap(TLDRAW_RECORDS_MAP).has('shape:image2'))

    const byMember = await prune(server, board, board.tokens.member)
    expect(byMember.status).toBe(403)
    expect((await prune(server, board, board.tokens.observer)).status).toBe(403)
    expect((await prune(server, board, 'forged')).status).toBe(401)

    const answer = await prune(server, board, board.tokens.facilitator)
    expect(answer.status).toBe(200)
    expect(answer.json()).toEqual({ removed: 2, bytes: 3500, keptBytes: 2000 })
    const read = (src: string) => httpCall(`${server.url}${src}`, { headers: { Authorization: `Bearer ${board.tokens.member}` } })
    expect((await read(used)).status).toBe(200)
    expect((await read(removedShape)).status).toBe(404)
    expect((await read(neverPlaced)).status).toBe(404)
    srcOf(await upload(server, board, file(4, 2000)))
  })

  test('a file uploaded within the grace period is kept even though no shape uses it yet', async () => {
    const graceful = await start({})
    const other = await createBoard(graceful.url)
    const fresh = srcOf(await upload(graceful, other, file(5, 1000)))
    const answer = await prune(graceful, other, other.tokens.facilitator)
    expect(answer.json()).toEqual({ removed: 0, bytes: 0, keptBytes: 1000 })
    expect((await httpCall(`${graceful.url}${fresh}`, { headers: { Authorization: `Bearer ${other.tokens.member}` } })).status).toBe(200)
  })
})

describe('reading files with the asset cookie', () => {
  let server: ServerProcess
  let board: CreatedBoard
  let other: CreatedBoard
  let src: string
  beforeAll(async () => {
    server = await start({})
    board = await createBoard(server.url)
    other = await createBoard(server.url)
    src = srcOf(await upload(server, board, file(1, 500)))
  })

  async function cookieFor(target: CreatedBoard, token: string): Promise<string> {
    const answer = await httpCall(`${server.url}/api/boards/${target.id}/assets/access`, { method: 'POST', headers: { Authorization: `Bearer ${token}` } })
    expect(answer.status).toBe(200)
    expect((answer.json() as { expiresAt: number }).expiresAt).toBeGreaterThan(Date.now())
    return String(answer.headers['set-cookie'])
  }

  test('the access route sets an HttpOnly, SameSite=Strict cookie scoped to the board’s files, for any role', async () => {
    for (const role of ['facilitator', 'member', 'observer'] as const) {
      const setCookie = await cookieFor(board, board.tokens[role])
      expect(setCookie).toMatch(/^tt_assets=[\w-]+\.[\w-]+\.[\w-]+; /)
      expect(setCookie).toContain(`Path=/api/boards/${board.id}/assets/`)
      expect(setCookie).toContain('HttpOnly')
      expect(setCookie).toContain('SameSite=Strict')
      expect(setCookie).toMatch(/Max-Age=1800/)
    }
    const refused = await httpCall(`${server.url}/api/boards/${board.id}/assets/access`, { method: 'POST', headers: { Authorization: 'Bearer forged' } })
    expect(refused.status).toBe(401)
    expect(refused.headers['set-cookie']).toBeUndefined()
  })

  test('with the cookie the file is served with no token in its URL; without anything it is a 401', async () => {
    const cookie = (await cookieFor(board, board.tokens.observer)).split(';')[0]
    const read = await httpCall(`${server.url}${src}`, { headers: { Cookie: cookie } })
    expect(read.status).toBe(200)
    expect(read.headers['content-type']).toBe('image/png')
    expect((await httpCall(`${server.url}${src}`)).status).toBe(401)
    // The stock ?token= keeps working for integrators.
    expect((await httpCall(`${server.url}${src}?token=${board.tokens.observer}`)).status).toBe(200)
  })

  test('a cookie reads only its own board’s files and opens nothing else', async () => {
    const cookie = (await cookieFor(other, other.tokens.member)).split(';')[0]
    expect((await httpCall(`${server.url}${src}`, { headers: { Cookie: cookie } })).status).toBe(401)
    const own = (await cookieFor(board, board.tokens.facilitator)).split(';')[0].slice('tt_assets='.length)
    // Not a board link: not as a bearer token, not as ?token=, not on the websocket.
    expect((await httpCall(`${server.url}/api/boards/${board.id}`, { headers: { Authorization: `Bearer ${own}` } })).status).toBe(401)
    expect((await httpCall(`${server.url}/api/boards/${board.id}?token=${own}`)).status).toBe(401)
    expect((await prune(server, board, own)).status).toBe(401)
    expect((await httpCall(`${server.url}/api/boards/${board.id}/people`, { method: 'POST', headers: { Cookie: `tt_assets=${own}` } })).status).toBe(401)
    const socket = connectClient(server.wsUrl, board.id, own)
    clients.push(socket)
    await waitFor(() => socket.closeCodes.length > 0 || socket.denials.length > 0, 10_000, 'the relay to refuse the asset token')
    expect(socket.provider.synced).toBe(false)
  })

  test('replacing the link a cookie came through ends its reading at once; the new link gets a cookie that reads', async () => {
    const target = await createBoard(server.url)
    const file1 = srcOf(await upload(server, target, file(7, 600)))
    const cookie = (await cookieFor(target, target.tokens.observer)).split(';')[0]
    expect((await httpCall(`${server.url}${file1}`, { headers: { Cookie: cookie } })).status).toBe(200)
    const rotated = await httpCall(`${server.url}/api/boards/${target.id}/links/observer/rotate`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${target.tokens.facilitator}`, 'Content-Type': 'application/json' },
      body: '{}',
    })
    expect(rotated.status).toBe(200)
    const refused = await httpCall(`${server.url}${file1}`, { headers: { Cookie: cookie } })
    expect(refused.status).toBe(401)
    expect((refused.json() as { error: string }).error).toContain('This link was replaced')
    const newToken = new URL((rotated.json() as { link: string }).link).hash.replace('#token=', '')
    const renewed = (await cookieFor(target, newToken)).split(';')[0]
    expect((await httpCall(`${server.url}${file1}`, { headers: { Cookie: renewed } })).status).toBe(200)
  })

  test('a forged or expired cookie is refused', async () => {
    expect((await httpCall(`${server.url}${src}`, { headers: { Cookie: 'tt_assets=not.a.token' } })).status).toBe(401)
    const secret = new TextEncoder().encode(readFileSync(join(server.dataDir, 'token-secret'), 'utf8').trim())
    const sign = (exp: number) =>
      new SignJWT({ role: 'member' })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(board.id)
        .setIssuer('think-together')
        .setAudience('board-assets')
        .setIssuedAt(exp - 60)
        .setExpirationTime(exp)
        .sign(secret)
    const now = Math.floor(Date.now() / 1000)
    expect((await httpCall(`${server.url}${src}`, { headers: { Cookie: `tt_assets=${await sign(now - 5)}` } })).status).toBe(401)
    expect((await httpCall(`${server.url}${src}`, { headers: { Cookie: `tt_assets=${await sign(now + 60)}` } })).status).toBe(200)
  })
})
