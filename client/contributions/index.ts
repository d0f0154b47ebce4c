/**
 * Contributions: the cards members place on the board (understanding, question, experience,
 * idea, concern, synthesis), each attributed to its author or posted anonymously through the
 * server, with reactions and a reply count. A board feature (client/board/features.ts):
 *
 * - shape utils: the `contribution` shape (ContributionShapeUtil.tsx), whose card lives in the
 *   canvas document's `cards` map; its reactions and thread live in the conversation document.
 * - register: one card per shape on duplicate and paste (cardIdentity.ts), keys 1–6 to add a card
 *   (cardCreation.ts), and this board's anonymous claim keys (anonymousCards.ts).
 * - overlay: the palette and the anonymous composer (ContributionPalette.tsx), while this person
 *   may add cards; the selected card's actions bar (CardActionsBar.tsx, key M) for everyone.
 * - BoardShortcutsDialog: tldraw's keyboard shortcuts dialog with ours listed (BoardCanvas.tsx).
 */
import { createElement, Fragment } from 'react'
import { useEditor, useValue, type Editor, type TLAnyShapeUtilConstructor } from 'tldraw'
import { useBoardContext, type BoardContextValue } from '../board/boardContext'
import type { BoardFeature } from '../board/features'
import { useMay } from '../board/useMay'
import { useClaimKeys } from './anonymousCards'
import { attachBoard } from './boardRegistry'
import { CardActionsBar, registerCardActionsShortcut } from './CardActionsBar'
import { registerKindShortcuts, useContributionUi } from './cardCreation'
import { registerCardIdentity } from './cardIdentity'
import { ContributionPalette } from './ContributionPalette'
import { ContributionShapeUtil } from './ContributionShapeUtil'
import './contributions.css'

/** Shape utils for the store and the editor (through the feature list). */
export const contributionShapeUtils: TLAnyShapeUtilConstructor[] = [ContributionShapeUtil]

function registerContributions(editor: Editor, board: BoardContextValue): () => void {
  useClaimKeys.getState().load(board.boardId)
  const cleanups = [attachBoard(editor, board), registerCardIdentity(editor, board), registerCardActionsShortcut(editor)]
  if (board.canEdit) cleanups.push(registerKindShortcuts(editor, board))
  return () => {
    for (const cleanup of cleanups) cleanup()
    useContributionUi.getState().closeComposer()
  }
}

function ContributionOverlay() {
  const { canEdit } = useBoardContext()
  const editor = useEditor()
  // Read-only covers observers, and members while the board is locked or the phase allows no canvas change.
  const isReadonly = useValue('editor read-only', () => editor.getIsReadonly(), [editor])
  const mayAddCards = useMay('add-cards')
  return createElement(Fragment, null, createElement(CardActionsBar), canEdit && !isReadonly && mayAddCards ? createElement(ContributionPalette) : null)
}

export const contributionsFeature: BoardFeature = {
  id: 'contributions',
  shapeUtils: contributionShapeUtils,
  register: registerContributions,
  Chrome: ContributionOverlay,
}

export { BoardShortcutsDialog } from './BoardShortcutsDialog'
