/**
 * The conversation, a board feature (client/board/features.ts): threads on cards and links, the
 * members panel, what's new since the last visit, and find and filter, in one side panel; plus the
 * canvas filter (tldraw's getShapeVisibility). Threads and reactions live in the conversation
 * document, the cards and links they are about in the canvas, members in the people document.
 */
import { createElement, Fragment } from 'react'
import { useValue, type Editor, type TLShape } from 'tldraw'
import { CONTRIBUTION_SHAPE_TYPE } from '../../shared/board/contributionShape'
import type { BoardContextValue } from '../board/boardContext'
import type { BoardFeature } from '../board/features'
import { bringShapeIntoView, createCardShapeIndex, shapeIdForAnchor } from './anchors'
import { EMPTY_FILTER } from './canvasFilter'
import { ConversationBadge, ConversationPanelBody, SelectedThreadButton } from './ConversationPanel'
import { createConversationIndex } from './conversationIndex'
import { useConnectionStore } from '../state/connectionStore'
import { CONVERSATION_PANEL_ID, CONVERSATION_SHORTCUT, useConversationPanelStore } from './panelStore'
import { activeSession, canvasFilter, visibleCardIds, type ConversationSession } from './session'
import { createWhatsNewTracker } from './whatsNewTracker'
import { WhatsNewWalker } from './WhatsNewWalker'

function localStorageOrNull(): Storage | null {
  try {
    return window.localStorage
  } catch {
    return null
  }
}

/** Changes reach us a little after they are stamped, by clocks that may differ a little from ours. */
const SYNC_MARGIN_MS = 60_000

/**
 * Up to when this tab holds every change made on the board: now, less a margin, while it is
 * synced with the server; when it last was, otherwise; never, before its first sync.
 */
function trackCompleteness(): { completeUntil(): number; dispose(): void } {
  let lastSyncedAt = Number.NEGATIVE_INFINITY
  const mark = () => {
    if (useConnectionStore.getState().status === 'connected') lastSyncedAt = Date.now()
  }
  mark()
  const unsubscribe = useConnectionStore.subscribe((state, previous) => {
    if (state.status === 'connected' || previous.status === 'connected') lastSyncedAt = Date.now()
  })
  return {
    completeUntil: () => {
      mark()
      return lastSyncedAt - SYNC_MARGIN_MS
    },
    dispose: unsubscribe,
  }
}

/** Alt+Shift+C opens and closes the panel from anywhere on the board. */
function isPanelShortcut(event: KeyboardEvent): boolean {
  return event.altKey && event.shiftKey && !event.ctrlKey && !event.metaKey && event.code === 'KeyC'
}

function registerConversation(editor: Editor, board: BoardContextValue): () => void {
  const index = createConversationIndex({ canvas: board.canvasDoc, conversation: board.conversationDoc, people: board.peopleDoc })
  const completeness = trackCompleteness()
  const whatsNew = createWhatsNewTracker({
    boardId: board.boardId,
    getMyId: () => board.getMe().id,
    snapshot: index.snapshot,
    storage: localStorageOrNull(),
    getCompleteUntil: completeness.completeUntil,
  })
  const session: ConversationSession = { editor, board, index, whatsNew, cardShapes: createCardShapeIndex(editor) }
  canvasFilter.set(EMPTY_FILTER)
  activeSession.set(session)

  const onKeyDown = (event: KeyboardEvent) => {
    if (!isPanelShortcut(event)) return
    event.preventDefault()
    event.stopPropagation()
    useConversationPanelStore.getState().toggle()
  }
  const onLeave = () => whatsNew.leave()
  window.addEventListener('keydown', onKeyDown, true)
  window.addEventListener('pagehide', onLeave)

  return () => {
    window.removeEventListener('keydown', onKeyDown, true)
    window.removeEventListener('pagehide', onLeave)
    whatsNew.leave()
    whatsNew.dispose()
    completeness.dispose()
    index.dispose()
    if (activeSession.get() === session) activeSession.set(null)
    canvasFilter.set(EMPTY_FILTER)
  }
}

/**
 * Opens a card's or link's thread: the panel on its Threads tab, the card or link brought into
 * view and selected. For a reply-count badge on a card, say.
 */
export function openThread(anchorId: string): boolean {
  const session = activeSession.get()
  if (!session) return false
  const shapeId = shapeIdForAnchor(session.editor, session.cardShapes, anchorId)
  if (!shapeId) return false
  useConversationPanelStore.getState().open('threads')
  return bringShapeIntoView(session.editor, shapeId, { select: true })
}

function ConversationChrome() {
  const session = useValue('conversation session', () => activeSession.get(), [])
  if (!session) return null
  return createElement(Fragment, null, createElement(SelectedThreadButton, { session }), createElement(WhatsNewWalker, { session }))
}

/**
 * Hides shapes the current filter excludes (tldraw's getShapeVisibility, evaluated reactively):
 * cards that do not match, and links with a hidden card at either end. Everything else, and
 * everything while no filter is set, follows its parent.
 */
function canvasShapeVisibility(shape: TLShape, editor: Editor): 'visible' | 'hidden' | 'inherit' {
  const visible = visibleCardIds.get()
  if (!visible) return 'inherit'
  if (shape.type === CONTRIBUTION_SHAPE_TYPE) {
    const cardId = (shape.props as { cardId?: unknown }).cardId
    return typeof cardId === 'string' && visible.has(cardId) ? 'inherit' : 'hidden'
  }
  if (shape.type === 'arrow') {
    for (const binding of editor.getBindingsFromShape(shape, 'arrow')) {
      if (editor.isShapeHidden(binding.toId)) return 'hidden'
    }
  }
  return 'inherit'
}

export const conversationFeature: BoardFeature = {
  id: 'conversation',
  register: registerConversation,
  Chrome: ConversationChrome,
  panel: {
    id: CONVERSATION_PANEL_ID,
    label: 'Conversation',
    toggleTestId: 'conversation-toggle',
    shortcut: CONVERSATION_SHORTCUT,
    Badge: ConversationBadge,
    Body: ConversationPanelBody,
  },
  shapeVisibility: canvasShapeVisibility,
}
