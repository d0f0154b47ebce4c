/**
 * Turns arrows this person binds between two shapes into links. tldraw tells us when an arrow
 * binding is created or changed; while the pointer is still down (the arrow is being dragged to
 * its target) we only note the arrow, and decide once the gesture ends, so an arrow dragged past
 * a card on the way elsewhere does not become a link. Changes that arrive from other members
 * (source 'remote') are theirs to make: reacting to them would make every client write the same
 * change at once.
 */
import type { Editor, TLArrowBinding, TLBinding, TLEventInfo, TLShapeId } from 'tldraw'
import type { BoardContextValue } from '../board/boardContext'
import { makeLink } from './linkRecords'

export function registerLinkSideEffects(editor: Editor, board: Pick<BoardContextValue, 'canEdit' | 'getMe'>): () => void {
  if (!board.canEdit) return () => {}
  const pending = new Set<TLShapeId>()

  const linkPending = () => {
    if (editor.inputs.getIsPointing() || pending.size === 0) return
    const ids = [...pending]
    pending.clear()
    for (const id of ids) makeLink(editor, id, board.getMe(), Date.now())
  }

  const noteArrow = (binding: TLBinding) => {
    if (binding.type !== 'arrow') return
    pending.add((binding as TLArrowBinding).fromId)
    linkPending()
  }

  const disposers = [
    editor.sideEffects.registerAfterCreateHandler('binding', (binding, source) => {
      if (source === 'user') noteArrow(binding)
    }),
    editor.sideEffects.registerAfterChangeHandler('binding', (_previous, binding, source) => {
      if (source === 'user') noteArrow(binding)
    }),
  ]
  const onEvent = (info: TLEventInfo) => {
    if (info.type === 'pointer' && info.name === 'pointer_up') editor.run(linkPending)
  }
  editor.on('event', onEvent)
  return () => {
    for (const dispose of disposers) dispose()
    editor.off('event', onEvent)
    pending.clear()
  }
}
