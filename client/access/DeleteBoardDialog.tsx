/**
 * "Delete board…": the facilitator types the board's title to confirm, and the server removes the
 * board and everything on it; everyone on it, this page included, then sees "This board was
 * deleted." A modal <dialog>; Delete stays disabled until the title matches.
 */
import { useEffect, useId, useRef, useState, type FormEvent } from 'react'
import { ApiError } from '../api/apiRequest'
import { deleteBoard } from '../api/linksApi'
import './access.css'

export interface DeleteBoardDialogProps {
  readonly boardId: string
  readonly token: string
  readonly title: string
  onCancel(): void
}

export function DeleteBoardDialog({ boardId, token, title, onCancel }: DeleteBoardDialogProps) {
  const dialogRef = useRef<HTMLDialogElement>(null)
  const headingId = useId()
  const inputId = useId()
  const [typed, setTyped] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const matches = typed.trim() === title.trim() && title.trim() !== ''

  useEffect(() => {
    const dialog = dialogRef.current
    if (dialog && !dialog.open) dialog.showModal()
    return () => dialog?.close()
  }, [])

  async function submit(event: FormEvent) {
    event.preventDefault()
    if (!matches || busy) return
    setBusy(true)
    setError(null)
    try {
      await deleteBoard(boardId, token, typed)
    } catch (caught) {
      setError(caught instanceof ApiError ? caught.message : 'The board could not be deleted.')
      setBusy(false)
    }
  }

  return (
    <dialog
      ref={dialogRef}
      className="tt-access-dialog tt-access-dialog--narrow"
      aria-labelledby={headingId}
      onCancel={onCancel}
      data-testid="delete-board-dialog"
    >
      <form onSubmit={submit} noValidate>
        <h2 id={headingId} className="tt-access-dialog__title">
          Delete this board?
        </h2>
        <p className="tt-access-dialog__intro">
          Everything on it — cards, links, threads, drafts, votes, images and its members — is removed from the server, and its links stop working. This cannot
          be undone.
        </p>
        <label className="tt-field__label" htmlFor={inputId}>
          Type the board’s title to confirm: <strong className="tt-access-title">{title}</strong>
        </label>
        <input
          id={inputId}
          className="tt-input tt-access-dialog__input"
          type="text"
          value={typed}
          onChange={(event) => setTyped(event.currentTarget.value)}
          autoComplete="off"
          spellCheck={false}
          data-testid="delete-board-title"
        />
        {error && (
          <p className="tt-field__error" role="alert">
            {error}
          </p>
        )}
        <div className="tt-access-dialog__footer tt-access-dialog__footer--end">
          <button type="button" className="tt-button tt-button--secondary" onClick={onCancel} disabled={busy}>
            Cancel
          </button>
          <button type="submit" className="tt-button tt-access-danger" disabled={!matches || busy} data-testid="delete-board-confirm">
            {busy ? 'Deleting…' : 'Delete board'}
          </button>
        </div>
      </form>
    </dialog>
  )
}
