/**
 * Contributions: the cards members place on the board (understanding, question, experience,
 * idea, concern, synthesis), each attributed to its author or posted anonymously through the
 * server, with reactions and a reply count. Wired in client/board/BoardCanvas.tsx and
 * client/board/boardConnection.ts.
 *
 * - `contributionShapeUtils`: the `contribution` shape (ContributionShapeUtil.tsx).
 * - `registerContributions(editor, board)`: one card per shape on duplicate and paste
 *   (cardIdentity.ts), keys 1–6 to add a card (cardCreation.ts), and this board's anonymous claim
 *   keys (anonymousCards.ts).
 * - `ContributionOverlay`: the palette and the anonymous composer (ContributionPalette.tsx).
 */
import { createElement, useSyncExternalStore } from 'react'
import { FACILITATION_MAP, membersMay } from '../../shared/board/facilitation'
import { useEditor, useValue, type Editor, type TLAnyShapeUtilConstructor } from 'tldraw'
import { useBoardContext, type BoardContextValue } from '../board/boardContext'
import { useClaimKeys } from './anonymousCards'
import { attachBoard } from './boardRegistry'
import { registerKindShortcuts, useContributionUi } from './cardCreation'
import { registerCardIdentity } from './cardIdentity'
import { ContributionPalette } from './ContributionPalette'
import { ContributionShapeUtil } from './ContributionShapeUtil'
import './contributions.css'

/** Shape utils for the store (boardConnection.ts) and the editor (BoardCanvas.tsx). */
export const contributionShapeUtils: TLAnyShapeUtilConstructor[] = [ContributionShapeUtil]

/** Called when the editor mounts; returns the clean-up. */
export function registerContributions(editor: Editor, board: BoardContextValue): () => void {
  useClaimKeys.getState().load(board.boardId)
  const cleanups = [attachBoard(editor, board), registerCardIdentity(editor, board)]
  if (board.canEdit) cleanups.push(registerKindShortcuts(editor, board))
  return () => {
    for (const cleanup of cleanups) cleanup()
    useContributionUi.getState().closeComposer()
  }
}

/** Rendered in front of the canvas, inside tldraw's context. */
export function ContributionOverlay() {
  const { canEdit, controlDoc, role } = useBoardContext()
  const editor = useEditor()
  // Read-only covers observers, and members while the board is locked or the phase allows nothing.
  const isReadonly = useValue('editor read-only', () => editor.getIsReadonly(), [editor])
  const mayAddCards = useSyncExternalStore(
    (onChange) => {
      const facilitation = controlDoc.getMap(FACILITATION_MAP)
      facilitation.observeDeep(onChange)
      return () => facilitation.unobserveDeep(onChange)
    },
    () => role !== 'member' || membersMay(controlDoc, 'add-cards'),
  )
  return canEdit && !isReadonly && mayAddCards ? createElement(ContributionPalette) : null
}
