/**
 * Adding a card: at the centre of the viewport, straight into text editing (named cards), or
 * through the anonymous composer (anonymous cards, which the server inserts). Also the keyboard
 * shortcuts 1–6 that choose the kind, mirroring tldraw's rules for when a shortcut applies.
 */
import { membersMay } from '../../shared/board/facilitation'
import { createShapeId, type Editor, type TLShapeId } from 'tldraw'
import { create } from 'zustand'
import { createCard, newCardId } from '../../shared/board/boardModel'
import { CONTRIBUTION_DEFAULT_SIZE, CONTRIBUTION_SHAPE_TYPE } from '../../shared/board/contributionShape'
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
 * on a grid of card-sized cells around it, so new cards never hide earlier ones.
 */
function placementAtViewportCentre(editor: Editor): { x: number; y: number } {
  const centre = editor.getViewportPageBounds().center
  const { w, h } = CONTRIBUTION_DEFAULT_SIZE
  const gap = 16
  const occupied = [...editor.getCurrentPageShapeIds()]
    .map((id) => editor.getShapePageBounds(id))
    .filter((bounds) => bounds !== undefined)
  const isFree = (x: number, y: number) =>
    !occupied.some((b) => x < b.maxX + gap && x + w + gap > b.minX && y < b.maxY + gap && y + h + gap > b.minY)
  const origin = { x: Math.round(centre.x - w / 2), y: Math.round(centre.y - h / 2) }
  for (let ring = 0; ring <= 6; ring++) {
    const candidates: Array<{ x: number; y: number }> = []
    for (let col = -ring; col <= ring; col++) {
      for (let row = -ring; row <= ring; row++) {
        if (Math.max(Math.abs(col), Math.abs(row)) !== ring) continue
        candidates.push({ x: origin.x + col * (w + gap), y: origin.y + row * (h + gap) })
      }
    }
    candidates.sort((a, b) => Math.hypot(a.x - origin.x, a.y - origin.y) - Math.hypot(b.x - origin.x, b.y - origin.y))
    const free = candidates.find(({ x, y }) => isFree(x, y))
    if (free) return free
  }
  return origin
}

export function startEditingCard(editor: Editor, shapeId: TLShapeId): void {
  const shape = editor.getShape(shapeId)
  if (!shape || !editor.canEditShape(shape)) return
  editor.select(shapeId)
  editor.setEditingShape(shapeId)
  editor.setCurrentTool('select.editing_shape', { target: 'shape', shape })
}

/** Adds a card of `kind` by this person at the viewport centre and starts editing its text. */
export function addCard(editor: Editor, board: BoardContextValue, kind: ContributionKind): TLShapeId | null {
  if (!board.canEdit || editor.getIsReadonly()) return null
  const cardId = newCardId()
  const shapeId = createShapeId()
  const { x, y } = placementAtViewportCentre(editor)
  editor.markHistoryStoppingPoint('add contribution')
  // The card first: the shape's side effect gives a shape without a card a fresh one.
  createCard(board.doc, { id: cardId, kind, text: '', author: board.getMe(), anonymous: false, now: Date.now() })
  editor.createShape({ id: shapeId, type: CONTRIBUTION_SHAPE_TYPE, x, y, props: { ...CONTRIBUTION_DEFAULT_SIZE, cardId } })
  startEditingCard(editor, shapeId)
  return shapeId
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

/** Whether a key press belongs to a text field (as tldraw decides for its own shortcuts). */
function isTyping(target: EventTarget | null): boolean {
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
    const kind = KIND_BY_SHORTCUT.get(event.key)
    if (!kind || event.repeat || event.ctrlKey || event.metaKey || event.altKey || event.isComposing) return
    if (isTyping(event.target) || !editor.getInstanceState().isFocused) return
    if (editor.getEditingShapeId() !== null || editor.menus.hasAnyOpenMenus() || editor.getIsReadonly()) return
    if (board.role === 'member' && !membersMay(board.controlDoc, 'add-cards')) return
    event.preventDefault()
    chooseKind(editor, board, kind)
  }
  body.addEventListener('keydown', onKeyDown)
  return () => body.removeEventListener('keydown', onKeyDown)
}
