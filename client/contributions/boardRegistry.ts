/**
 * Which board an editor shows, for the parts of the contributions feature that tldraw calls
 * outside our React tree (the shape util's export, text and edit checks).
 */
import type { Editor } from 'tldraw'
import type { BoardContextValue } from '../board/boardContext'

const boardsByEditor = new WeakMap<Editor, BoardContextValue>()

export function attachBoard(editor: Editor, board: BoardContextValue): () => void {
  boardsByEditor.set(editor, board)
  return () => {
    if (boardsByEditor.get(editor) === board) boardsByEditor.delete(editor)
  }
}

export function boardOf(editor: Editor): BoardContextValue | null {
  return boardsByEditor.get(editor) ?? null
}
