/**
 * Who may create a board. With BOARD_CREATION_TOKEN set, only a request carrying it as
 * `Authorization: Bearer <secret>` (compared in constant time) may; without it anyone who reaches
 * the server may. Every route that makes a board (POST /api/boards, and any import route) calls
 * `checkBoardCreation` before reading its body.
 *
 * @example
 *   const check = checkBoardCreation(req, config.boardCreationToken)
 *   if (!check.ok) return sendError(res, check.status, check.message)
 */
import type { IncomingMessage } from 'node:http'
import { bearerSecret, sameSecret } from './secrets'

export type BoardCreationCheck = { ok: true } | { ok: false; status: 401; message: string }

export function checkBoardCreation(req: IncomingMessage, creationToken: string | null): BoardCreationCheck {
  if (creationToken === null) return { ok: true }
  const given = bearerSecret(req)
  if (given !== null && sameSecret(given, creationToken)) return { ok: true }
  return {
    ok: false,
    status: 401,
    message:
      given === null
        ? 'This server needs its creation secret to make a board: ask the operator for it.'
        : 'That creation secret is not right: ask the operator for the current one.',
  }
}
