/**
 * Shows one change of What's new on the board: the camera goes to its card or link; a reply is
 * shown in its thread (the conversation panel on the Threads tab, the card selected), so that the
 * words of the reply are in front of the person, not only the card it was written on.
 */
import type { ChangeItem } from '../../shared/board/whatsNew'
import { bringShapeIntoView, shapeIdForAnchor } from './anchors'
import { useConversationPanelStore } from './panelStore'
import type { ConversationSession } from './session'

export function showChange(session: ConversationSession, item: ChangeItem | null): boolean {
  if (!item) return false
  const shapeId = shapeIdForAnchor(session.editor, session.cardShapes, item.targetId)
  if (!shapeId) return false
  if (item.kind !== 'reply') return bringShapeIntoView(session.editor, shapeId, { select: false })
  useConversationPanelStore.getState().open('threads')
  return bringShapeIntoView(session.editor, shapeId, { select: true })
}
