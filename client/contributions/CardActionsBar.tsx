/**
 * The card actions bar: with one card selected (and nobody dragging or typing in it), a small bar
 * under it with the card's actions — the three reactions, its thread, and Expand / Collapse for a
 * card whose text is longer than it shows. It is the keyboard path to what the buttons on the card
 * do (those stay out of the Tab order): M moves the focus into the bar, arrow keys move along it,
 * Escape gives the focus back to the canvas with the card still selected.
 */
import { useEffect, useRef, type KeyboardEvent as ReactKeyboardEvent } from 'react'
import { useEditor, useValue, type Editor, type TLShapeId } from 'tldraw'
import { toggleReaction } from '../../shared/board/boardModel'
import { CONTRIBUTION_SHAPE_TYPE } from '../../shared/board/contributionShape'
import { REACTIONS, REACTION_INFO } from '../../shared/board/vocabulary'
import { useBoardContext, type BoardContextValue } from '../board/boardContext'
import { useMay } from '../board/useMay'
import { useConversationPanelStore } from '../conversation/panelStore'
import { CARD_ACTIONS_SHORTCUT, useCardActions } from './cardActionsStore'
import { isTyping } from './cardCreation'
import { isCardClipped, isCardExpanded, setCardExpanded } from './cardFit'
import { useCardReactions, useReplyCount } from './cardSubscriptions'

/** Room kept free at the bottom for tldraw's own toolbar and our palette. */
const BOTTOM_RESERVE = 150
const GAP = 12

interface SelectedCard {
  readonly shapeId: TLShapeId
  readonly cardId: string
  readonly x: number
  readonly y: number
  readonly above: boolean
}

function useSelectedCard(): SelectedCard | null {
  const editor = useEditor()
  return useValue('selected card for its actions', () => {
    if (editor.inputs.getIsDragging() || editor.getEditingShapeId()) return null
    const shape = editor.getOnlySelectedShape()
    if (shape?.type !== CONTRIBUTION_SHAPE_TYPE) return null
    const bounds = editor.getShapePageBounds(shape.id)
    if (!bounds) return null
    const viewport = editor.getViewportScreenBounds()
    const below = editor.pageToViewport({ x: bounds.center.x, y: bounds.maxY })
    const above = editor.pageToViewport({ x: bounds.center.x, y: bounds.minY })
    const x = Math.min(Math.max(below.x, 160), viewport.w - 160)
    const cardId = (shape.props as { cardId: string }).cardId
    if (below.y + GAP < viewport.h - BOTTOM_RESERVE) return { shapeId: shape.id, cardId, x, y: below.y + GAP, above: false }
    return { shapeId: shape.id, cardId, x, y: Math.max(above.y - GAP, 60), above: true }
  }, [editor])
}

/** M (no modifier, outside text fields) with one card selected moves the focus into the bar. */
export function registerCardActionsShortcut(editor: Editor): () => void {
  const body = editor.getContainer().ownerDocument.body
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key.toLowerCase() !== CARD_ACTIONS_SHORTCUT || event.shiftKey || event.ctrlKey || event.metaKey || event.altKey || event.repeat) return
    if (isTyping(event.target) || editor.getEditingShapeId() !== null || editor.menus.hasAnyOpenMenus()) return
    if (editor.getOnlySelectedShape()?.type !== CONTRIBUTION_SHAPE_TYPE) return
    event.preventDefault()
    useCardActions.getState().requestFocus()
  }
  body.addEventListener('keydown', onKeyDown)
  return () => body.removeEventListener('keydown', onKeyDown)
}

export function CardActionsBar() {
  const selected = useSelectedCard()
  if (!selected) return null
  return <CardActions key={selected.shapeId} selected={selected} />
}

