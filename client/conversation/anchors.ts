/**
 * Where a thread or a change lives on the canvas. A thread's anchor (and a what's-new item's
 * target) is a card id, shown by the `contribution` shape whose props.cardId names it, or a
 * link's arrow shape id. This module finds the shape for an anchor, the anchor for a selected
 * shape, and brings a shape into view beside the conversation panel.
 */
import { computed, type Computed, type Editor, type TLShape, type TLShapeId } from 'tldraw'
import { CONTRIBUTION_SHAPE_TYPE } from '../../shared/board/contributionShape'

/** Card id -> contribution shape id, for every page; follows the store. */
export function createCardShapeIndex(editor: Editor): Computed<ReadonlyMap<string, TLShapeId>> {
  const contributionShapes = editor.store.query.records('shape', () => ({ type: { eq: CONTRIBUTION_SHAPE_TYPE } }))
  return computed('card shapes by card id', () => {
    const byCardId = new Map<string, TLShapeId>()
    for (const shape of contributionShapes.get()) {
      const cardId = (shape.props as { cardId?: unknown }).cardId
      if (typeof cardId === 'string') byCardId.set(cardId, shape.id)
    }
    return byCardId
  })
}

export function isShapeAnchor(anchorId: string): anchorId is TLShapeId {
  return anchorId.startsWith('shape:')
}

export function shapeIdForAnchor(editor: Editor, cardShapes: Computed<ReadonlyMap<string, TLShapeId>>, anchorId: string): TLShapeId | null {
  if (isShapeAnchor(anchorId)) return editor.getShape(anchorId) ? anchorId : null
  return cardShapes.get().get(anchorId) ?? null
}

/** The thread anchor a shape stands for: a card's id, an arrow's own id, or none. */
export function anchorForShape(shape: TLShape | null | undefined): string | null {
  if (!shape) return null
  if (shape.type === CONTRIBUTION_SHAPE_TYPE) {
    const cardId = (shape.props as { cardId?: unknown }).cardId
    return typeof cardId === 'string' ? cardId : null
  }
  return shape.type === 'arrow' ? shape.id : null
}

/** The part of the viewport the conversation panel covers, from the left edge (screen pixels). */
function coveredLeftEdge(editor: Editor): number {
  const panel = editor.getContainer().querySelector<HTMLElement>('[data-conversation-panel="open"]')
  if (!panel) return 0
  const viewport = editor.getViewportScreenBounds()
  const right = panel.getBoundingClientRect().right - viewport.x
  return right > 0 && right < viewport.w / 2 ? right + 8 : 0
}

/**
 * Moves the camera so the shape sits in the middle of what the panel leaves visible, zooming out
 * only as far as it needs to fit, and optionally selects it.
 */
export function bringShapeIntoView(editor: Editor, shapeId: TLShapeId, options: { select: boolean }): boolean {
  const shape = editor.getShape(shapeId)
  if (!shape) return false
  const pageId = editor.getAncestorPageId(shape)
  if (pageId && pageId !== editor.getCurrentPageId()) editor.setCurrentPage(pageId)
  const bounds = editor.getShapePageBounds(shape)
  if (!bounds) return false
  if (editor.getInstanceState().followingUserId) editor.stopFollowingUser()
  const viewport = editor.getViewportScreenBounds()
  const left = coveredLeftEdge(editor)
  const width = Math.max(200, viewport.w - left)
  const padding = 64
  const fitZoom = Math.min((width - padding * 2) / Math.max(bounds.w, 1), (viewport.h - padding * 2) / Math.max(bounds.h, 1))
  const zoom = Math.max(0.1, Math.min(Math.max(editor.getZoomLevel(), 0.5), 1, fitZoom))
  const screenCenter = { x: left + width / 2, y: viewport.h / 2 }
  editor.setCamera(
    { x: screenCenter.x / zoom - bounds.center.x, y: screenCenter.y / zoom - bounds.center.y, z: zoom },
    { animation: { duration: editor.options.animationMediumMs } },
  )
  if (options.select) editor.select(shapeId)
  return true
}
