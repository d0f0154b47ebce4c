/**
 * The board's title and problem statement (Y.Texts in the control document's BOARD_MAP): read
 * live, re-rendering whenever they change (including when a text arrives later with the first
 * sync), and drafted by a facilitator before being saved into the document.
 */
import { useCallback, useSyncExternalStore } from 'react'
import * as Y from 'yjs'
import { BOARD_MAP } from '../../shared/board/docLayout'
import { replaceText } from '../../shared/board/boardModel'

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

/**
 * A facilitator's draft of the board's title and problem: edits go to a private copy of the
 * control document, and saving sends only the draft's changes to the real one, as Yjs edits.
 * Someone else's edit made meanwhile is merged with the draft, not overwritten by it; cancelling
 * throws the copy away, so nobody ever saw the half-written text.
 *
 * @example
 *   const draft = startBoardTextDraft(controlDoc)
 *   draft.write(BOARD_PROBLEM_KEY, 'A sharper problem')
 *   draft.save()
 */
export interface BoardTextDraft {
  read(key: string): string
  write(key: string, value: string): void
  /** Sends the draft's changes; the draft can be written and saved again after. */
  save(): void
}

/** Marks the transaction that brings a saved draft into the control document. */
export const DRAFT_SAVE_ORIGIN = 'board-text-draft'

export function startBoardTextDraft(doc: Y.Doc): BoardTextDraft {
  const copy = new Y.Doc()
  Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc))
  const board = copy.getMap(BOARD_MAP)
  return {
    read: (key) => readBoardText(copy, key),
    write(key, value) {
      const existing = board.get(key)
      if (existing instanceof Y.Text) replaceText(existing, value)
      else board.set(key, new Y.Text(value))
    },
    save() {
      Y.applyUpdate(doc, Y.encodeStateAsUpdate(copy, Y.encodeStateVector(doc)), DRAFT_SAVE_ORIGIN)
    },
  }
}
