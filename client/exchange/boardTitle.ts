/**
 * The board's title as the control document has it now (a facilitator may have changed it since
 * the page opened), for naming exported files.
 */
import type * as Y from 'yjs'
import { BOARD_MAP, BOARD_TITLE_KEY } from '../../shared/board/docLayout'

export function readBoardTitle(controlDoc: Y.Doc, fallback: string): string {
  const title = String(controlDoc.getMap<unknown>(BOARD_MAP).get(BOARD_TITLE_KEY) ?? '').trim()
  return title === '' ? fallback : title
}
