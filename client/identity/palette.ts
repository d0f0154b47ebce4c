/**
 * The colours people get on a board (shared/board/personColors.ts). Before the server has given
 * a person their colour, a default is derived from their user id.
 */
import { PERSON_COLORS } from '../../shared/board/personColors'

export { PERSON_COLORS }

/** A stable colour for a user id (FNV-1a hash of the id, modulo the palette). */
export function colorForUserId(userId: string): string {
  let hash = 0x811c9dc5
  for (let index = 0; index < userId.length; index++) {
    hash ^= userId.charCodeAt(index)
    hash = Math.imul(hash, 0x01000193)
  }
  return PERSON_COLORS[(hash >>> 0) % PERSON_COLORS.length]
}

/** A random id for a person who has not been here before: 128 bits, base64url. */
export function createUserId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16))
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '')
}

/** The longest display name we accept; tldraw's people menu shows about this much. */
export const MAX_DISPLAY_NAME_LENGTH = 48
