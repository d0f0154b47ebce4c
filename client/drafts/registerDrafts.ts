/**
 * The editor side of think-alone rounds, wired when the editor mounts: gets this browser's
 * personal token and opens the private drafts document, and while a round is open turns a
 * member's card shortcuts (keys 1–6) into drafts, so nothing they write reaches the shared canvas
 * before the reveal. The relay keeps the drafts document private; the server reveals.
 */
import type { Editor } from 'tldraw'
import * as Y from 'yjs'
import { CONTRIBUTION_DEFAULT_SIZE } from '../../shared/board/contributionShape'
import { createDraft, listDrafts, readThinkAloneRound } from '../../shared/board/drafts'
import { newCardId } from '../../shared/board/boardModel'
import { FACILITATION_MAP } from '../../shared/board/facilitation'
import { CONTRIBUTION_KINDS, CONTRIBUTION_KIND_INFO, type ContributionKind } from '../../shared/board/vocabulary'
import type { BoardContextValue } from '../board/boardContext'
import { openDraftsConnection, type DraftsConnection } from './draftsConnection'
import { draftPlacement, draftsForRound, personSlot } from './draftsModel'
import { useDraftsUi } from './draftsStore'
import { obtainPersonalToken } from '../board/personalToken'

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

const KIND_BY_SHORTCUT = new Map(CONTRIBUTION_KINDS.map((kind) => [CONTRIBUTION_KIND_INFO[kind].shortcut, kind]))

function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false
  if (target.isContentEditable || target.tagName === 'SELECT' || target.tagName === 'TEXTAREA') return true
  if (target.tagName !== 'INPUT') return false
  return !['checkbox', 'radio', 'range', 'button', 'file', 'reset', 'submit', 'color'].includes((target as HTMLInputElement).type)
}

export function registerDrafts(editor: Editor, board: BoardContextValue): () => void {
  if (!board.canEdit) return () => {}
  const ui = useDraftsUi.getState()
  const abort = new AbortController()
  let connection: DraftsConnection | null = null

  const connect = () => {
    if (connection || abort.signal.aborted) return
    obtainPersonalToken(board.boardId, board.token, board.role).then(
      (person) => {
        if (abort.signal.aborted || connection) return
        connection = openDraftsConnection(board.boardId, person)
        window.__thinkTogetherDrafts = { personId: connection.personId, doc: connection.doc, provider: connection.provider }
        ui.setProblem(null)
        ui.setConnection(connection)
      },
      () => {
        if (!abort.signal.aborted) ui.setProblem('Drafts open once this browser has been online on this board.')
      },
    )
  }
  connect()
  window.addEventListener('online', connect)

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
    const kind = KIND_BY_SHORTCUT.get(event.key)
    if (!kind || event.repeat || event.ctrlKey || event.metaKey || event.altKey || event.isComposing) return
    if (isTyping(event.target) || !editor.getInstanceState().isFocused) return
    if (editor.getEditingShapeId() !== null || editor.menus.hasAnyOpenMenus()) return
    event.preventDefault()
    event.stopPropagation()
    const drafts = useDraftsUi.getState().connection
    if (drafts) addDraft(editor, board, drafts, kind, useDraftsUi.getState().anonymous)
  }
  window.addEventListener('keydown', onKeyDown, true)

  return () => {
    abort.abort()
    window.removeEventListener('online', connect)
    window.removeEventListener('keydown', onKeyDown, true)
    facilitation.unobserve(markRound)
    container.removeAttribute(THINK_ALONE_ATTRIBUTE)
    if (connection) {
      if (window.__thinkTogetherDrafts?.doc === connection.doc) delete window.__thinkTogetherDrafts
      connection.close()
    }
    ui.setConnection(null)
    ui.setProblem(null)
  }
}
