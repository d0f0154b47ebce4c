/**
 * Reveal, as the facilitator's browser asks for it: the server copies every person's unrevealed
 * drafts onto the canvas at once and marks the round revealed.
 *
 *   POST /api/boards/:id/reveal  (Authorization: Bearer <facilitator link token>) -> 200 {revealed, ms}
 */
import { z } from 'zod'

const revealedSchema = z.object({ revealed: z.number().int().nonnegative(), ms: z.number().nonnegative() })
export type RevealResult = z.infer<typeof revealedSchema>
const errorSchema = z.object({ error: z.string() })

export async function requestReveal(boardId: string, token: string): Promise<RevealResult> {
  let response: Response
  try {
    response = await fetch(`/api/boards/${encodeURIComponent(boardId)}/reveal`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}` },
    })
  } catch {
    throw new Error('The server could not be reached. Try again when you are online.')
  }
  const body: unknown = await response.json().catch(() => null)
  if (!response.ok) {
    const error = errorSchema.safeParse(body)
    throw new Error(error.success ? error.data.error : `Reveal failed (${response.status}).`)
  }
  const parsed = revealedSchema.safeParse(body)
  if (!parsed.success) throw new Error('The server sent an answer we did not understand.')
  return parsed.data
}
