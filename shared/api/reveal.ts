/**
 * The reveal route group: the facilitator puts everyone's think-alone drafts on the canvas at once.
 *
 *   POST /api/boards/:id/reveal  Bearer <facilitator link>  -> 200 Revealed; 409 when no round is open or it is closed
 */
import { z } from 'zod'
import { boardPath } from './common'

export const Revealed = z.object({ revealed: z.number().int().nonnegative(), ms: z.number().nonnegative() })
export type Revealed = z.infer<typeof Revealed>

export const revealRoutes = {
  reveal: (boardId: string) => `${boardPath(boardId)}/reveal`,
}
