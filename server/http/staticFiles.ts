/**
 * Serves the built client from dist/client: every page route (`/`, `/b/<id>`) gets index.html.
 * Paths are resolved inside the build folder only; anything that would leave it is a 404.
 *
 * Caching: Vite's content-hashed files under /assets/ are cached for good (`immutable`);
 * everything else, index.html first, is `no-cache` with an ETag, so a returning browser asks and
 * gets a 304 without the body. Compression: the build writes a .br and a .gz copy beside each
 * compressible file (scripts/precompress.ts); the request's Accept-Encoding (with its q-values)
 * picks one, `Vary: Accept-Encoding` tells caches so, and each encoding has its own ETag. The
 * copies themselves are never served under their own names.
 */
import { createHash } from 'node:crypto'
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs'
import { dirname, extname, join, normalize, sep } from 'node:path'
import type { IncomingMessage, ServerResponse } from 'node:http'

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.wasm': 'application/wasm',
  '.mp3': 'audio/mpeg',
  '.mp4': 'video/mp4',
  '.webm': 'video/webm',
  '.webmanifest': 'application/manifest+json',
  '.xml': 'application/xml',
  '.txt': 'text/plain; charset=utf-8',
}

/** Only same-origin requests: tldraw's assets are self-hosted, and the page needs nothing else. */
const PAGE_SECURITY_HEADERS = {
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
    "media-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; " +
    "frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
  'Referrer-Policy': 'no-referrer',
}

/**
 * dist/client of the package `fromDir` is in (the nearest folder above it with a package.json),
 * so the server finds the client whether it runs from server/ (tsx) or dist/server/ (the build).
 */
export function clientBuildDir(fromDir: string): string {
  let dir = fromDir
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir)
  return join(dir, 'dist', 'client')
}

export const IMMUTABLE_CACHE_CONTROL = 'public, max-age=31536000, immutable'

/** The encodings a file may have a precompressed copy in, in the order we prefer them. */
export type ContentCoding = 'br' | 'gzip' | 'identity'
const COPY_SUFFIX: Record<Exclude<ContentCoding, 'identity'>, string> = { br: '.br', gzip: '.gz' }

/**
 * The coding to answer in, from an Accept-Encoding header and the codings on hand: the one with
 * the highest q-value (ties go to the earlier in `available`); identity unless it was refused
 * and something else is acceptable. A missing header means identity.
 */
export function chooseEncoding(acceptEncoding: string | undefined, available: readonly ContentCoding[]): ContentCoding {
  if (!acceptEncoding) return 'identity'
  const weights = new Map<string, number>()
  for (const part of acceptEncoding.split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';')
    if (!name) continue
    let q = 1
    for (const param of params) {
      const [key, value] = param.trim().split('=')
      if (key === 'q') q = /^(0(\.\d{0,3})?|1(\.0{0,3})?)$/.test(value ?? '') ? Number(value) : 0
    }
    weights.set(name === 'x-gzip' ? 'gzip' : name, q)
  }
  const weightOf = (coding: ContentCoding): number => {
    const explicit = weights.get(coding)
    if (explicit !== undefined) return explicit
    const star = weights.get('*')
    if (star !== undefined) return star
    // Identity is acceptable unless refused; other codings only when named.
    return coding === 'identity' ? 0.001 : 0
  }
  let best: ContentCoding = 'identity'
  let bestWeight = 0
  for (const coding of available) {
    const weight = weightOf(coding)
    if (weight > bestWeight) {
      best = coding
      bestWeight = weight
    }
  }
  return best
}

/** Whether an If-None-Match header matches the ETag (weak comparison, as RFC 9110 says). */
export function etagMatches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false
  if (ifNoneMatch.trim() === '*') return true
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '')
  return ifNoneMatch.split(',').some((tag) => opaque(tag) === opaque(etag))
}

interface Representation {
  path: string
  size: number
  etag: string
}

interface FileEntry {
  mtimeMs: number
  size: number
  representations: Partial<Record<ContentCoding, Representation>>
}

export class StaticFiles {
  /** What is known about each file served, until its size or modification time changes. */
  private readonly entries = new Map<string, FileEntry>()

  constructor(private readonly root: string) {}

  get indexExists(): boolean {
    return existsSync(join(this.root, 'index.html'))
  }

  handle(req: IncomingMessage, res: ServerResponse, url: URL): boolean {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false
    let pathname: string
    try {
      pathname = decodeURIComponent(url.pathname)
    } catch {
      return false
    }
    if (pathname.includes('\0')) return false
    const isPage = pathname === '/' || pathname === '/index.html' || /^\/b\/[^/]+\/?$/.test(pathname)
    const relative = isPage ? 'index.html' : normalize(pathname).replace(/^([/\\])+/, '')
    if (relative.endsWith('.br') || relative.endsWith('.gz')) return false
    const file = join(this.root, relative)
    if (file !== this.root && !file.startsWith(this.root + sep)) return false
    const entry = this.entry(file)
    if (!entry) return false

    const available = (['br', 'gzip', 'identity'] as const).filter((coding) => entry.representations[coding])
    const coding = chooseEncoding(req.headers['accept-encoding'], available)
    const representation = entry.representations[coding]!
    const headers: Record<string, string> = {
      'Content-Type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
      'Cache-Control': relative.startsWith(`assets${sep}`) ? IMMUTABLE_CACHE_CONTROL : 'no-cache',
      ETag: representation.etag,
      'X-Content-Type-Options': 'nosniff',
    }
    if (available.length > 1) headers.Vary = 'Accept-Encoding'
    if (coding !== 'identity') headers['Content-Encoding'] = coding
    if (relative === 'index.html') Object.assign(headers, PAGE_SECURITY_HEADERS)
    if (etagMatches(req.headers['if-none-match'], representation.etag)) {
      res.writeHead(304, headers)
      res.end()
      return true
    }
    headers['Content-Length'] = String(representation.size)
    res.writeHead(200, headers)
    if (req.method === 'HEAD') res.end()
    else createReadStream(representation.path).pipe(res)
    return true
  }

  /** The file's representations, or null when it is not a file. Hashes each file once. */
  private entry(file: string): FileEntry | null {
    if (!existsSync(file)) return null
    const stats = statSync(file)
    if (!stats.isFile()) return null
    const known = this.entries.get(file)
    if (known && known.mtimeMs === stats.mtimeMs && known.size === stats.size) return known
    const hash = createHash('sha256').update(readFileSync(file)).digest('base64url').slice(0, 27)
    const representations: FileEntry['representations'] = { identity: { path: file, size: stats.size, etag: `"${hash}"` } }
    for (const coding of ['br', 'gzip'] as const) {
      const copy = file + COPY_SUFFIX[coding]
      if (existsSync(copy)) representations[coding] = { path: copy, size: statSync(copy).size, etag: `"${hash}-${coding}"` }
    }
    const entry = { mtimeMs: stats.mtimeMs, size: stats.size, representations }
    this.entries.set(file, entry)
    return entry
  }
}
