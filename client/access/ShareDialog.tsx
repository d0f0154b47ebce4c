/**
 * The facilitator's "Share" dialog: the board's three links as the server signs them now, each
 * to copy, each with "Replace link…" (an optional expiry, then the new link to copy; the old one,
 * and everyone's session opened with it, ends at once), and "Delete board…". A modal <dialog>:
 * focus moves in, Escape closes it, the board behind is inert.
 */
import { useCallback, useEffect, useId, useRef, useState } from 'react'
import { LINK_EXPIRY_DAYS } from '../../shared/api/links'
import type { BoardRole } from '../../shared/board/roles'
import { ApiError } from '../api/apiRequest'
import { fetchBoardLinks, replaceBoardLink, type CurrentLinks } from '../api/linksApi'
import { rememberAccess } from '../board/boardAccess'
import { CopyField } from './CopyField'
import { DeleteBoardDialog } from './DeleteBoardDialog'
import './access.css'

const ROLES: ReadonlyArray<{ role: BoardRole; label: string; who: string }> = [
  { role: 'member', label: 'Member link', who: 'people thinking together' },
  { role: 'observer', label: 'Observer link', who: 'people who watch' },
  { role: 'facilitator', label: 'Facilitator link', who: 'whoever runs the session; keep it to yourself' },
]

const EXPIRY_LABELS: Record<string, string> = { never: 'Never', 1: '1 day', 7: '7 days', 30: '30 days' }

function expiryText(expiresAt: number | null): string {
  if (expiresAt === null) return 'Does not expire.'
  const when = new Date(expiresAt).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' })
  return expiresAt <= Date.now() ? `Expired ${when}.` : `Expires ${when}.`
}

export interface ShareDialogProps {
  readonly boardId: string
  readonly token: string
  readonly title: string
  onClose(): void
}

export function ShareDialog({ boardId, token, title, onClose }: ShareDialogProps) {
  const dialogRef = useRef<HTMLDialogElement>(null)
  const headingId = useId()
  const [links, setLinks] = useState<CurrentLinks | null>(null)
  const [loadError, setLoadError] = useState<string | null>(null)
  const [deleting, setDeleting] = useState(false)

  useEffect(() => {
    const dialog = dialogRef.current
    if (dialog && !dialog.open) dialog.showModal()
    return () => dialog?.close()
  }, [])

  useEffect(() => {
    let current = true
    fetchBoardLinks(boardId, token).then(
      (answer) => current && setLinks(answer),
      (error: unknown) => current && setLoadError(error instanceof ApiError ? error.message : 'The links could not be loaded.'),
    )
    return () => {
      current = false
    }
  }, [boardId, token])

  const replaced = useCallback((role: BoardRole, link: string, expiresAt: number | null) => {
    setLinks((previous) => (previous ? { ...previous, [role]: { link, expiresAt } } : previous))
  }, [])

  if (deleting) return <DeleteBoardDialog boardId={boardId} token={token} title={title} onCancel={() => setDeleting(false)} />

  return (
    <dialog ref={dialogRef} className="tt-access-dialog" aria-labelledby={headingId} onCancel={onClose} data-testid="share-dialog">
      <div className="tt-access-dialog__header">
        <h2 id={headingId} className="tt-access-dialog__title">
          Share this board
        </h2>
        <button type="button" className="tt-access-dialog__close" onClick={onClose} aria-label="Close">
          ×
        </button>
      </div>
      <p className="tt-access-dialog__intro">Anyone with a link joins with that link’s role. Replace a link to withdraw it from everyone who has it.</p>
      {loadError && (
        <p className="tt-field__error" role="alert">
          {loadError}
        </p>
      )}
      {!links && !loadError && <p className="tt-access-dialog__intro">Loading the links…</p>}
      {links && (
        <ul className="tt-access-links">
          {ROLES.map(({ role, label, who }) => (
            <li key={role} className="tt-access-links__item">
              <LinkRow boardId={boardId} token={token} role={role} label={label} who={who} current={links[role]} onReplaced={replaced} />
            </li>
          ))}
        </ul>
      )}
      <div className="tt-access-dialog__footer">
        <button type="button" className="tt-button tt-access-danger-link" onClick={() => setDeleting(true)} data-testid="delete-board-open">
          Delete board…
        </button>
        <button type="button" className="tt-button tt-button--secondary" onClick={onClose}>
          Done
        </button>
      </div>
    </dialog>
  )
}

