/**
 * Which cards a vote is about, and where they are on the canvas: the cards of the current
 * selection (selected cards, and every card inside a selected frame or group), and the card
 * shapes of a round's cards on the current page.
 */
import type { Editor, TLShape, TLShapeId } from 'tldraw'
import { CONTRIBUTION_SHAPE_TYPE } from '../../shared/board/contributionShape'

function cardIdOf(shape: TLShape | undefined): string | null {
  if (shape?.type !== CONTRIBUTION_SHAPE_TYPE) return null
  const cardId = (shape.props as { cardId?: unknown }).cardId
  return typeof cardId === 'string' ? cardId : null
}

/** The cards a round opened now would cover, in selection order, each once. */
export function selectedCardIds(editor: Editor): string[] {
  const cardIds = new Set<string>()
  for (const id of editor.getSelectedShapeIds()) {
    for (const shapeId of editor.getShapeAndDescendantIds([id])) {
      const cardId = cardIdOf(editor.getShape(shapeId))
      if (cardId) cardIds.add(cardId)
    }
  }
  return [...cardIds]
}

/** cardId -> the card's shape on the current page, for the given cards. */
export function cardShapesOnPage(editor: Editor, cardIds: readonly string[]): Map<string, TLShapeId> {
  const wanted = new Set(cardIds)
  const shapes = new Map<string, TLShapeId>()
  for (const shape of editor.getCurrentPageShapes()) {
    const cardId = cardIdOf(shape)
    if (cardId && wanted.has(cardId) && !shapes.has(cardId)) shapes.set(cardId, shape.id)
  }
  return shapes
}

/** Centres the card in view and selects it; false when it is not on this page. */
export function bringCardIntoView(editor: Editor, cardId: string): boolean {
  const shapeId = cardShapesOnPage(editor, [cardId]).get(cardId)
  const bounds = shapeId ? editor.getShapePageBounds(shapeId) : undefined
  if (!shapeId || !bounds) return false
  editor.centerOnPoint(bounds.center, { animation: { duration: 220 } })
  editor.select(shapeId)
  return true
}
