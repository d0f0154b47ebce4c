/**
 * React side of client/board/personalToken.ts: this person's personal token for the board, which
 * the board needs before it opens any websocket. While the server asks us to come back later
 * (many people joining at once), says for how long; when it cannot be reached and this browser has
 * no token yet, says so and offers to try again.
 */
import { useCallback, useEffect, useState } from 'react'
import type { BoardRole } from '../../shared/board/roles'
import { ApiError } from '../api/apiRequest'
import { obtainPersonalToken, type PersonalToken } from './personalToken'

export type PersonalTokenState =
  | { readonly kind: 'asking' }
  | { readonly kind: 'waiting'; readonly until: number }
  | { readonly kind: 'ready'; readonly person: PersonalToken }
  | { readonly kind: 'refused' }
  | { readonly kind: 'unreachable'; retry(): void }

export function usePersonalToken(boardId: string, boardToken: string, role: BoardRole): PersonalTokenState {
  const [attempt, setAttempt] = useState(0)
  const retry = useCallback(() => setAttempt((count) => count + 1), [])
  const [state, setState] = useState<PersonalTokenState>({ kind: 'asking' })

  // biome-ignore lint/correctness/useExhaustiveDependencies: `attempt` asks again when the person presses Try again
  useEffect(() => {
    let isCurrent = true
    setState({ kind: 'asking' })
    obtainPersonalToken(boardId, boardToken, role, (waitMs) => {
      if (isCurrent) setState({ kind: 'waiting', until: Date.now() + waitMs })
    }).then(
      (person) => {
        if (isCurrent)
          setState((previous) => (previous.kind === 'ready' && previous.person.personToken === person.personToken ? previous : { kind: 'ready', person }))
      },
      (error: unknown) => {
        if (!isCurrent) return
        if (error instanceof ApiError && (error.kind === 'unauthorized' || error.kind === 'forbidden')) setState({ kind: 'refused' })
        else setState({ kind: 'unreachable', retry })
      },
    )
    return () => {
      isCurrent = false
    }
  }, [boardId, boardToken, role, attempt, retry])

  return state
}
