/**
 * Adding a card: at the centre of the viewport, straight into text editing (named cards), or
 * through the anonymous composer (anonymous cards, which the server inserts). Also the keyboard
 * shortcuts 1–6 that choose the kind, mirroring tldraw's rules for when a shortcut applies (and
 * never with a modifier: Shift+1 and Shift+2 are tldraw's zoom shortcuts on every keyboard
 * layout), and the clean-up of a new card its author leaves empty.
 */
import { createShapeId, type Editor, type TLShapeId } from 'tldraw'
import { create } from 'zustand'
import { createCard, getCardText, newCardId, removeCard } from '../../shared/board/boardModel'
import { CONTRIBUTION_DEFAULT_SIZE, CONTRIBUTION_SHAPE_TYPE } from '../../shared/board/contributionShape'
import { FREE_SPACE_GAP, findFreeSpot } from '../../shared/board/freeSpace'
import { CONTRIBUTION_KINDS, CONTRIBUTION_KIND_INFO, type ContributionKind } from '../../shared/board/vocabulary'
import type { BoardContextValue } from '../board/boardContext'
import { postAnonymousCard, type AnonymousShapePlacement } from './anonymousCards'

/** What the anonymous composer is doing: writing a new card, or changing one of ours. */
export type ComposerTask =
  | { readonly mode: 'new'; readonly kind: ContributionKind }
  | { readonly mode: 'edit'; readonly kind: ContributionKind; readonly cardId: string; readonly text: string }

interface ContributionUiState {
  readonly postAnonymously: boolean
  readonly composer: ComposerTask | null
  setPostAnonymously(postAnonymously: boolean): void
  openComposer(task: ComposerTask): void
  closeComposer(): void
}

export const useContributionUi = create<ContributionUiState>()((set) => ({
  postAnonymously: false,
  composer: null,
  setPostAnonymously: (postAnonymously) => set({ postAnonymously }),
  openComposer: (composer) => set({ composer }),
  closeComposer: () => set({ composer: null }),
}))

/**
 * Where a new card goes: centred in the viewport if that spot is free, else the nearest free spot
 * (shared/board/freeSpace.ts), a link's length away from every shape, so new cards never hide
 * earlier ones or touch them.
 */
function placementAtViewportCentre(editor: Editor): { x: number; y: number } {
  const existing = [...editor.getCurrentPageShapeIds()]
    .map((id) => editor.getShapePageBounds(id))
    .filter((bounds) => bounds !== undefined)
    .map((bounds) => ({ x: bounds.x, y: bounds.y, w: bounds.w, h: bounds.h }))
  return findFreeSpot(CONTRIBUTION_DEFAULT_SIZE, existing, editor.getViewportPageBounds().center, FREE_SPACE_GAP)
}

export function startEditingCard(editor: Editor, shapeId: TLShapeId): void {
  const shape = editor.getShape(shapeId)
  if (!shape || !editor.canEditShape(shape)) return
  editor.select(shapeId)
  editor.setEditingShape(shapeId)
  editor.setCurrentTool('select.editing_shape', { target: 'shape', shape })
}

/**
 * Adds a card of `kind` by this person at the viewport centre and starts editing its text; left
 * without a word, it goes again (discardIfLeftEmpty).
 */
export function addCard(editor: Editor, board: BoardContextValue, kind: ContributionKind): TLShapeId | null {
  const placed = placeCard(editor, board, kind, '')
  if (!placed) return null
  startEditingCard(editor, placed.shapeId)
  discardIfLeftEmpty(editor, board, placed.shapeId, placed.cardId, placed.mark)
  return placed.shapeId
}

/** Adds a card of `kind` with `text` already written, at the viewport centre (the outline's way). */
export function addWrittenCard(editor: Editor, board: BoardContextValue, kind: ContributionKind, text: string): TLShapeId | null {
  return placeCard(editor, board, kind, text)?.shapeId ?? null
}

function placeCard(
  editor: Editor,
  board: BoardContextValue,
  kind: ContributionKind,
  text: string,
): { shapeId: TLShapeId; cardId: string; mark: string } | null {
  if (!board.canEdit || editor.getIsReadonly()) return null
  const cardId = newCardId()
  const shapeId = createShapeId()
  const { x, y } = placementAtViewportCentre(editor)
  const mark = editor.markHistoryStoppingPoint('add contribution')
  // The card first: the shape's side effect gives a shape without a card a fresh one.
  createCard(board.canvasDoc, { id: cardId, kind, text, author: board.getMe(), anonymous: false, now: Date.now() })
  editor.createShape({ id: shapeId, type: CONTRIBUTION_SHAPE_TYPE, x, y, props: { ...CONTRIBUTION_DEFAULT_SIZE, cardId } })
  return { shapeId, cardId, mark }
}

