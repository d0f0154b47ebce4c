/**
 * The Find tab: search card and reply text, filter by kind, author, "has an open thread" and
 * "no responses yet". The canvas hides cards that do not match (and links to them) while a filter
 * is set; the results are listed here, and choosing one brings it into view.
 */
import { useId, useMemo } from 'react'
import { useValue } from 'tldraw'
import { CONTRIBUTION_KINDS, CONTRIBUTION_KIND_INFO, type ContributionKind } from '../../shared/board/vocabulary'
import { bringShapeIntoView, shapeIdForAnchor } from './anchors'
import { ANONYMOUS_AUTHOR, findResults, isFilterActive } from './canvasFilter'
import { useSnapshot } from './hooks'
import { anchorLabel } from './labels'
import { canvasFilter, clearFilter, updateFilter, type ConversationSession } from './session'

const RESULTS_SHOWN = 100

export function FindTab({ session }: { session: ConversationSession }) {
  const { editor, cardShapes } = session
  const id = useId()
  const filter = useValue('canvas filter', () => canvasFilter.get(), [])
  const snapshot = useSnapshot(session)
  const found = useMemo(() => findResults(snapshot, filter, RESULTS_SHOWN), [snapshot, filter])
  const active = isFilterActive(filter)

  const authors = useMemo(() => {
    const byId = new Map<string, string>()
    for (const member of snapshot.members) byId.set(member.id, member.name)
    let hasAnonymous = false
    for (const card of snapshot.cards.values()) {
      if (card.author && !card.anonymous) byId.set(card.author.id, card.author.name)
      else hasAnonymous = true
    }
    const people = [...byId].sort((a, b) => a[1].localeCompare(b[1]))
    return { people, hasAnonymous }
  }, [snapshot.members, snapshot.cards])

  const toggleKind = (kind: ContributionKind) =>
    updateFilter({ kinds: filter.kinds.includes(kind) ? filter.kinds.filter((k) => k !== kind) : [...filter.kinds, kind] })

  const show = (targetId: string) => {
    const shapeId = shapeIdForAnchor(editor, cardShapes, targetId)
    if (shapeId) bringShapeIntoView(editor, shapeId, { select: true })
  }

  return (
    <div className="tt-conversation__section">
      <input
        type="search"
        className="tt-conversation__input"
        aria-label="Search cards and replies"
        placeholder="Search cards and replies"
        value={filter.query}
        onChange={(event) => updateFilter({ query: event.target.value })}
        onKeyDown={(event) => {
          if (event.key === 'Escape') event.stopPropagation()
        }}
        data-testid="find-query"
      />
      <fieldset className="tt-find__group">
        <legend className="tt-find__legend">Kind</legend>
        <div className="tt-find__chips">
          {CONTRIBUTION_KINDS.map((kind) => (
            <button
              key={kind}
              type="button"
              className="tt-find__chip"
              aria-pressed={filter.kinds.includes(kind)}
              onClick={() => toggleKind(kind)}
              data-testid={`find-kind-${kind}`}
            >
              {CONTRIBUTION_KIND_INFO[kind].label}
            </button>
          ))}
        </div>
      </fieldset>
      <div className="tt-find__row">
        <label className="tt-find__legend" htmlFor={`${id}-author`}>
          Author
        </label>
        <select
          id={`${id}-author`}
          className="tt-conversation__select"
          value={filter.authorId ?? ''}
          onChange={(event) => updateFilter({ authorId: event.target.value || null })}
          data-testid="find-author"
        >
          <option value="">Anyone</option>
          {authors.people.map(([personId, name]) => (
            <option key={personId} value={personId}>
              {name}
            </option>
          ))}
          {authors.hasAnonymous && <option value={ANONYMOUS_AUTHOR}>Anonymous</option>}
        </select>
      </div>
      <div className="tt-find__checks">
        <label className="tt-find__check">
          <input
            type="checkbox"
            checked={filter.hasOpenThread}
            onChange={(event) => updateFilter({ hasOpenThread: event.target.checked })}
            data-testid="find-open-thread"
          />
          Has an open thread
        </label>
        <label className="tt-find__check">
          <input
            type="checkbox"
            checked={filter.noResponses}
            onChange={(event) => updateFilter({ noResponses: event.target.checked })}
            data-testid="find-no-responses"
          />
          No responses yet
        </label>
      </div>
      {active && (
        <div className="tt-conversation__toolbar">
          <span className="tt-conversation__muted" role="status" data-testid="find-count">
            {found.total === 0 ? 'Nothing matches.' : `${found.total} ${found.total === 1 ? 'match' : 'matches'}; other cards are hidden.`}
          </span>
          <button type="button" className="tt-conversation__button" onClick={clearFilter} data-testid="find-clear">
            Clear filters
          </button>
        </div>
      )}
      <ul className="tt-conversation__list" aria-label="Results" data-testid="find-results">
        {found.results.map((result) => {
          const label = anchorLabel(editor, result.targetId, snapshot.cards)
          return (
            <li key={result.targetId}>
              <button
                type="button"
                className="tt-conversation__item"
                onClick={() => show(result.targetId)}
                data-testid="find-result"
                data-target-id={result.targetId}
              >
                <span className="tt-conversation__item-title">
                  <span className="tt-conversation__kind">{label.kind}</span>{' '}
                  {result.card?.author && !result.card.anonymous ? result.card.author.name : result.card ? 'Anonymous' : label.text}
                </span>
                <span className="tt-conversation__item-detail">
                  {result.place === 'reply' && <span className="tt-conversation__muted">In a reply: </span>}
                  {result.excerpt || '(no text yet)'}
                </span>
                {result.replyCount > 0 && (
                  <span className="tt-conversation__muted">
                    {result.replyCount} {result.replyCount === 1 ? 'reply' : 'replies'}
                  </span>
                )}
              </button>
            </li>
          )
        })}
      </ul>
      {found.total > found.results.length && (
        <p className="tt-conversation__muted">
          Showing the {found.results.length} most recent of {found.total}. Narrow the search to see others.
        </p>
      )}
    </div>
  )
}
