/**
 * React side of client/board/boardConnection.ts: opens the board while the component is mounted
 * and says when it can be shown, or why it cannot.
 */
import { useEffect, useState } from 'react'
import { NewerBoardSchemaError } from './yjsBinding'
import {
  openBoardConnection,
  type BoardConnection,
  type BoardConnectionOptions,
  type BoardProblem,
} from './boardConnection'

export type BoardConnectionState =
  | { readonly kind: 'opening' }
  | { readonly kind: 'open'; readonly connection: BoardConnection }
  | { readonly kind: 'failed'; readonly problem: BoardProblem }

const OPENING: BoardConnectionState = { kind: 'opening' }

export function useBoardConnection({ boardId, token, readonly, maxAssetBytes }: BoardConnectionOptions): BoardConnectionState {
  const [state, setState] = useState<BoardConnectionState>(OPENING)

  useEffect(() => {
    let isCurrent = true
    const fail = (problem: BoardProblem) => {
      if (isCurrent) setState({ kind: 'failed', problem })
    }
    const connection = openBoardConnection({ boardId, token, readonly, maxAssetBytes }, fail)
    connection.whenBound.then(
      () => {
        if (isCurrent) setState({ kind: 'open', connection })
      },
      (error: unknown) => {
        console.error(JSON.stringify({ event: 'board.bind_failed', boardId, message: String(error) }))
        fail(error instanceof NewerBoardSchemaError ? 'newerVersion' : 'unreadable')
      },
    )
    return () => {
      isCurrent = false
      setState(OPENING)
      connection.close()
    }
  }, [boardId, token, readonly, maxAssetBytes])

  return state
}
