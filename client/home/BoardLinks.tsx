/**
 * The three links of a new board, one per role, each with a copy button and a line on what the
 * role can do, and a button to open the board as its facilitator.
 */
import { useEffect, useRef } from 'react'
import type { BoardRole } from '../../shared/board/roles'
import type { BoardLinks as BoardLinksValue } from '../api/boardsApi'
import { navigate } from '../app/navigation'
import { useCopyText } from '../access/CopyField'

const ROLE_LINKS: ReadonlyArray<{ role: BoardRole; label: string; description: string }> = [
  {
    role: 'facilitator',
    label: 'Facilitator link',
    description: 'Edits the board and guides the session. Keep this one for whoever runs it.',
  },
  {
    role: 'member',
    label: 'Member link',
    description: 'Adds, links and edits contributions. Share it with the people thinking together.',
  },
  {
    role: 'observer',
    label: 'Observer link',
    description: 'Follows the board live, but cannot change anything.',
  },
]

export interface BoardLinksProps {
  readonly title: string
  readonly links: BoardLinksValue
  onStartOver(): void
}

export function BoardLinks({ title, links, onStartOver }: BoardLinksProps) {
  const headingRef = useRef<HTMLHeadingElement>(null)
  useEffect(() => headingRef.current?.focus(), [])

  return (
    <section className="tt-board-links" aria-labelledby="tt-board-links-heading" data-testid="board-links">
      <h2 id="tt-board-links-heading" ref={headingRef} tabIndex={-1} className="tt-board-links__heading">
        “{title}” is ready
      </h2>
      <p className="tt-board-links__intro">Anyone with a link joins with that link’s role. Copy each link now and share it with the right people.</p>
      <ul className="tt-board-links__list">
        {ROLE_LINKS.map(({ role, label, description }) => (
          <li key={role} className="tt-board-links__item">
            <CopyableLink role={role} label={label} description={description} url={links[role]} />
          </li>
        ))}
      </ul>
      <div className="tt-board-links__actions">
        <button type="button" className="tt-button tt-button--primary" onClick={() => navigate(links.facilitator)} data-testid="open-board-as-facilitator">
          Open the board as facilitator
        </button>
        <button type="button" className="tt-button tt-button--secondary" onClick={onStartOver}>
          Start another board
        </button>
      </div>
    </section>
  )
}

function CopyableLink({ role, label, description, url }: { role: BoardRole; label: string; description: string; url: string }) {
  const { inputRef, copied, copy, status } = useCopyText(url, label)
  const inputId = `tt-board-link-${role}`
  const descriptionId = `${inputId}-description`

  return (
    <div className="tt-board-link" data-role={role}>
      <label className="tt-field__label" htmlFor={inputId}>
        {label}
      </label>
      <p id={descriptionId} className="tt-field__hint">
        {description}
      </p>
      <div className="tt-board-link__row">
        <input
          ref={inputRef}
          id={inputId}
          className="tt-input tt-board-link__url"
          type="text"
          readOnly
          value={url}
          onFocus={(event) => event.currentTarget.select()}
          aria-describedby={descriptionId}
          data-testid={`board-link-${role}`}
        />
        <button
          type="button"
          className="tt-button tt-button--secondary tt-board-link__copy"
          onClick={copy}
          aria-label={`Copy ${label.toLowerCase()}`}
          data-testid={`copy-link-${role}`}
        >
          {copied ? 'Copied' : 'Copy'}
        </button>
      </div>
      <span className="tt-visually-hidden" role="status">
        {status}
      </span>
    </div>
  )
}
