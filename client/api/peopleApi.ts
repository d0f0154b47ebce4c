/**
 * The people route group as the browser uses it (shared/api/people.ts): this person's own token
 * for a board, and telling the server who they are on it.
 */
import { IssuedPersonalToken, UpdatedMe, peopleRoutes, type PersonProfile, type UpdateMeBody } from '../../shared/api/people'
import { apiRequest, type RetryPolicy } from './apiRequest'

export type { IssuedPersonalToken, PersonProfile } from '../../shared/api/people'

/** Waits through "many people are joining" (429 Retry-After) this many times before giving up. */
const ISSUE_ATTEMPTS = 20

export function issuePersonalToken(boardId: string, boardToken: string, onWait?: RetryPolicy['onWait']): Promise<IssuedPersonalToken> {
  return apiRequest(peopleRoutes.people(boardId), IssuedPersonalToken, {
    method: 'POST',
    token: boardToken,
    retry: { attempts: ISSUE_ATTEMPTS, onWait },
  })
}

/** Renames: the server writes this person's entry in the people document and re-stamps their presence. */
export async function updateMe(boardId: string, personToken: string, me: UpdateMeBody): Promise<PersonProfile> {
  const { person } = await apiRequest(peopleRoutes.me(boardId), UpdatedMe, { method: 'PUT', token: personToken, json: me })
  return person
}
