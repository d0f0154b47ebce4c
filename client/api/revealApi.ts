/**
 * The reveal route group as the facilitator's browser uses it (shared/api/reveal.ts): the server
 * copies every person's unrevealed drafts onto the canvas at once and marks the round revealed.
 */
import { Revealed, revealRoutes } from '../../shared/api/reveal'
import { apiRequest } from './apiRequest'

export type { Revealed as RevealResult } from '../../shared/api/reveal'

export function requestReveal(boardId: string, facilitatorToken: string): Promise<Revealed> {
  return apiRequest(revealRoutes.reveal(boardId), Revealed, { method: 'POST', token: facilitatorToken })
}
