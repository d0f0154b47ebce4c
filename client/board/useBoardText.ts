/**
 * Reads one of the board's Y.Texts (title, problem) from the BOARD_MAP and re-renders whenever it
 * changes, including when the text itself arrives later with the first sync.
 */
import { useCallback, useSyncExternalStore } from 'react'
import * as Y from 'yjs'
import { BOARD_MAP } from '../../shared/board/docLayout'

function readBoardText(doc: Y.Doc, key: string): string {
  const value = doc.getMap(BOARD_MAP).get(key)
  if (value instanceof Y.Text) return value.toString()
  return typeof value === 'string' ? value : ''
}

export function useBoardText(doc: Y.Doc, key: string): string {
  const subscribe = useCallback(
    (onChange: () => void) => {
      const board = doc.getMap(BOARD_MAP)
      let observed: Y.Text | null = null
      const attachText = () => {
        const value = board.get(key)
        const text = value instanceof Y.Text ? value : null
        if (text !== observed) {
          observed?.unobserve(onChange)
          observed = text
          observed?.observe(onChange)
        }
        onChange()
      }
      board.observe(attachText)
      attachText()
      return () => {
        board.unobserve(attachText)
        observed?.unobserve(onChange)
      }
    },
    [doc, key],
  )
  return useSyncExternalStore(subscribe, () => readBoardText(doc, key))
}
