/**
 * Board roles. A role is carried by the board link a person joined with (a signed token) and is
 * enforced by the server; the client only uses it to shape the UI.
 */
export const BOARD_ROLES = ['facilitator', 'member', 'observer'] as const

export type BoardRole = (typeof BOARD_ROLES)[number]

export function isBoardRole(value: unknown): value is BoardRole {
  return typeof value === 'string' && (BOARD_ROLES as readonly string[]).includes(value)
}

/** Whether a role may change the shared board document. */
export function canWriteBoard(role: BoardRole): boolean {
  return role !== 'observer'
}
