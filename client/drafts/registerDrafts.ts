/**
 * The editor side of think-alone rounds, wired when the editor mounts: opens the private drafts
 * document with this person's personal token, and while a round is open turns a
 * member's card shortcuts (keys 1–6) into drafts, so nothing they write reaches the shared canvas
 * before the reveal. The relay keeps the drafts document private; the server reveals.
 */
import type { Editor } from 'tldraw'
import type * as Y from 'yjs'
import { CONTRIBUTION_DEFAULT_SIZE } from '../../shared/board/contributionShape'
import { createDraft, listDrafts, readThinkAloneRound } from '../../shared/board/drafts'
import { newCardId } from '../../shared/board/boardModel'
import { FACILITATION_MAP } from '../../shared/board/facilitation'
import type { ContributionKind } from '../../shared/board/vocabulary'
import type { BoardContextValue } from '../board/boardContext'
import { isTyping, kindForShortcut } from '../contributions/cardCreation'
import { openDraftsConnection, type DraftsConnection } from './draftsConnection'
import { draftPlacement, draftsForRound, personSlot } from './draftsModel'
import { useDraftsUi } from './draftsStore'

declare global {
  interface Window {
    /** For browser tests: this person's drafts document while a board is open. */
    __thinkTogetherDrafts?: { readonly personId: string; readonly doc: Y.Doc; readonly provider: DraftsConnection['provider'] }
  }
}

/** The attribute on tldraw's container that says a think-alone round is open (drafts.css hides the palette). */
export const THINK_ALONE_ATTRIBUTE = 'data-think-alone'

/** Adds an empty draft of `kind` placed around the viewport centre (see draftPlacement), and asks the panel to focus it. */
export function addDraft(editor: Editor, board: BoardContextValue, drafts: DraftsConnection, kind: ContributionKind, anonymous: boolean): string {
  const id = newCardId()
  const { doc } = drafts
  const pending = draftsForRound(listDrafts(doc), readThinkAloneRound(board.controlDoc)).filter((draft) => draft.revealedAt === null)
  const centre = editor.getViewportPageBounds().center
  const { x, y } = draftPlacement(centre, pending.length, CONTRIBUTION_DEFAULT_SIZE, personSlot(drafts.personId))
  createDraft(doc, {
    id,
    roundId: readThinkAloneRound(board.controlDoc)?.roundId ?? '',
    kind,
    text: '',
    anonymous,
    author: board.getMe(),
    now: Date.now(),
    parentId: editor.getCurrentPageId(),
    x,
    y,
    ...CONTRIBUTION_DEFAULT_SIZE,
  })
  useDraftsUi.getState().focusDraft(id)
  return id
}

export function registerDrafts(editor: Editor, board: BoardContextValue): () => void {
  if (!board.canEdit) return () => {}
  const ui = useDraftsUi.getState()
  const connection = openDraftsConnection(board.boardId, board.person)
  window.__thinkTogetherDrafts = { personId: connection.personId, doc: connection.doc, provider: connection.provider }
  ui.setConnection(connection)

  const isRoundOpen = () => readThinkAloneRound(board.controlDoc)?.status === 'open'
  const container = editor.getContainer()
  const facilitation = board.controlDoc.getMap(FACILITATION_MAP)
  const markRound = () => {
    if (board.role === 'member' && isRoundOpen()) container.setAttribute(THINK_ALONE_ATTRIBUTE, 'open')
    else container.removeAttribute(THINK_ALONE_ATTRIBUTE)
  }
  facilitation.observe(markRound)
  markRound()

  // A member's keys 1–6 add a draft instead of a card while the round is open. Listening in the
  // capture phase on the window runs before the card shortcut (on the body) and stops it.
  const onKeyDown = (event: KeyboardEvent) => {
    if (board.role !== 'member' || !isRoundOpen()) return
    const kind = kindForShortcut(event)
    if (!kind) return
    if (isTyping(event.target) || !editor.getInstanceState().isFocused) return
    if (editor.getEditingShapeId() !== null || editor.menus.hasAnyOpenMenus()) return
    event.preventDefault()
    event.stopPropagation()
    const drafts = useDraftsUi.getState().connection
    if (drafts) addDraft(editor, board, drafts, kind, useDraftsUi.getState().anonymous)
  }
  window.addEventListener('keydown', onKeyDown, true)

  return () => {
    window.removeEventListener('keydown', onKeyDown, true)
    facilitation.unobserve(markRound)
    container.removeAttribute(THINK_ALONE_ATTRIBUTE)
    if (window.__thinkTogetherDrafts?.doc === connection.doc) delete window.__thinkTogetherDrafts
    connection.close()
    ui.setConnection(null)
  }
}
