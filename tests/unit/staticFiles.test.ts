/**
 * Static files, on a build folder made here and served by StaticFiles behind a real HTTP server:
 * the encoding chosen by Accept-Encoding and its q-values, Vary, per-encoding ETags and 304s,
 * immutable caching for hashed assets only, HEAD, content types, and nothing outside the folder
 * or under the precompressed copies' own names.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, request, type Server } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { brotliDecompressSync, gunzipSync } from 'node:zlib'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { StaticFiles, chooseEncoding, etagMatches } from '../../server/http/staticFiles'
import { precompressDirectory } from '../../scripts/precompress'

describe('chooseEncoding: Accept-Encoding with q-values', () => {
  const all = ['br', 'gzip', 'identity'] as const
  it.each([
    [undefined, 'identity'],
    ['', 'identity'],
    ['gzip, deflate, br', 'br'],
    ['gzip', 'gzip'],
    ['br;q=0.5, gzip;q=0.8', 'gzip'],
    ['br;q=1.0, gzip;q=1', 'br'],
    ['BR', 'br'],
    ['x-gzip', 'gzip'],
    ['*', 'br'],
    ['*;q=0.3, br;q=0', 'gzip'],
    ['br;q=0, gzip;q=0', 'identity'],
    ['identity;q=0, br;q=0, gzip;q=0', 'identity'],
    ['deflate', 'identity'],
    ['br;q=2', 'identity'],
    ['br;q=abc, gzip', 'gzip'],
  ] as const)('%j -> %s', (header, expected) => {
    expect(chooseEncoding(header, all)).toBe(expected)
  })
  it('only chooses among the copies on hand', () => {
    expect(chooseEncoding('br, gzip', ['identity'])).toBe('identity')
    expect(chooseEncoding('br, gzip;q=0.1', ['gzip', 'identity'])).toBe('gzip')
  })
})

describe('etagMatches: If-None-Match', () => {
  it('matches any tag of a list, weakly, and *', () => {
    expect(etagMatches('"a", "b"', '"b"')).toBe(true)
    expect(etagMatches('W/"b"', '"b"')).toBe(true)
    expect(etagMatches('*', '"b"')).toBe(true)
    expect(etagMatches('"a"', '"b"')).toBe(false)
    expect(etagMatches(undefined, '"b"')).toBe(false)
  })
})

interface Answer {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: Buffer
}

describe('StaticFiles over HTTP', () => {
  const root = mkdtempSync(join(tmpdir(), 'think-together-static-'))
  const page = `<!doctype html><html><head><title>Think Together</title></head><body>${'<p>padding so it compresses</p>'.repeat(100)}</body></html>`
  const script = `export const value = ${JSON.stringify('x'.repeat(5000))};`
  let server: Server
  let port: number

  const get = (path: string, headers: Record<string, string> = {}, method = 'GET') =>
    new Promise<Answer>((resolvePromise, reject) => {
      const req = request({ host: '127.0.0.1', port, path, method, headers }, (res) => {
        const chunks: Buffer[] = []
        res.on('data', (chunk: Buffer) => chunks.push(chunk))
        res.on('end', () => resolvePromise({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }))
      })
      req.on('error', reject)
      req.end()
    })

  beforeAll(async () => {
    mkdirSync(join(root, 'assets'))
    writeFileSync(join(root, 'index.html'), page)
    writeFileSync(join(root, 'assets', 'index-AbC123.js'), script)
    writeFileSync(join(root, 'assets', 'font-XyZ.woff2'), Buffer.alloc(4096, 7))
    writeFileSync(join(root, 'robots.txt'), 'User-agent: *\n')
    precompressDirectory(root)
    const files = new StaticFiles(root)
    server = createServer((req, res) => {
      if (!files.handle(req, res, new URL(req.url ?? '/', 'http://localhost'))) {
        res.writeHead(404)
        res.end()
      }
    })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    port = (server.address() as AddressInfo).port
  })
  afterAll(async () => {
    await new Promise((r) => server.close(r))
    rmSync(root, { recursive: true, force: true })
  })

  it('sends brotli, gzip or the file itself as Accept-Encoding asks, with Vary and a length', async () => {
    const br = await get('/b/some-board', { 'Accept-Encoding': 'gzip, br' })
    expect(br.headers['content-encoding']).toBe('br')
    expect(br.headers.vary).toBe('Accept-Encoding')
    expect(Number(br.headers['content-length'])).toBe(br.body.length)
    expect(brotliDecompressSync(br.body).toString()).toBe(page)
    expect(br.body.length).toBeLessThan(page.length / 5)

    const gzip = await get('/', { 'Accept-Encoding': 'br;q=0.1, gzip' })
    expect(gzip.headers['content-encoding']).toBe('gzip')
    expect(gunzipSync(gzip.body).toString()).toBe(page)

    const plain = await get('/index.html')
    expect(plain.headers['content-encoding']).toBeUndefined()
    expect(plain.body.toString()).toBe(page)
  })

  it('index.html: no-cache with an ETag per encoding; If-None-Match gets a 304 without a body', async () => {
    const br = await get('/', { 'Accept-Encoding': 'br' })
    const plain = await get('/')
    expect(br.headers['cache-control']).toBe('no-cache')
    expect(br.headers.etag).toMatch(/^".+-br"$/)
    expect(plain.headers.etag).not.toBe(br.headers.etag)
    const again = await get('/', { 'Accept-Encoding': 'br', 'If-None-Match': br.headers.etag as string })
    expect(again.status).toBe(304)
    expect(again.body.length).toBe(0)
    expect(again.headers.etag).toBe(br.headers.etag)
    expect(again.headers['content-security-policy']).toContain("frame-ancestors 'none'")
    // A validator for another encoding does not match this one.
    expect((await get('/', { 'Accept-Encoding': 'br', 'If-None-Match': plain.headers.etag as string })).status).toBe(200)
  })

  it('hashed assets are immutable for a year; other files are revalidated', async () => {
    const asset = await get('/assets/index-AbC123.js', { 'Accept-Encoding': 'br' })
    expect(asset.status).toBe(200)
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable')
    expect(asset.headers['content-type']).toBe('text/javascript; charset=utf-8')
    expect(brotliDecompressSync(asset.body).toString()).toBe(script)
    const robots = await get('/robots.txt')
    expect(robots.headers['cache-control']).toBe('no-cache')
    expect(robots.headers['content-type']).toBe('text/plain; charset=utf-8')
    expect((await get('/robots.txt', { 'If-None-Match': robots.headers.etag as string })).status).toBe(304)
  })

  it('files that are compressed already have no copies and no Vary', async () => {
    const font = await get('/assets/font-XyZ.woff2', { 'Accept-Encoding': 'br, gzip' })
    expect(font.headers['content-type']).toBe('font/woff2')
    expect(font.headers['content-encoding']).toBeUndefined()
    expect(font.headers.vary).toBeUndefined()
    expect(font.body.length).toBe(4096)
  })

  it('HEAD gives the headers of GET without the body', async () => {
    const head = await get('/', { 'Accept-Encoding': 'br' }, 'HEAD')
    const full = await get('/', { 'Accept-Encoding': 'br' })
    expect(head.status).toBe(200)
    expect(head.body.length).toBe(0)
    expect(head.headers['content-length']).toBe(full.headers['content-length'])
    expect(head.headers.etag).toBe(full.headers.etag)
  })

  it('every answer says nosniff; the page carries its security headers', async () => {
    for (const path of ['/', '/assets/index-AbC123.js', '/robots.txt']) expect((await get(path)).headers['x-content-type-options']).toBe('nosniff')
    const pageHeaders = (await get('/')).headers
    expect(pageHeaders['referrer-policy']).toBe('no-referrer')
    expect(pageHeaders['content-security-policy']).toContain("frame-ancestors 'none'")
    expect(pageHeaders['content-security-policy']).toContain("default-src 'self'")
  })

  it('does not serve the precompressed copies by name, nor anything outside the folder', async () => {
    expect((await get('/index.html.br')).status).toBe(404)
    expect((await get('/assets/index-AbC123.js.gz')).status).toBe(404)
    expect((await get('/../package.json')).status).toBe(404)
    expect((await get('/%2e%2e/package.json')).status).toBe(404)
    expect((await get('/assets')).status).toBe(404)
  })
})
