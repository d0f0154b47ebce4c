/**
 * The first update of a new board's control document: its title and problem statement, as
 * Y.Texts in the `board` map, so every member sees them at once and a facilitator's later edits
 * merge.
 */
import * as Y from 'yjs'
import { BOARD_MAP, BOARD_PROBLEM_KEY, BOARD_TITLE_KEY } from '../../shared/board/docLayout'

export function encodeBoardSeed(title: string, problem: string): Uint8Array {
  const doc = new Y.Doc()
  const board = doc.getMap(BOARD_MAP)
  doc.transact(() => {
    board.set(BOARD_TITLE_KEY, new Y.Text(title))
    board.set(BOARD_PROBLEM_KEY, new Y.Text(problem))
  })
  const update = Y.encodeStateAsUpdate(doc)
  doc.destroy()
  return update
}
