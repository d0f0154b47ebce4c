/**
 * The palette members add cards from, at the left edge of the canvas: one button per kind (with
 * its shortcut key), and the "Post anonymously" switch. With the switch on, choosing a kind opens
 * the anonymous composer, where the text is written before the server posts the card; the same
 * composer changes the text of one's own anonymous card later.
 */
import { useEffect, useRef, useState, type CSSProperties } from 'react'
import { useEditor } from 'tldraw'
import { CONTRIBUTION_KINDS, CONTRIBUTION_KIND_INFO, MAX_CARD_TEXT_LENGTH } from '../../shared/board/vocabulary'
import { useBoardContext } from '../board/boardContext'
import { ApiError } from '../api/apiRequest'
import { editAnonymousCardText } from './anonymousCards'
import { addAnonymousCard, chooseKind, useContributionUi, type ComposerTask } from './cardCreation'
import { KIND_ACCENT, addCardLabel } from './kindStyle'

export function ContributionPalette() {
  const board = useBoardContext()
  const editor = useEditor()
  const postAnonymously = useContributionUi((state) => state.postAnonymously)
  const setPostAnonymously = useContributionUi((state) => state.setPostAnonymously)
  const composer = useContributionUi((state) => state.composer)

  return (
    <div className="tt-palette-zone">
      <nav className="tt-palette" aria-label="Add a contribution" data-testid="contribution-palette" onPointerDown={(e) => e.stopPropagation()}>
        <div className="tt-palette__title" aria-hidden>
          Add a card
        </div>
        {CONTRIBUTION_KINDS.map((kind) => {
          const { label, hint, shortcut } = CONTRIBUTION_KIND_INFO[kind]
          return (
            <button
              key={kind}
              type="button"
              className="tt-palette__kind"
              style={{ '--tt-kind': KIND_ACCENT[kind] } as CSSProperties}
              aria-label={postAnonymously ? `${addCardLabel(kind)} anonymously` : addCardLabel(kind)}
              aria-keyshortcuts={shortcut}
              title={`${hint} (${shortcut})`}
              data-testid={`add-card-${kind}`}
              onClick={() => chooseKind(editor, board, kind)}
            >
              <span className="tt-palette__swatch" aria-hidden />
              <span className="tt-palette__label">{label}</span>
              {/* The key is drawn by CSS, so the button's visible text stays part of its name. */}
              <kbd className="tt-palette__key" data-key={shortcut} aria-hidden />
            </button>
          )
        })}
        <label className="tt-palette__anonymous" title="Others see “Anonymous”; you can claim the card later">
          <input
            type="checkbox"
            role="switch"
            checked={postAnonymously}
            onChange={(event) => setPostAnonymously(event.target.checked)}
            data-testid="post-anonymously"
          />
          <span className="tt-palette__switch" aria-hidden />
          <span>Post anonymously</span>
        </label>
      </nav>
      {composer && <AnonymousComposer key={composer.mode === 'edit' ? composer.cardId : `new-${composer.kind}`} task={composer} />}
    </div>
  )
}

function AnonymousComposer({ task }: { task: ComposerTask }) {
  const board = useBoardContext()
  const editor = useEditor()
  const close = useContributionUi((state) => state.closeComposer)
  const [text, setText] = useState(task.mode === 'edit' ? task.text : '')
  const [isSending, setSending] = useState(false)
  const [problem, setProblem] = useState<string | null>(null)
  const panelRef = useRef<HTMLDivElement>(null)
  const textareaRef = useRef<HTMLTextAreaElement>(null)
  const { label, hint } = CONTRIBUTION_KIND_INFO[task.kind]

  const submit = async () => {
    if (isSending) return
    setSending(true)
    setProblem(null)
    try {
      if (task.mode === 'new') {
        await addAnonymousCard(editor, board, task.kind, text)
        // One anonymous card at a time: the next one is named unless its author switches again.
        useContributionUi.getState().setPostAnonymously(false)
      } else await editAnonymousCardText(board.boardId, board.token, task.cardId, text)
      close()
    } catch (error) {
      setProblem(error instanceof ApiError ? error.message : 'The card could not be sent.')
      setSending(false)
    }
  }
  const submitRef = useRef(submit)
  submitRef.current = submit

  useEffect(() => {
    const textarea = textareaRef.current
    textarea?.focus()
    textarea?.setSelectionRange(textarea.value.length, textarea.value.length)
    // Our own key handling, before tldraw's (which listens on its container and would move the
    // selected shapes with the arrow keys, or take Escape for itself).
    const panel = panelRef.current
    if (!panel) return
    const onKey = (event: KeyboardEvent) => {
      event.stopPropagation()
      if (event.type !== 'keydown') return
      if (event.key === 'Escape') {
        event.preventDefault()
        close()
        editor.focus()
      } else if (event.key === 'Enter' && !event.shiftKey && !event.isComposing && event.target === textareaRef.current) {
        event.preventDefault()
        void submitRef.current()
      }
    }
    panel.addEventListener('keydown', onKey)
    panel.addEventListener('keyup', onKey)
    return () => {
      panel.removeEventListener('keydown', onKey)
      panel.removeEventListener('keyup', onKey)
    }
  }, [close, editor])

  const title = task.mode === 'new' ? `Anonymous ${label.toLowerCase()}` : `Your anonymous ${label.toLowerCase()}`
  return (
    <div
      ref={panelRef}
      className="tt-composer"
      role="dialog"
      aria-label={title}
      data-testid="anonymous-composer"
      style={{ '--tt-kind': KIND_ACCENT[task.kind] } as CSSProperties}
      onPointerDown={(e) => e.stopPropagation()}
    >
      <div className="tt-composer__title">{title}</div>
      <textarea
        ref={textareaRef}
        className="tt-composer__text"
        aria-label={`Text of your anonymous ${label.toLowerCase()} card`}
        placeholder={`${hint}…`}
        value={text}
        maxLength={MAX_CARD_TEXT_LENGTH}
        rows={4}
        onChange={(event) => setText(event.target.value)}
        data-testid="anonymous-composer-text"
      />
      <p className="tt-composer__note">{task.mode === 'new' ? 'Others will see “Anonymous”. You can claim it later.' : 'Others still see “Anonymous”.'}</p>
      {problem && (
        <p className="tt-composer__problem" role="alert">
          {problem}
        </p>
      )}
      <div className="tt-composer__actions">
        <button
          type="button"
          className="tt-composer__button"
          onClick={() => {
            close()
            editor.focus()
          }}
        >
          Cancel
        </button>
        <button
          type="button"
          className="tt-composer__button tt-composer__button--primary"
          disabled={isSending}
          onClick={() => void submit()}
          data-testid="anonymous-composer-submit"
        >
          {task.mode === 'new' ? 'Post anonymously' : 'Save'}
        </button>
      </div>
    </div>
  )
}
