/**
 * The form that creates a board from a title, a problem statement and a template to start the
 * canvas from (TemplatePicker.tsx). Validates before sending,
 * puts each error next to its field (and moves focus to the first one), and reports server errors.
 * When the server needs its creation secret (GET /api/config, or a 401 that says so), the form
 * asks for it too and remembers it in this browser once it has worked (creationSecret.ts).
 */
import { useEffect, useId, useRef, useState, type FormEvent } from 'react'
import { MAX_PROBLEM_LENGTH, MAX_TITLE_LENGTH } from '../../shared/board/docLayout'
import { ApiError } from '../api/apiRequest'
import { createBoard, fetchClientConfig, type CreatedBoard } from '../api/boardsApi'
import { validateBoardForm, type BoardFormErrors } from './boardForm'
import { forgetCreationSecret, readCreationSecret, rememberCreationSecret } from './creationSecret'
import { TemplatePicker } from './TemplatePicker'

export interface CreateBoardFormProps {
  onCreated(board: CreatedBoard, title: string): void
  /** Told the title and problem as they are typed (an import of cards from a list uses them). */
  onDraftChange?(draft: { title: string; problem: string }): void
}

export function CreateBoardForm({ onCreated, onDraftChange }: CreateBoardFormProps) {
  const fieldId = useId()
  const titleRef = useRef<HTMLInputElement>(null)
  const problemRef = useRef<HTMLTextAreaElement>(null)
  const [title, setTitle] = useState('')
  const [problem, setProblem] = useState('')
  const [errors, setErrors] = useState<BoardFormErrors>({})
  const [submitError, setSubmitError] = useState<string | null>(null)
  const [isSubmitting, setIsSubmitting] = useState(false)
  const secretRef = useRef<HTMLInputElement>(null)
  const [needsSecret, setNeedsSecret] = useState(false)
  const [secret, setSecret] = useState(readCreationSecret)
  const [secretError, setSecretError] = useState<string | null>(null)

  useEffect(() => {
    let current = true
    fetchClientConfig().then(
      (config) => current && setNeedsSecret(config.boardCreationNeedsToken),
      // Unknown for now: a 401 on creating says so.
      () => undefined,
    )
    return () => {
      current = false
    }
  }, [])
  const [template, setTemplate] = useState('empty')

  async function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault()
    if (isSubmitting) return
    const found = validateBoardForm({ title, problem })
    setErrors(found)
    setSubmitError(null)
    setSecretError(null)
    if (found.title) return titleRef.current?.focus()
    if (found.problem) return problemRef.current?.focus()
    if (needsSecret && !secret.trim()) {
      setSecretError('Enter the creation secret your operator gave you.')
      return secretRef.current?.focus()
    }

    setIsSubmitting(true)
    try {
      const board = await createBoard({ title: title.trim(), problem: problem.trim(), template }, needsSecret ? secret.trim() : undefined)
      if (needsSecret) rememberCreationSecret(secret.trim())
      onCreated(board, title.trim())
    } catch (error) {
      if (error instanceof ApiError && error.kind === 'unauthorized') {
        forgetCreationSecret()
        setNeedsSecret(true)
        setSecretError(error.message)
        secretRef.current?.focus()
        return
      }
      setSubmitError(
        error instanceof ApiError
          ? error.kind === 'network'
            ? 'The server could not be reached. Check your connection and try again.'
            : error.message
          : 'Something went wrong. Please try again.',
      )
    } finally {
      setIsSubmitting(false)
    }
  }

  const titleHintId = `${fieldId}-title-hint`
  const titleErrorId = `${fieldId}-title-error`
  const problemHintId = `${fieldId}-problem-hint`
  const problemErrorId = `${fieldId}-problem-error`
  const problemLength = problem.trim().length

  return (
    <form className="tt-create-form" onSubmit={handleSubmit} noValidate aria-labelledby={`${fieldId}-heading`} data-testid="create-board-form">
      <h2 id={`${fieldId}-heading`} className="tt-create-form__heading">
        Start a board
      </h2>

      <div className="tt-field">
        <label className="tt-field__label" htmlFor={`${fieldId}-title`}>
          Title
        </label>
        <span id={titleHintId} className="tt-field__hint">
          A few words the group will recognise the board by.
        </span>
        <input
          ref={titleRef}
          id={`${fieldId}-title`}
          className="tt-input"
          name="title"
          type="text"
          autoComplete="off"
          autoFocus
          maxLength={MAX_TITLE_LENGTH}
          value={title}
          onChange={(event) => {
            setTitle(event.target.value)
            onDraftChange?.({ title: event.target.value, problem })
          }}
          aria-invalid={errors.title ? true : undefined}
          aria-describedby={errors.title ? `${titleHintId} ${titleErrorId}` : titleHintId}
          data-testid="create-board-title"
        />
        {errors.title && (
          <span id={titleErrorId} className="tt-field__error">
            {errors.title}
          </span>
        )}
      </div>

      <div className="tt-field">
        <label className="tt-field__label" htmlFor={`${fieldId}-problem`}>
          Problem statement
        </label>
        <span id={problemHintId} className="tt-field__hint">
          The shared problem, in your words. It stays pinned at the top of the board.
        </span>
        <textarea
          ref={problemRef}
          id={`${fieldId}-problem`}
          className="tt-input"
          name="problem"
          rows={6}
          maxLength={MAX_PROBLEM_LENGTH}
          value={problem}
          onChange={(event) => {
            setProblem(event.target.value)
            onDraftChange?.({ title, problem: event.target.value })
          }}
          aria-invalid={errors.problem ? true : undefined}
          aria-describedby={errors.problem ? `${problemHintId} ${problemErrorId}` : problemHintId}
          data-testid="create-board-problem"
        />
        <span className="tt-create-form__counter" aria-hidden="true">
          {problemLength} / {MAX_PROBLEM_LENGTH}
        </span>
        {errors.problem && (
          <span id={problemErrorId} className="tt-field__error">
            {errors.problem}
          </span>
        )}
      </div>

      {needsSecret && (
        <div className="tt-field">
          <label className="tt-field__label" htmlFor={`${fieldId}-secret`}>
            Creation secret
          </label>
          <span id={`${fieldId}-secret-hint`} className="tt-field__hint">
            This server lets only its own people start boards. Ask the operator for the secret; this browser remembers it.
          </span>
          <input
            ref={secretRef}
            id={`${fieldId}-secret`}
            className="tt-input"
            name="creation-secret"
            type="password"
            autoComplete="off"
            value={secret}
            onChange={(event) => setSecret(event.target.value)}
            aria-invalid={secretError ? true : undefined}
            aria-describedby={secretError ? `${fieldId}-secret-hint ${fieldId}-secret-error` : `${fieldId}-secret-hint`}
            data-testid="create-board-secret"
          />
          {secretError && (
            <span id={`${fieldId}-secret-error`} className="tt-field__error" data-testid="create-board-secret-error">
              {secretError}
            </span>
          )}
        </div>
      )}
      <TemplatePicker value={template} onChange={setTemplate} />

      {submitError && (
        <p className="tt-create-form__submit-error" role="alert" data-testid="create-board-error">
          {submitError}
        </p>
      )}

      <div className="tt-create-form__actions">
        <button type="submit" className="tt-button tt-button--primary" disabled={isSubmitting} data-testid="create-board-submit">
          {isSubmitting ? 'Creating…' : 'Create board'}
        </button>
      </div>
    </form>
  )
}
