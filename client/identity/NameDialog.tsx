/**
 * Asks a first-time visitor for the name others will see next to their cursor and contributions,
 * and (optionally) a short line about their practice, shown in the members panel. A modal <dialog>: focus moves into it, the board behind is inert, Escape does not dismiss it
 * (a board needs to know who is there). Both are kept for next time (identity store); the practice line can be changed later in the
 * members panel.
 */
import { useEffect, useId, useRef, useState, type FormEvent } from 'react'
import { MAX_PRACTICE_LENGTH } from '../../shared/board/vocabulary'
import { MAX_DISPLAY_NAME_LENGTH } from './palette'
import { normalizeDisplayName, useIdentityStore } from '../state/identityStore'
import './nameDialog.css'

export interface NameDialogProps {
  /** The board being joined, to say so in the dialog. */
  readonly boardTitle: string
}

export function NameDialog({ boardTitle }: NameDialogProps) {
  const dialogRef = useRef<HTMLDialogElement>(null)
  const setName = useIdentityStore((state) => state.setName)
  const setPractice = useIdentityStore((state) => state.setPractice)
  const color = useIdentityStore((state) => state.color)
  const [draft, setDraft] = useState('')
  const [practiceDraft, setPracticeDraft] = useState(() => useIdentityStore.getState().practice)
  const [error, setError] = useState<string | null>(null)
  const id = useId()

  useEffect(() => {
    const dialog = dialogRef.current
    if (dialog && !dialog.open) dialog.showModal()
    return () => dialog?.close()
  }, [])

  function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault()
    const name = normalizeDisplayName(draft)
    if (!name) {
      setError('Enter the name others should see.')
      return
    }
    setPractice(practiceDraft)
    setName(name)
  }

  return (
    <dialog
      ref={dialogRef}
      className="tt-name-dialog"
      aria-labelledby={`${id}-title`}
      aria-describedby={`${id}-description`}
      onCancel={(event) => event.preventDefault()}
      data-testid="name-dialog"
    >
      <form method="dialog" onSubmit={handleSubmit} noValidate>
        <h2 id={`${id}-title`} className="tt-name-dialog__title">
          {boardTitle ? `Join “${boardTitle}”` : 'Join the board'}
        </h2>
        <p id={`${id}-description`} className="tt-name-dialog__description">
          Your name appears next to your cursor and on what you add, so others know whose thinking it is.
        </p>
        <div className="tt-field">
          <label className="tt-field__label" htmlFor={`${id}-name`}>
            Your name
          </label>
          <div className="tt-name-dialog__row">
            <span className="tt-name-dialog__swatch" style={{ backgroundColor: color }} aria-hidden="true" />
            <input
              id={`${id}-name`}
              className="tt-input"
              type="text"
              autoComplete="name"
              autoFocus
              maxLength={MAX_DISPLAY_NAME_LENGTH}
              value={draft}
              onChange={(event) => {
                setDraft(event.target.value)
                if (error) setError(null)
              }}
              aria-invalid={error ? true : undefined}
              aria-describedby={error ? `${id}-error` : undefined}
              data-testid="name-dialog-input"
            />
          </div>
          {error && (
            <span id={`${id}-error`} className="tt-field__error">
              {error}
            </span>
          )}
        </div>
        <div className="tt-field tt-name-dialog__practice">
          <label className="tt-field__label" htmlFor={`${id}-practice`}>
            Your practice <span className="tt-name-dialog__optional">(optional)</span>
          </label>
          <input
            id={`${id}-practice`}
            className="tt-input"
            type="text"
            maxLength={MAX_PRACTICE_LENGTH}
            placeholder="e.g. ward nurse, 8 years in acute care"
            value={practiceDraft}
            onChange={(event) => setPracticeDraft(event.target.value)}
            aria-describedby={`${id}-practice-hint`}
            data-testid="name-dialog-practice"
          />
          <span id={`${id}-practice-hint`} className="tt-field__hint">
            One line others see next to your name, so they know where your thinking comes from.
          </span>
        </div>
        <div className="tt-name-dialog__actions">
          <button type="submit" className="tt-button tt-button--primary" data-testid="name-dialog-submit">
            Join board
          </button>
        </div>
      </form>
    </dialog>
  )
}
