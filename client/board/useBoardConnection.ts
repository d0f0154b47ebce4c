/**
 * React side of client/board/boardConnection.ts: opens the board while the component is mounted
 * and says when it can be shown, or why it cannot.
 */
import { useEffect, useState } from 'react'
import { NewerBoardSchemaError } from './yjsBinding'
import { openBoardConnection, type BoardConnection, type BoardConnectionOptions, type BoardProblem } from './boardConnection'

export type BoardConnectionState =
  | { readonly kind: 'opening' }
  | { readonly kind: 'open'; readonly connection: BoardConnection }
  | { readonly kind: 'failed'; readonly problem: BoardProblem }

const OPENING: BoardConnectionState = { kind: 'opening' }

/** Opens the board once `options` is given (null while the personal token is not known yet). */
export function useBoardConnection(options: BoardConnectionOptions | null): BoardConnectionState {
  const [state, setState] = useState<BoardConnectionState>(OPENING)

  useEffect(() => {
    if (!options) return
    let isCurrent = true
    const { boardId } = options
    const fail = (problem: BoardProblem) => {
      if (isCurrent) setState({ kind: 'failed', problem })
    }
    const connection = openBoardConnection(options, fail)
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
  }, [options])

  return state
}
