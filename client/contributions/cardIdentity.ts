/**
 * Keeps one card per contribution shape. tldraw copies a shape's props when it duplicates or
 * pastes it, so a copy would point at the same card as its original and the two would share text,
 * author and reactions. Before a shape is created by this person (not by a remote change), a
 * shape whose card is already shown by another shape gets a copy of that card, written by them;
 * a shape whose card does not exist (pasted from another board) gets a fresh, empty card.
 * Cut and paste keeps the card, since its original is gone by then.
 */
import type { Editor, TLShape } from 'tldraw'
import { copyCard, createCard, hasCard, newCardId } from '../../shared/board/boardModel'
import { CONTRIBUTION_SHAPE_TYPE } from '../../shared/board/contributionShape'
import type { BoardContextValue } from '../board/boardContext'

function isContributionShape(shape: TLShape): shape is TLShape<typeof CONTRIBUTION_SHAPE_TYPE> {
  return shape.type === CONTRIBUTION_SHAPE_TYPE
}

function isShownByAnotherShape(editor: Editor, cardId: string, shapeId: TLShape['id']): boolean {
  for (const record of editor.store.allRecords()) {
    if (record.typeName === 'shape' && record.id !== shapeId && isContributionShape(record) && record.props.cardId === cardId) return true
  }
  return false
}

export function registerCardIdentity(editor: Editor, board: BoardContextValue): () => void {
  return editor.sideEffects.registerBeforeCreateHandler('shape', (shape, source) => {
    if (source !== 'user' || !isContributionShape(shape) || !board.canEdit) return shape
    const { cardId } = shape.props
    const exists = hasCard(board.canvasDoc, cardId)
    if (exists && !isShownByAnotherShape(editor, cardId, shape.id)) return shape
    const ownCardId = newCardId()
    const me = board.getMe()
    const now = Date.now()
    if (!exists || !copyCard(board.canvasDoc, cardId, ownCardId, me, now)) {
      createCard(board.canvasDoc, { id: ownCardId, kind: 'understanding', text: '', author: me, anonymous: false, now })
    }
    return { ...shape, props: { ...shape.props, cardId: ownCardId } }
  })
}
