/**
 * The browser tab's title while a board is open: the board's own title (live, as the facilitator
 * edits it) before the product's name, so a facilitator with several boards open tells the tabs
 * apart. The product's name alone comes back when the board closes.
 */
import { useEffect } from 'react'
import { BOARD_TITLE_KEY } from '../../shared/board/docLayout'
import { useBoardContext } from './boardContext'
import { useBoardText } from './useBoardText'

export const PRODUCT_NAME = 'Think Together'

export function BoardDocumentTitle() {
  const { controlDoc, initialTitle } = useBoardContext()
  const title = (useBoardText(controlDoc, BOARD_TITLE_KEY) || initialTitle).trim()
  useEffect(() => {
    document.title = title ? `${title} · ${PRODUCT_NAME}` : PRODUCT_NAME
  }, [title])
  useEffect(
    () => () => {
      document.title = PRODUCT_NAME
    },
    [],
  )
  return null
}
