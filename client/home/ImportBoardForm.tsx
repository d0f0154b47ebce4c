/**
 * Importing a file into a new board: a board file (.json, from an export) becomes the board it
 * was; a list of cards (.txt, one a line) or a CSV (a `text` column, optional `kind` and
 * `author`) becomes cards in a grid on a new board with the title and problem of the form above.
 * The server checks all of the file before it makes anything, and its refusal (which names the
 * line) is shown as it said it.
 */
import { useId, useRef, useState, type FormEvent } from 'react'
import { z } from 'zod'
import { ApiError } from '../api/apiRequest'
import type { CreatedBoard } from '../api/boardsApi'
import { importBoardFile, importKind } from '../api/exchangeApi'
import { validateBoardForm } from './boardForm'

export interface ImportBoardFormProps {
  /** The title and problem typed in the form above, for cards from a list. */
  board: { title: string; problem: string }
  onCreated(board: CreatedBoard, title: string): void
}

/** The title a board file carries (the server took the file, so it is one), or the file's name. */
async function boardFileTitle(file: File): Promise<string> {
  const parsed = BoardFileTitle.safeParse(
    await file.text().then(
      (text) => JSON.parse(text) as unknown,
      () => null,
    ),
  )
  return parsed.success ? parsed.data.board.title : file.name.replace(/\.json$/i, '')
}

const BoardFileTitle = z.object({ board: z.object({ title: z.string() }) })

export function ImportBoardForm({ board, onCreated }: ImportBoardFormProps) {
  const fieldId = useId()
  const fileRef = useRef<HTMLInputElement>(null)
  const [file, setFile] = useState<File | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  async function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault()
    if (busy) return
    setError(null)
    if (!file) {
      setError('Choose a file to import.')
      return fileRef.current?.focus()
    }
    const kind = importKind(file.name)
    if (!kind) {
      setError('Import a board file (.json), a CSV (.csv) or a list of cards (.txt).')
      return fileRef.current?.focus()
    }
    if (kind !== 'board') {
      const found = validateBoardForm(board)
      if (found.title || found.problem) {
        setError('Cards from a list go on a new board: give it a title and a problem statement above first.')
        return
      }
    }
    setBusy(true)
    try {
      const created = await importBoardFile(file, kind, { title: board.title.trim(), problem: board.problem.trim() })
      onCreated(created, kind === 'board' ? await boardFileTitle(file) : board.title.trim())
    } catch (caught) {
      setError(
        caught instanceof ApiError
          ? caught.kind === 'network'
            ? 'The server could not be reached. Check your connection and try again.'
            : `${file.name}: ${caught.message}`
          : 'Something went wrong. Please try again.',
      )
    } finally {
      setBusy(false)
    }
  }

  return (
    <form className="tt-import-form" onSubmit={handleSubmit} noValidate aria-labelledby={`${fieldId}-heading`} data-testid="import-board-form">
      <h2 id={`${fieldId}-heading`} className="tt-create-form__heading">
        Import a board
      </h2>
      <div className="tt-field">
        <label className="tt-field__label" htmlFor={`${fieldId}-file`}>
          File
        </label>
        <span id={`${fieldId}-hint`} className="tt-field__hint">
          A board file (.json) from an export opens as the board it was. A list (.txt, one card a line) or a CSV (a “text” column, and “kind” and “author” if
          you like) becomes cards on a new board with the title and problem above.
        </span>
        <input
          ref={fileRef}
          id={`${fieldId}-file`}
          className="tt-input tt-import-form__file"
          type="file"
          accept=".json,.csv,.txt,application/json,text/csv,text/plain"
          aria-describedby={`${fieldId}-hint`}
          onChange={(event) => setFile(event.target.files?.[0] ?? null)}
          data-testid="import-board-file"
        />
      </div>
      {error && (
        <p className="tt-create-form__submit-error" role="alert" data-testid="import-board-error">
          {error}
        </p>
      )}
      <div className="tt-create-form__actions">
        <button type="submit" className="tt-button" disabled={busy} data-testid="import-board-submit">
          {busy ? 'Importing…' : 'Import'}
        </button>
      </div>
    </form>
  )
}
