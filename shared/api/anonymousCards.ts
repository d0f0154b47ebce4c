/**
 * The anonymous cards route group. The server inserts an anonymous card itself, so nothing in the
 * canvas document ties it to its author, and hands the author a claim key. Posting and editing use
 * the board link (a personal token would tell the server who wrote it); claiming uses the personal
 * token, whose person becomes the author.
 *
 *   POST /api/boards/:id/anonymous-cards               Bearer <board link>      PostAnonymousCardBody -> 201 PostedAnonymousCard
 *   PUT  /api/boards/:id/anonymous-cards/:cardId/text  Bearer <board link>      EditAnonymousCardBody -> 200 AnonymousCardChanged
 *   POST /api/boards/:id/anonymous-cards/:cardId/claim Bearer <personal token>  ClaimAnonymousCardBody -> 200 AnonymousCardChanged
 */
import { z } from 'zod'
import { CONTRIBUTION_MAX_SIZE, CONTRIBUTION_MIN_SIZE, INDEX_PATTERN, PARENT_ID_PATTERN, SHAPE_ID_PATTERN } from '../board/contributionShape'
import { CARD_ID_PATTERN } from '../board/boardModel'
import { CONTRIBUTION_KINDS, MAX_CARD_TEXT_LENGTH } from '../board/vocabulary'
import { boardPath } from './common'

const coordinate = z.number().finite().min(-1e7).max(1e7)

export const AnonymousShapePlacement = z.object({
  id: z.string().regex(SHAPE_ID_PATTERN),
  parentId: z.string().regex(PARENT_ID_PATTERN),
  index: z.string().regex(INDEX_PATTERN),
  x: coordinate,
  y: coordinate,
  w: z.number().min(CONTRIBUTION_MIN_SIZE.w).max(CONTRIBUTION_MAX_SIZE.w),
  h: z.number().min(CONTRIBUTION_MIN_SIZE.h).max(CONTRIBUTION_MAX_SIZE.h),
})
export type AnonymousShapePlacement = z.infer<typeof AnonymousShapePlacement>

export const PostAnonymousCardBody = z.object({
  kind: z.enum(CONTRIBUTION_KINDS),
  text: z.string().max(MAX_CARD_TEXT_LENGTH),
  shape: AnonymousShapePlacement,
})
export type PostAnonymousCardBody = z.input<typeof PostAnonymousCardBody>

export const PostedAnonymousCard = z.object({ cardId: z.string(), shapeId: z.string(), claimKey: z.string() })
export type PostedAnonymousCard = z.infer<typeof PostedAnonymousCard>

const ClaimKey = z.string().min(20).max(100)

export const EditAnonymousCardBody = z.object({ claimKey: ClaimKey, text: z.string().max(MAX_CARD_TEXT_LENGTH) })
export type EditAnonymousCardBody = z.input<typeof EditAnonymousCardBody>

export const ClaimAnonymousCardBody = z.object({ claimKey: ClaimKey })
export type ClaimAnonymousCardBody = z.input<typeof ClaimAnonymousCardBody>

export const AnonymousCardChanged = z.object({ cardId: z.string() })
export type AnonymousCardChanged = z.infer<typeof AnonymousCardChanged>

/** A card id goes into the path as it is (`card:` and hex; the server matches CARD_ID_PATTERN on the raw path). */
function cardPath(boardId: string, cardId: string): string {
  if (!CARD_ID_PATTERN.test(cardId)) throw new Error(`not a card id: ${cardId}`)
  return `${boardPath(boardId)}/anonymous-cards/${cardId}`
}

export const anonymousCardsRoutes = {
  cards: (boardId: string) => `${boardPath(boardId)}/anonymous-cards`,
  text: (boardId: string, cardId: string) => `${cardPath(boardId, cardId)}/text`,
  claim: (boardId: string, cardId: string) => `${cardPath(boardId, cardId)}/claim`,
}
