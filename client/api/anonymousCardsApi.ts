/**
 * The anonymous cards route group as the browser uses it (shared/api/anonymousCards.ts). Posting
 * and editing go with the board link, so the server does not learn who wrote the card; claiming
 * goes with the personal token, whose person becomes the author.
 */
import { AnonymousCardChanged, PostedAnonymousCard, anonymousCardsRoutes, type PostAnonymousCardBody } from '../../shared/api/anonymousCards'
import { apiRequest } from './apiRequest'

export type { AnonymousShapePlacement, PostedAnonymousCard } from '../../shared/api/anonymousCards'

export function postAnonymousCard(boardId: string, boardToken: string, card: PostAnonymousCardBody): Promise<PostedAnonymousCard> {
  return apiRequest(anonymousCardsRoutes.cards(boardId), PostedAnonymousCard, { method: 'POST', token: boardToken, json: card })
}

export async function editAnonymousCardText(boardId: string, boardToken: string, cardId: string, claimKey: string, text: string): Promise<void> {
  await apiRequest(anonymousCardsRoutes.text(boardId, cardId), AnonymousCardChanged, {
    method: 'PUT',
    token: boardToken,
    json: { claimKey, text },
  })
}

export async function claimAnonymousCard(boardId: string, personToken: string, cardId: string, claimKey: string): Promise<void> {
  await apiRequest(anonymousCardsRoutes.claim(boardId, cardId), AnonymousCardChanged, {
    method: 'POST',
    token: personToken,
    json: { claimKey },
  })
}
