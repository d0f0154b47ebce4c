/**
 * The conversation features of the board open in this tab: the editor, the board context, the
 * live index of the conversation layer, what's new, and the canvas filter. Module-level tldraw
 * atoms, because tldraw evaluates the shape-visibility callback outside React, and our panels
 * render in tldraw's component tree without props.
 */
import { atom, computed, type Computed, type Editor, type TLShapeId } from 'tldraw'
import type { BoardContextValue } from '../board/boardContext'
import { EMPTY_FILTER, isFilterActive, matchingCardIds, type CanvasFilter } from './canvasFilter'
import type { ConversationIndex } from './conversationIndex'
import type { WhatsNewTracker } from './whatsNewTracker'

export interface ConversationSession {
  readonly editor: Editor
  readonly board: BoardContextValue
  readonly index: ConversationIndex
  readonly whatsNew: WhatsNewTracker
  readonly cardShapes: Computed<ReadonlyMap<string, TLShapeId>>
}

export const activeSession = atom<ConversationSession | null>('conversation session', null)

export const canvasFilter = atom<CanvasFilter>('canvas filter', EMPTY_FILTER)

/** The card ids the filter lets through, or null when no filter is set (everything shows). */
export const visibleCardIds = computed<ReadonlySet<string> | null>('visible card ids', () => {
  const filter = canvasFilter.get()
  if (!isFilterActive(filter)) return null
  const session = activeSession.get()
  if (!session) return null
  return matchingCardIds(session.index.snapshot.get(), filter)
})

export function updateFilter(change: Partial<CanvasFilter>): void {
  canvasFilter.update((filter) => ({ ...filter, ...change }))
}

export function clearFilter(): void {
  canvasFilter.set(EMPTY_FILTER)
}
