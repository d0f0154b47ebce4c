/**
 * How the app's own websocket connections carry their token: not in the URL (browsers print a
 * websocket's URL in their console when it cannot connect, and proxies log URLs) but as a
 * websocket subprotocol beside ours, in the `Sec-WebSocket-Protocol` header. The server answers
 * with `think-together`; the stock y-websocket client's `?token=` keeps working for integrators.
 *
 * @example
 *   new WebsocketProvider(url, docName, doc, { protocols: tokenProtocols(token) })
 */
export const SYNC_SUBPROTOCOL = 'think-together'
const TOKEN_PREFIX = 'tt-token.'

/** The subprotocols a client offers: ours, and one that carries the token. */
export function tokenProtocols(token: string): string[] {
  return [SYNC_SUBPROTOCOL, TOKEN_PREFIX + token]
}

/** The token a client offered among its subprotocols (the header's comma-separated list), if any. */
export function tokenFromProtocols(header: string | undefined): string | null {
  if (!header) return null
  for (const entry of header.split(',')) {
    const value = entry.trim()
    if (value.startsWith(TOKEN_PREFIX) && value.length > TOKEN_PREFIX.length) return value.slice(TOKEN_PREFIX.length)
  }
  return null
}
