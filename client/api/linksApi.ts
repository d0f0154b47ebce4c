/**
 * The board links route group as the browser uses it (shared/api/links.ts): a facilitator reads
 * the board's current links, replaces one, or deletes the board.
 *
 * @example
 *   const links = await fetchBoardLinks(boardId, facilitatorToken)
 *   const { link } = await replaceBoardLink(boardId, facilitatorToken, 'member', 7)
 */
import { z } from 'zod'
import { CurrentLinks, RotatedLink, linksRoutes } from '../../shared/api/links'
import type { BoardRole } from '../../shared/board/roles'
import { apiRequest } from './apiRequest'

export type { CurrentLinks, RotatedLink } from '../../shared/api/links'

export function fetchBoardLinks(boardId: string, token: string): Promise<CurrentLinks> {
  return apiRequest(linksRoutes.links(boardId), CurrentLinks, { token, noStore: true })
}

/** Replaces a role's link; `expiresInDays` null for a link that does not expire. */
export function replaceBoardLink(boardId: string, token: string, role: BoardRole, expiresInDays: number | null): Promise<RotatedLink> {
  return apiRequest(linksRoutes.rotate(boardId, role), RotatedLink, {
    method: 'POST',
    token,
    json: expiresInDays === null ? {} : { expiresInDays },
  })
}

/** Deletes the board for good; `confirmTitle` must be its title. */
export async function deleteBoard(boardId: string, token: string, confirmTitle: string): Promise<void> {
  await apiRequest(linksRoutes.board(boardId), z.null(), { method: 'DELETE', token, json: { confirmTitle } })
}
