/**
 * The boards HTTP API against the real server: creating boards, their links, bad input, and images.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import Database from 'better-sqlite3'
import { join } from 'node:path'
import { removeDataDir, startServerProcess, type ServerProcess } from '../helpers/serverProcess'
import { createBoard } from '../helpers/boardClient'

let server: ServerProcess

beforeAll(async () => {
  server = await startServerProcess({ env: { MAX_ASSET_BYTES: '2048' } })
})

afterAll(async () => {
  await server.stop()
  removeDataDir(server.dataDir)
})

function boardCount(): number {
  const db = new Database(join(server.dataDir, 'think-together.sqlite'), { readonly: true })
  const { n } = db.prepare('SELECT COUNT(*) AS n FROM boards').get() as { n: number }
  db.close()
  return n
}

const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da6364f8ff3f0300050001fe5a8e8b0000000049454e44ae426082',
  'hex',
)

describe('health and configuration', () => {
  test('GET /healthz answers 200 with JSON once the server serves boards', async () => {
    const response = await fetch(`${server.url}/healthz`)
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ status: 'ok' })
  })

  test('GET /api/config hands the page the licence key (null when unset), the upload limits and whether creating needs a secret', async () => {
    expect(await (await fetch(`${server.url}/api/config`)).json()).toEqual({
      tldrawLicenseKey: null,
      maxAssetBytes: 2048,
      maxBoardAssetBytes: 256 * 1024 * 1024,
      boardCreationNeedsToken: false,
    })
  })
})

describe('POST /api/boards', () => {
  test('answers 201 with an id and three absolute links carrying tokens in the fragment', async () => {
    const board = await createBoard(server.url, 'Title', 'Problem')
    expect(board.id).toMatch(/^[A-Za-z0-9_-]{22}$/)
    for (const role of ['facilitator', 'member', 'observer'] as const) {
      const link = new URL(board.links[role])
      expect(link.origin).toBe(server.url)
      expect(link.pathname).toBe(`/b/${board.id}`)
      expect(link.hash).toMatch(/^#token=[\w-]+\.[\w-]+\.[\w-]+$/)
    }
    const info = await fetch(`${server.url}/api/boards/${board.id}`, { headers: { Authorization: `Bearer ${board.tokens.observer}` } })
    expect(await info.json()).toEqual({ id: board.id, title: 'Title', role: 'observer' })
  })

  test.each([
    ['not JSON', '{"title": '],
    ['missing problem', JSON.stringify({ title: 'x' })],
    ['missing title', JSON.stringify({ problem: 'x' })],
    ['empty title', JSON.stringify({ title: '   ', problem: 'x' })],
    ['wrong types', JSON.stringify({ title: 1, problem: ['x'] })],
    ['title too long', JSON.stringify({ title: 'x'.repeat(201), problem: 'x' })],
    ['a JSON array', '[]'],
  ])('bad input (%s) answers 400 with a JSON error and creates nothing', async (_name, body) => {
    const before = boardCount()
    const response = await fetch(`${server.url}/api/boards`, { method: 'POST', body, headers: { 'Content-Type': 'application/json' } })
    expect(response.status).toBe(400)
    expect((await response.json()).error).toEqual(expect.any(String))
    expect(boardCount()).toBe(before)
  })

  test('GET on a board without a valid token answers 401', async () => {
    const board = await createBoard(server.url)
    expect((await fetch(`${server.url}/api/boards/${board.id}`)).status).toBe(401)
    expect((await fetch(`${server.url}/api/boards/${board.id}`, { headers: { Authorization: 'Bearer x.y.z' } })).status).toBe(401)
  })
})

describe('images on a board', () => {
  test('a member uploads an image that every member can fetch with their own token', async () => {
    const board = await createBoard(server.url)
    const upload = await fetch(`${server.url}/api/boards/${board.id}/assets`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${board.tokens.member}`, 'Content-Type': 'image/png' },
      body: PNG,
    })
    expect(upload.status).toBe(201)
    const { src } = (await upload.json()) as { src: string }
    expect(src).toMatch(new RegExp(`^/api/boards/${board.id}/assets/[a-f0-9]{40}$`))
    const fetched = await fetch(`${server.url}${src}?token=${board.tokens.observer}`)
    expect(fetched.status).toBe(200)
    expect(fetched.headers.get('content-type')).toBe('image/png')
    expect(Buffer.from(await fetched.arrayBuffer())).toEqual(PNG)
    expect((await fetch(`${server.url}${src}`)).status).toBe(401)
  })

  test('an image over the size limit answers 413 with a clear message', async () => {
    const board = await createBoard(server.url)
    const response = await fetch(`${server.url}/api/boards/${board.id}/assets`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${board.tokens.member}`, 'Content-Type': 'image/png' },
      body: Buffer.alloc(4096),
    })
    expect(response.status).toBe(413)
    expect((await response.json()).error).toMatch(/too large.*limit/)
  })

  test('observers cannot upload, and only images and videos are accepted', async () => {
    const board = await createBoard(server.url)
    const asObserver = await fetch(`${server.url}/api/boards/${board.id}/assets`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${board.tokens.observer}`, 'Content-Type': 'image/png' },
      body: PNG,
    })
    expect(asObserver.status).toBe(403)
    const html = await fetch(`${server.url}/api/boards/${board.id}/assets`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${board.tokens.member}`, 'Content-Type': 'text/html' },
      body: '<script>alert(1)</script>',
    })
    expect(html.status).toBe(415)
  })
})