interface LinkRowProps {
  readonly boardId: string
  readonly token: string
  readonly role: BoardRole
  readonly label: string
  readonly who: string
  readonly current: { link: string; expiresAt: number | null }
  onReplaced(role: BoardRole, link: string, expiresAt: number | null): void
}

function LinkRow({ boardId, token, role, label, who, current, onReplaced }: LinkRowProps) {
  const [stage, setStage] = useState<'shown' | 'confirming' | 'replacing' | 'replaced'>('shown')
  const [expiry, setExpiry] = useState<string>('never')
  const [error, setError] = useState<string | null>(null)
  const expiryId = useId()

  async function replace() {
    setStage('replacing')
    setError(null)
    try {
      const answer = await replaceBoardLink(boardId, token, role, expiry === 'never' ? null : Number(expiry))
      onReplaced(role, answer.link, answer.expiresAt)
      setStage('replaced')
      if (role === 'facilitator') {
        // This page's own link is the one replaced: it reopens with the new one.
        const newToken = new URL(answer.link).hash.replace('#token=', '')
        rememberAccess(boardId, { token: newToken, role: 'facilitator', title: null })
        window.setTimeout(() => window.location.reload(), 1500)
      }
    } catch (caught) {
      setError(caught instanceof ApiError ? caught.message : 'The link could not be replaced.')
      setStage('confirming')
    }
  }

  return (
    <div className="tt-access-link" data-role={role} data-testid={`share-link-${role}`}>
      <CopyField label={label} hint={`For ${who}. ${expiryText(current.expiresAt)}`} value={current.link} testId={`share-link-${role}-url`} />
      {stage === 'replaced' && (
        <p className="tt-access-link__done" role="status" data-testid={`share-link-${role}-replaced`}>
          {role === 'facilitator'
            ? 'Replaced. This page reopens with the new link in a moment.'
            : 'Replaced. The old link no longer works; copy the new one above and share it.'}
        </p>
      )}
      {stage === 'shown' || stage === 'replaced' ? (
        <button type="button" className="tt-access-link__replace" onClick={() => setStage('confirming')} data-testid={`share-link-${role}-replace`}>
          Replace link…
        </button>
      ) : (
        <div className="tt-access-confirm" role="group" aria-label={`Replace the ${label.toLowerCase()}`}>
          <p className="tt-access-confirm__text">
            The current {label.toLowerCase()} stops working at once: everyone who joined with it is disconnected and needs the new link.
          </p>
          <div className="tt-access-confirm__row">
            <label htmlFor={expiryId} className="tt-field__label">
              New link expires
            </label>
            <select
              id={expiryId}
              className="tt-input tt-access-confirm__select"
              value={expiry}
              onChange={(event) => setExpiry(event.currentTarget.value)}
              data-testid={`share-link-${role}-expiry`}
            >
              {['never', ...LINK_EXPIRY_DAYS.map(String)].map((value) => (
                <option key={value} value={value}>
                  {EXPIRY_LABELS[value]}
                </option>
              ))}
            </select>
          </div>
          {error && (
            <p className="tt-field__error" role="alert">
              {error}
            </p>
          )}
          <div className="tt-access-confirm__actions">
            <button type="button" className="tt-button tt-button--secondary" onClick={() => setStage('shown')} disabled={stage === 'replacing'}>
              Cancel
            </button>
            <button
              type="button"
              className="tt-button tt-button--primary"
              onClick={replace}
              disabled={stage === 'replacing'}
              data-testid={`share-link-${role}-confirm`}
            >
              {stage === 'replacing' ? 'Replacing…' : 'Replace link'}
            </button>
          </div>
        </div>
      )}
    </div>
  )
}
