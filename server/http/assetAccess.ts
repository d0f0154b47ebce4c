/**
 * How a page reads a board's images and videos without a long-lived token in any URL. The page
 * calls `POST /api/boards/:id/assets/access` with its board link in the Authorization header; the
 * answer sets a cookie holding a short-lived asset-access token (tokens.ts `signAssetAccess`):
 * HttpOnly, SameSite=Strict, scoped by Path to that one board's files, Secure when PUBLIC_URL is
 * https. `<img>` and `<video>` then send it on their own, and the page renews it well before it
 * expires. The cookie reads files and nothing else: no other route looks at it.
 */
import type { IncomingMessage } from 'node:http'

export const ASSET_COOKIE_NAME = 'tt_assets'

/** How long one asset-access cookie reads files. */
export const ASSET_ACCESS_SECONDS = 30 * 60

export function assetCookiePath(boardId: string): string {
  return `/api/boards/${boardId}/assets/`
}

/** The Set-Cookie value for an asset-access token. */
export function assetAccessCookie(boardId: string, token: string, secure: boolean): string {
  const attributes = [`${ASSET_COOKIE_NAME}=${token}`, `Path=${assetCookiePath(boardId)}`, `Max-Age=${ASSET_ACCESS_SECONDS}`, 'HttpOnly', 'SameSite=Strict']
  if (secure) attributes.push('Secure')
  return attributes.join('; ')
}

/** Every asset-access token the request's cookies carry (a browser may send more than one). */
export function assetAccessTokens(req: IncomingMessage): string[] {
  const header = req.headers.cookie
  if (!header) return []
  const tokens: string[] = []
  for (const pair of header.split(';')) {
    const separator = pair.indexOf('=')
    if (separator < 0 || pair.slice(0, separator).trim() !== ASSET_COOKIE_NAME) continue
    const value = pair.slice(separator + 1).trim()
    if (value.length > 0 && value.length <= 4096 && tokens.length < 4) tokens.push(value)
  }
  return tokens
}
