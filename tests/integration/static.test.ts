/**
 * The real server with the real client build: what a browser gets on its first and second visit
 * of a board page (counted in bytes on the wire and printed), the page's security headers,
 * `nosniff` and a Content-Type on every kind of answer the server gives, and byte ranges of an
 * uploaded video.
 */
import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { request } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { removeDataDir, startServerProcess, type ServerProcess } from '../helpers/serverProcess'
import { createBoard, type CreatedBoard } from '../helpers/boardClient'
import { ensureClientBuild } from '../helpers/browser'

const ROOT = resolve(import.meta.dirname, '..', '..')
const BROWSER_ACCEPT_ENCODING = 'gzip, deflate, br, zstd'

interface WireAnswer {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: Buffer
  /** Every byte the server sent on the connection: status line, headers and body as sent. */
  wireBytes: number
}

/** One request on a connection of its own, so that the socket's byte count is this answer's. */
function fetchOnWire(port: number, path: string, headers: Record<string, string> = {}, method = 'GET', body?: Buffer): Promise<WireAnswer> {
  return new Promise((resolvePromise, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers: { Connection: 'close', ...headers }, agent: false }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('end', () => {
        const answer = { status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }
        const socket = res.socket
        const settle = () => resolvePromise({ ...answer, wireBytes: socket.bytesRead })
        if (socket.destroyed) settle()
        else socket.once('close', settle)
      })
    })
    req.on('error', reject)
    req.end(body)
  })
}

/** The JS and CSS files a text refers to (Vite names them assets/<name>-<hash>.js|css). */
function referencedCode(text: string): string[] {
  return [...new Set([...text.matchAll(/assets\/[A-Za-z0-9_-]+\.(?:js|css)\b/g)].map((match) => `/${match[0]}`))]
}

interface Visit {
  files: number
  wireBytes: number
  notModified: number
}

