/**
 * Finds out, before the board opens, with which token and role this tab may open it, and the
 * settings the server gives clients. Asks the server; when it cannot be reached, falls back to what
 * it confirmed last time (so a board opened before also opens offline, from the local copy).
 */
import { useCallback, useEffect, useState } from 'react'
import { isValidBoardId } from '../../shared/board/boardId'
import type { BoardRole } from '../../shared/board/roles'
import { ApiError } from '../api/apiRequest'
import { LINK_REPLACED_MESSAGE } from '../../shared/api/links'
import { fetchBoardAccess, fetchClientConfig, type ClientConfig } from '../api/boardsApi'
import { forgetAccess, readRememberedAccess, rememberAccess, resolveBoardToken } from './boardAccess'
import { readRememberedConfig, rememberConfig } from './clientConfig'

export type BoardAccessState =
  | { readonly kind: 'checking' }
  | {
      readonly kind: 'ready'
      readonly token: string
      readonly role: BoardRole
      readonly title: string
      readonly config: ClientConfig
      /** True when the server could not be asked and we used what it said last time. */
      readonly isFromLastVisit: boolean
    }
  | { readonly kind: 'invalidLink' }
  | { readonly kind: 'linkReplaced' }
  | { readonly kind: 'boardNotFound' }
  | { readonly kind: 'unreachable'; retry(): void }

async function checkAccess(boardId: string): Promise<Exclude<BoardAccessState, { kind: 'checking' | 'unreachable' }> | 'unreachable'> {
  if (!isValidBoardId(boardId)) return { kind: 'invalidLink' }
  const token = resolveBoardToken(boardId)
  if (!token) return { kind: 'invalidLink' }
  try {
    const [access, config] = await Promise.all([fetchBoardAccess(boardId, token), fetchClientConfig()])
    rememberAccess(boardId, { token, role: access.role, title: access.title })
    rememberConfig(config)
    return { kind: 'ready', token, role: access.role, title: access.title, config, isFromLastVisit: false }
  } catch (error) {
    if (error instanceof ApiError && error.kind === 'unauthorized') {
      forgetAccess(boardId, token)
      return { kind: error.message === LINK_REPLACED_MESSAGE ? 'linkReplaced' : 'invalidLink' }
    }
    if (error instanceof ApiError && error.kind === 'notFound') return { kind: 'boardNotFound' }
    const remembered = readRememberedAccess(boardId)
    const config = readRememberedConfig()
    if (error instanceof ApiError && error.kind === 'network' && remembered?.token === token && remembered.role && config) {
      return { kind: 'ready', token, role: remembered.role, title: remembered.title ?? '', config, isFromLastVisit: true }
    }
    return 'unreachable'
  }
}

export function useBoardAccess(boardId: string): BoardAccessState {
  const [attempt, setAttempt] = useState(0)
  const retry = useCallback(() => setAttempt((count) => count + 1), [])
  const [state, setState] = useState<BoardAccessState>({ kind: 'checking' })

  useEffect(() => {
    let isCurrent = true
    setState({ kind: 'checking' })
    void checkAccess(boardId).then((result) => {
      if (!isCurrent) return
      setState(result === 'unreachable' ? { kind: 'unreachable', retry } : result)
    })
    return () => {
      isCurrent = false
    }
  }, [boardId, attempt, retry])

  return state
}