function CardActions({ selected }: { selected: SelectedCard }) {
  const editor = useEditor()
  const board = useBoardContext()
  const rootRef = useRef<HTMLDivElement>(null)
  const focusRequest = useCardActions((state) => state.focusRequest)
  const firstRequest = useRef(focusRequest)

  useEffect(() => {
    if (focusRequest !== firstRequest.current) rootRef.current?.querySelector<HTMLButtonElement>('button')?.focus()
  }, [focusRequest])

  // Keys pressed in the bar are ours: tldraw must not also nudge, delete or switch tools.
  useEffect(() => {
    const root = rootRef.current
    if (!root) return
    const markHandled = (event: KeyboardEvent) => editor.markEventAsHandled(event)
    root.addEventListener('keydown', markHandled)
    root.addEventListener('keyup', markHandled)
    return () => {
      root.removeEventListener('keydown', markHandled)
      root.removeEventListener('keyup', markHandled)
    }
  }, [editor])

  const onKeyDown = (event: ReactKeyboardEvent<HTMLDivElement>) => {
    event.stopPropagation()
    if (event.key === 'Escape') {
      event.preventDefault()
      ;(document.activeElement as HTMLElement | null)?.blur()
      editor.getContainer().focus()
      editor.focus()
      return
    }
    const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key]
    if (!step) return
    const buttons = [...(rootRef.current?.querySelectorAll<HTMLButtonElement>('button') ?? [])]
    const index = buttons.indexOf(document.activeElement as HTMLButtonElement)
    buttons[(index + step + buttons.length) % buttons.length]?.focus()
    event.preventDefault()
  }

  return (
    <div
      ref={rootRef}
      role="toolbar"
      aria-label="Card actions"
      className="tt-card-actions"
      data-above={selected.above}
      style={{ left: selected.x, top: selected.y }}
      onPointerDown={(event) => event.stopPropagation()}
      onKeyDown={onKeyDown}
      onKeyUp={(event) => event.stopPropagation()}
      data-testid="card-actions"
    >
      <ReactionActions board={board} cardId={selected.cardId} />
      <ThreadAction board={board} shapeId={selected.shapeId} cardId={selected.cardId} />
      <ExpandAction shapeId={selected.shapeId} />
    </div>
  )
}

function ReactionActions({ board, cardId }: { board: BoardContextValue; cardId: string }) {
  const reactions = useCardReactions(board.conversationDoc, cardId)
  const mayReact = useMay('react')
  const me = board.getMe()
  if (!board.canEdit) return null
  return REACTIONS.map((reaction) => {
    const givers = reactions[reaction]
    const { label, symbol } = REACTION_INFO[reaction]
    return (
      <button
        key={reaction}
        type="button"
        className="tt-card-actions__button"
        aria-label={`${label} (${givers.length})`}
        aria-pressed={givers.some((giver) => giver.id === me.id)}
        aria-disabled={!mayReact || undefined}
        title={mayReact ? label : `${label}: not in this phase`}
        data-testid={`card-action-${reaction}`}
        onClick={() => {
          if (board.permissions.may('react')) toggleReaction(board.conversationDoc, cardId, reaction, board.getMe(), Date.now())
        }}
      >
        <span aria-hidden>{symbol}</span>
        {givers.length > 0 && <span className="tt-card-actions__count">{givers.length}</span>}
      </button>
    )
  })
}

function ThreadAction({ board, shapeId, cardId }: { board: BoardContextValue; shapeId: TLShapeId; cardId: string }) {
  const editor = useEditor()
  const count = useReplyCount(board.conversationDoc, cardId)
  return (
    <button
      type="button"
      className="tt-card-actions__button"
      data-testid="card-action-thread"
      onClick={() => {
        editor.select(shapeId)
        useConversationPanelStore.getState().open('threads')
      }}
    >
      {count === 0 ? 'Thread' : `Thread (${count})`}
    </button>
  )
}

function ExpandAction({ shapeId }: { shapeId: TLShapeId }) {
  const editor = useEditor()
  const expanded = useValue('card expanded', () => isCardExpanded(shapeId), [shapeId])
  const clipped = useValue('card clipped', () => {
    const shape = editor.getShape(shapeId)
    return !!shape && isCardClipped(shape as { id: string; props: { h: number } })
  }, [editor, shapeId])
  if (!expanded && !clipped) return null
  return (
    <button
      type="button"
      className="tt-card-actions__button"
      aria-pressed={expanded}
      data-testid="card-action-expand"
      onClick={() => setCardExpanded(shapeId, !expanded)}
    >
      {expanded ? 'Collapse' : 'Expand'}
    </button>
  )
}
