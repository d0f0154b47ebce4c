/**
 * The people route group: a person's own token for a board, and who they are on it.
 *
 *   POST /api/boards/:id/people     Bearer <any board link>     -> 201 IssuedPersonalToken
 *                                                                  429 with Retry-After when many join at once
 *   GET  /api/boards/:id/people/me  Bearer <personal token>                -> 200 UpdatedMe
 *   PUT  /api/boards/:id/people/me  Bearer <personal token>  UpdateMeBody -> 200 UpdatedMe
 *
 * The personal token names the board, the role of the link it was issued for, and a person id,
 * which is this person's id on the board (presence, authorship, ballots). The server alone writes
 * the people document (`<boardId>.people`): renaming goes through PUT .../people/me, after which the
 * relay stamps the new name and colour on the person's presence.
 */
import { z } from 'zod'
import { BOARD_ROLES } from '../board/roles'
import { MAX_PRACTICE_LENGTH } from '../board/vocabulary'
import { paletteColor } from '../board/personColors'
import { boardPath } from './common'

export const PERSON_ID_PATTERN = /^[A-Za-z0-9_-]{22}$/
export const MAX_PERSON_NAME_LENGTH = 80
export const MAX_PERSON_PRACTICE_LENGTH = MAX_PRACTICE_LENGTH
export const PERSON_COLOR_PATTERN = /^#[0-9a-fA-F]{6}$/

/** One line: control characters become spaces, runs of white space one space, trimmed; min–max characters. */
function oneLine(min: number, max: number) {
  return z
    .string()
    .transform((value) =>
      value
        .replace(/[\u0000-\u001f\u007f]/g, ' ')
        .replace(/\s+/g, ' ')
        .trim(),
    )
    .pipe(z.string().min(min).max(max))
}

/** Who a person is on a board, as the server knows them (no name until they gave one). */
export const PersonProfile = z.object({
  id: z.string().regex(PERSON_ID_PATTERN),
  name: z.string().nullable(),
  color: z.string(),
  practice: z.string(),
  role: z.enum(BOARD_ROLES).optional(),
})
export type PersonProfile = z.infer<typeof PersonProfile>

export const IssuedPersonalToken = z.object({
  personId: z.string().regex(PERSON_ID_PATTERN),
  personToken: z.string().min(1),
  /** The new person: the colour the server picked for them (the one fewest others on the board have). */
  person: PersonProfile.optional(),
})
export type IssuedPersonalToken = z.infer<typeof IssuedPersonalToken>

export const UpdateMeBody = z.object({
  name: oneLine(1, MAX_PERSON_NAME_LENGTH),
  /** One of the board's colours (shared/board/personColors.ts), in any case; stored as the palette spells it. */
  color: z
    .string()
    .regex(PERSON_COLOR_PATTERN)
    .refine((value) => paletteColor(value) !== null, 'not one of the board colours')
    .transform((value) => paletteColor(value) ?? value),
  practice: oneLine(0, MAX_PERSON_PRACTICE_LENGTH),
})
export type UpdateMeBody = z.input<typeof UpdateMeBody>

export const UpdatedMe = z.object({ person: PersonProfile })
export type UpdatedMe = z.infer<typeof UpdatedMe>

export const peopleRoutes = {
  people: (boardId: string) => `${boardPath(boardId)}/people`,
  me: (boardId: string) => `${boardPath(boardId)}/people/me`,
}