/**
 * A card added from the palette or a shortcut and left without a word (Escape, Enter, a click
 * elsewhere) is taken off the board again, and out of the undo history: an empty card says nothing.
 */
function discardIfLeftEmpty(editor: Editor, board: BoardContextValue, shapeId: TLShapeId, cardId: string, mark: string): void {
  const stop = editor.sideEffects.registerAfterChangeHandler('instance_page_state', (previous, next) => {
    if (previous.editingShapeId !== shapeId || next.editingShapeId === shapeId) return
    stop()
    if ((getCardText(board.canvasDoc, cardId)?.length ?? 0) > 0 || !editor.getShape(shapeId)) return
    queueMicrotask(() => {
      editor.bailToMark(mark)
      if (editor.getShape(shapeId)) editor.deleteShapes([shapeId])
      removeCard(board.canvasDoc, cardId)
    })
  })
}

/**
 * Asks the server to add an anonymous card at the viewport centre. The card is not selected
 * afterwards: this person's selection is visible to everyone and would point at them.
 */
export async function addAnonymousCard(editor: Editor, board: BoardContextValue, kind: ContributionKind, text: string): Promise<void> {
  const { x, y } = placementAtViewportCentre(editor)
  const pageId = editor.getCurrentPageId()
  const shape: AnonymousShapePlacement = {
    id: createShapeId(),
    parentId: pageId,
    index: editor.getHighestIndexForParent(pageId),
    x,
    y,
    ...CONTRIBUTION_DEFAULT_SIZE,
  }
  await postAnonymousCard(board.boardId, board.token, { kind, text, shape })
}

/** Chooses a kind: a named card is added at once; an anonymous one is first written in the composer. */
export function chooseKind(editor: Editor, board: BoardContextValue, kind: ContributionKind): void {
  if (!board.canEdit) return
  if (useContributionUi.getState().postAnonymously) useContributionUi.getState().openComposer({ mode: 'new', kind })
  else addCard(editor, board, kind)
}

const KIND_BY_SHORTCUT = new Map(CONTRIBUTION_KINDS.map((kind) => [CONTRIBUTION_KIND_INFO[kind].shortcut, kind]))

/**
 * The kind a key press chooses: a bare 1–6, never with Shift, Ctrl, Alt or Meta (on layouts
 * where a digit needs Shift, Shift+1 still reports "1", and it is tldraw's "zoom to fit").
 */
export function kindForShortcut(event: KeyboardEvent): ContributionKind | null {
  if (event.repeat || event.shiftKey || event.ctrlKey || event.metaKey || event.altKey || event.isComposing) return null
  return KIND_BY_SHORTCUT.get(event.key) ?? null
}

/** Whether a key press belongs to a text field (as tldraw decides for its own shortcuts). */
export function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false
  if (target.isContentEditable || target.tagName === 'SELECT') return true
  if (target.tagName === 'TEXTAREA') return !(target as HTMLTextAreaElement).readOnly
  if (target.tagName === 'INPUT') {
    const input = target as HTMLInputElement
    return !['checkbox', 'radio', 'range', 'button', 'file', 'reset', 'submit', 'color'].includes(input.type) && !input.readOnly
  }
  return false
}

/** Keys 1–6 add a card of the kind with that shortcut. Returns the clean-up. */
export function registerKindShortcuts(editor: Editor, board: BoardContextValue): () => void {
  const body = editor.getContainer().ownerDocument.body
  const onKeyDown = (event: KeyboardEvent) => {
    const kind = kindForShortcut(event)
    if (!kind) return
    if (isTyping(event.target) || !editor.getInstanceState().isFocused) return
    if (editor.getEditingShapeId() !== null || editor.menus.hasAnyOpenMenus() || editor.getIsReadonly()) return
    if (!board.permissions.may('add-cards')) return
    event.preventDefault()
    chooseKind(editor, board, kind)
  }
  body.addEventListener('keydown', onKeyDown)
  return () => body.removeEventListener('keydown', onKeyDown)
}
