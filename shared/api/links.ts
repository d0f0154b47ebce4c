/**
 * The board links route group: a facilitator reads the board's current links, replaces one (the
 * old one, and every personal token minted through it, stops working at once), or deletes the
 * board. The server validates the bodies with these schemas and the client parses the answers.
 *
 *   GET    /api/boards/:id/links                facilitator token                  -> 200 CurrentLinks
 *   POST   /api/boards/:id/links/:role/rotate   facilitator token, RotateLinkBody  -> 200 RotatedLink
 *   DELETE /api/boards/:id                      facilitator token, DeleteBoardBody -> 204
 */
import { z } from 'zod'
import { BOARD_ROLES } from '../board/roles'
import { boardPath } from './common'

/** What people on a replaced link are told: the close reason of their connections (4403) and the HTTP error (401). */
export const LINK_REPLACED_MESSAGE = 'This link was replaced; ask the facilitator for the new one.'
/** The close reason of a deleted board's connections (4410). */
export const BOARD_DELETED_MESSAGE = 'This board was deleted.'

/** The expiries the share panel offers; the API takes any whole number of days in the range. */
export const LINK_EXPIRY_DAYS = [1, 7, 30] as const
export const MAX_LINK_EXPIRY_DAYS = 365

export const RotateLinkBody = z.object({ expiresInDays: z.number().int().min(1).max(MAX_LINK_EXPIRY_DAYS).optional() }).strict()
export type RotateLinkBody = z.infer<typeof RotateLinkBody>

export const RotatedLink = z.object({
  link: z.string().url(),
  /** When the new link stops working, in ms since the epoch; null when it does not expire. */
  expiresAt: z.number().nullable(),
})
export type RotatedLink = z.infer<typeof RotatedLink>

const CurrentLink = z.object({ link: z.string().url(), expiresAt: z.number().nullable() })
export const CurrentLinks = z.object({ facilitator: CurrentLink, member: CurrentLink, observer: CurrentLink })
export type CurrentLinks = z.infer<typeof CurrentLinks>

export const DeleteBoardBody = z.object({ confirmTitle: z.string().max(1000) }).strict()
export type DeleteBoardBody = z.infer<typeof DeleteBoardBody>

export const LinkRole = z.enum(BOARD_ROLES)

export const linksRoutes = {
  links: (boardId: string) => `${boardPath(boardId)}/links`,
  rotate: (boardId: string, role: z.infer<typeof LinkRole>) => `${boardPath(boardId)}/links/${role}/rotate`,
  board: (boardId: string) => boardPath(boardId),
}
