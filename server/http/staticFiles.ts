/**
 * Serves the built client from dist/client: hashed files under /assets/ are cached for good,
 * every page route (`/`, `/b/<id>`) gets index.html. Paths are resolved inside the build folder
 * only; anything that would leave it is a 404.
 */
import { createReadStream, existsSync, statSync } from 'node:fs'
import { extname, join, normalize, sep } from 'node:path'
import type { IncomingMessage, ServerResponse } from 'node:http'

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.webmanifest': 'application/manifest+json',
  '.txt': 'text/plain; charset=utf-8',
}

/** Only same-origin requests: tldraw's assets are self-hosted, and the page needs nothing else. */
const PAGE_SECURITY_HEADERS = {
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
    "media-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; " +
    "frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
}

export class StaticFiles {
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
    const file = join(this.root, relative)
    if (file !== this.root && !file.startsWith(this.root + sep)) return false
    if (!existsSync(file) || !statSync(file).isFile()) return false
    const headers: Record<string, string> = {
      'Content-Type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
      'Content-Length': String(statSync(file).size),
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': relative.startsWith('assets' + sep) ? 'public, max-age=31536000, immutable' : 'no-cache',
    }
    if (relative === 'index.html') Object.assign(headers, PAGE_SECURITY_HEADERS)
    res.writeHead(200, headers)
    if (req.method === 'HEAD') res.end()
    else createReadStream(file).pipe(res)
    return true
  }
}
