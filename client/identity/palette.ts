/**
 * The colours people get on a board. The same twelve calm tones tldraw offers in its own people
 * menu, so a colour picked there is one of ours. A person's default colour is derived from their
 * user id, so it stays the same on every board and every visit.
 */
export const PERSON_COLORS = [
  '#FF802B',
  '#EC5E41',
  '#F2555A',
  '#F04F88',
  '#E34BA9',
  '#BD54C6',
  '#9D5BD2',
  '#7B66DC',
  '#02B1CC',
  '#11B3A3',
  '#39B178',
  '#55B467',
] as const

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
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

/** The longest display name we accept; tldraw's people menu shows about this much. */
export const MAX_DISPLAY_NAME_LENGTH = 48