describe('static files from the real build', () => {
  let server: ServerProcess
  let board: CreatedBoard

  beforeAll(async () => {
    ensureClientBuild()
    server = await startServerProcess({ serveClient: true })
    board = await createBoard(server.url)
  })
  afterAll(async () => {
    await server?.stop()
    if (server) removeDataDir(server.dataDir)
  })

  it('a first visit of a board page loads it compressed; a second one costs one 304 (immutable code is not asked for again)', async () => {
    const pagePath = `/b/${board.id}`
    // First visit: an empty cache. Follow index.html to every JS and CSS file it loads, statically
    // or lazily (the board page is a lazy chunk), as a browser would fetch them.
    const first: Visit = { files: 0, wireBytes: 0, notModified: 0 }
    const etags = new Map<string, string>()
    const queue = [pagePath]
    const seen = new Set(queue)
    let uncompressedBytes = 0
    while (queue.length > 0) {
      const path = queue.shift()!
      const answer = await fetchOnWire(server.port, path, { 'Accept-Encoding': BROWSER_ACCEPT_ENCODING })
      expect(answer.status, path).toBe(200)
      expect(answer.headers['content-encoding'], path).toBe('br')
      first.files++
      first.wireBytes += answer.wireBytes
      etags.set(path, answer.headers.etag as string)
      const file = join(ROOT, 'dist', 'client', path === pagePath ? 'index.html' : path)
      const text = readFileSync(file, 'utf8')
      uncompressedBytes += Buffer.byteLength(text)
      if (path !== pagePath) expect(answer.headers['cache-control'], path).toBe('public, max-age=31536000, immutable')
      for (const next of referencedCode(text)) {
        if (!seen.has(next)) {
          seen.add(next)
          queue.push(next)
        }
      }
    }
    expect(first.files).toBeGreaterThan(2)

    // Second visit: the hashed files are fresh in the cache for a year, so only index.html is
    // asked for, with its ETag, and answered 304 without a body.
    const second: Visit = { files: 1, wireBytes: 0, notModified: 0 }
    const page = await fetchOnWire(server.port, pagePath, { 'Accept-Encoding': BROWSER_ACCEPT_ENCODING, 'If-None-Match': etags.get(pagePath)! })
    expect(page.status).toBe(304)
    expect(page.body.length).toBe(0)
    second.wireBytes += page.wireBytes
    second.notModified++

    // A reload that revalidates everything (what a browser does on a forced refresh of no-cache
    // files, and a cache that ignores immutable): every file a 304.
    const revalidated: Visit = { files: 0, wireBytes: 0, notModified: 0 }
    for (const [path, etag] of etags) {
      const answer = await fetchOnWire(server.port, path, { 'Accept-Encoding': BROWSER_ACCEPT_ENCODING, 'If-None-Match': etag })
      expect(answer.status, path).toBe(304)
      revalidated.files++
      revalidated.notModified++
      revalidated.wireBytes += answer.wireBytes
    }

    console.log(
      `[static] board page, first visit: ${first.files} files, ${first.wireBytes} bytes on the wire (brotli; ${uncompressedBytes} bytes uncompressed); ` +
        `second visit: ${second.files} request, ${second.wireBytes} bytes (one 304); ` +
        `revalidating all ${revalidated.files} files: ${revalidated.wireBytes} bytes (all 304). ` +
        'Fonts, icons and translations load on demand and are not counted.',
    )
    expect(first.wireBytes).toBeLessThan(uncompressedBytes / 3)
    expect(second.wireBytes).toBeLessThan(2000)
  })

  it('the page: CSP with frame-ancestors none, no referrer, nosniff; HEAD answers like GET without the body', async () => {
    const get = await fetchOnWire(server.port, '/')
    const head = await fetchOnWire(server.port, '/', {}, 'HEAD')
    for (const answer of [get, head]) {
      expect(answer.status).toBe(200)
      expect(answer.headers['content-type']).toBe('text/html; charset=utf-8')
      expect(answer.headers['content-security-policy']).toContain("frame-ancestors 'none'")
      expect(answer.headers['content-security-policy']).toContain("script-src 'self'")
      expect(answer.headers['referrer-policy']).toBe('no-referrer')
      expect(answer.headers['x-content-type-options']).toBe('nosniff')
    }
    expect(head.body.length).toBe(0)
    expect(head.headers['content-length']).toBe(get.headers['content-length'])
  })

  it('every kind of answer has a Content-Type and nosniff: API, errors, health, metrics, static, 404', async () => {
    const cases: Array<[string, string, string, Record<string, string>?, Buffer?]> = [
      ['GET', '/healthz', 'application/json'],
      ['GET', '/readyz', 'application/json'],
      ['GET', '/api/time', 'application/json'],
      ['GET', '/api/config', 'application/json'],
      ['GET', '/metrics', 'text/plain'],
      ['GET', `/api/boards/${board.id}`, 'application/json', { Authorization: `Bearer ${board.tokens.member}` }],
      ['GET', `/api/boards/${board.id}`, 'application/json'],
      ['PUT', '/api/boards', 'application/json'],
      ['POST', '/api/boards', 'application/json', { 'Content-Type': 'application/json' }, Buffer.from('not json')],
      ['GET', '/api/nothing-here', 'application/json'],
      ['GET', '/no-such-file.js', 'application/json'],
      ['GET', '/', 'text/html'],
    ]
    for (const [method, path, type, headers, body] of cases) {
      const answer = await fetchOnWire(server.port, path, headers, method, body)
      expect(answer.headers['content-type'], `${method} ${path}`).toContain(type)
      expect(answer.headers['x-content-type-options'], `${method} ${path}`).toBe('nosniff')
    }
  })

  it('an uploaded video is served in byte ranges: 206 with Content-Range, 416 outside it, 304 for its ETag', async () => {
    const video = Buffer.alloc(100_000)
    for (let i = 0; i < video.length; i++) video[i] = (i * 7) % 251
    const upload = await fetchOnWire(
      server.port,
      `/api/boards/${board.id}/assets`,
      { Authorization: `Bearer ${board.tokens.member}`, 'Content-Type': 'video/mp4', 'Content-Length': String(video.length) },
      'POST',
      video,
    )
    expect(upload.status).toBe(201)
    const src = `${(JSON.parse(upload.body.toString()) as { src: string }).src}?token=${board.tokens.member}`

    const whole = await fetchOnWire(server.port, src)
    expect(whole.status).toBe(200)
    expect(whole.headers['accept-ranges']).toBe('bytes')
    expect(whole.headers['content-type']).toBe('video/mp4')
    expect(whole.headers['x-content-type-options']).toBe('nosniff')
    expect(whole.body.equals(video)).toBe(true)

    const part = await fetchOnWire(server.port, src, { Range: 'bytes=1000-1999' })
    expect(part.status).toBe(206)
    expect(part.headers['content-range']).toBe(`bytes 1000-1999/${video.length}`)
    expect(part.headers['content-length']).toBe('1000')
    expect(part.body.equals(video.subarray(1000, 2000))).toBe(true)

    const tail = await fetchOnWire(server.port, src, { Range: 'bytes=-500' })
    expect(tail.status).toBe(206)
    expect(tail.body.equals(video.subarray(video.length - 500))).toBe(true)
    const open = await fetchOnWire(server.port, src, { Range: 'bytes=99000-' })
    expect(open.headers['content-range']).toBe(`bytes 99000-99999/${video.length}`)
    const clipped = await fetchOnWire(server.port, src, { Range: 'bytes=99990-200000' })
    expect(clipped.status).toBe(206)
    expect(clipped.body.length).toBe(10)

    for (const range of ['bytes=100000-', 'bytes=500-100', 'bytes=-0']) {
      const refused = await fetchOnWire(server.port, src, { Range: range })
      expect(refused.status, range).toBe(416)
      expect(refused.headers['content-range'], range).toBe(`bytes */${video.length}`)
    }
    // Several ranges, a unit we do not speak, or an If-Range for other bytes: the whole file.
    const wholeFileRequests: Array<Record<string, string>> = [
      { Range: 'bytes=0-1,5-6' },
      { Range: 'items=0-1' },
      { Range: 'bytes=0-1', 'If-Range': '"something-else"' },
    ]
    for (const headers of wholeFileRequests) {
      expect((await fetchOnWire(server.port, src, headers)).status).toBe(200)
    }
    const head = await fetchOnWire(server.port, src, { Range: 'bytes=0-99' }, 'HEAD')
    expect(head.status).toBe(206)
    expect(head.body.length).toBe(0)
    const cached = await fetchOnWire(server.port, src, { 'If-None-Match': whole.headers.etag as string })
    expect(cached.status).toBe(304)
    expect(cached.body.length).toBe(0)
  })
})
