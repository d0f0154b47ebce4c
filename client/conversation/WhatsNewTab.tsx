/**
 * The What's new tab: what others added or changed since this person last looked, oldest first.
 * Previous and Next walk through it, moving the camera to each (a reply opens its thread, and the
 * bar above the palette, WhatsNewWalker.tsx, carries the walk on); "Mark all as seen" clears it.
 */
import { useValue } from 'tldraw'
import type { ChangeItem } from '../../shared/board/whatsNew'
import { formatExactTime, formatRelativeTime } from './formatTime'
import { useNow, useSnapshot } from './hooks'
import { changeExcerpt, describeChange } from './labels'
import type { ConversationSession } from './session'
import { showChange } from './showChange'

const ITEMS_SHOWN = 200

export function WhatsNewTab({ session }: { session: ConversationSession }) {
  const { whatsNew } = session
  const view = useValue('whats new view', () => whatsNew.view.get(), [whatsNew])
  const snapshot = useSnapshot(session)
  const now = useNow()

  const show = (item: ChangeItem | null) => showChange(session, item)

  const focusedIndex = view.items.findIndex((item) => item.key === view.focusedKey)

  return (
    <div className="tt-conversation__section">
      <p className="tt-conversation__summary" data-testid="whats-new-summary">
        {view.unseenCount === 0
          ? `Nothing new since you last looked (${formatRelativeTime(view.seenAt, now)}).`
          : `${view.unseenCount} new since you last looked (${formatRelativeTime(view.seenAt, now)}).`}
      </p>
      <div className="tt-conversation__toolbar">
        <button
          type="button"
          className="tt-conversation__button"
          onClick={() => show(whatsNew.step(-1))}
          disabled={view.items.length === 0 || focusedIndex === 0}
          data-testid="whats-new-previous"
        >
          ← Previous
        </button>
        <span className="tt-conversation__muted" aria-live="polite" data-testid="whats-new-position">
          {view.items.length === 0 ? '' : focusedIndex < 0 ? `${view.items.length} to see` : `${focusedIndex + 1} of ${view.items.length}`}
        </span>
        <button
          type="button"
          className="tt-conversation__button"
          onClick={() => show(whatsNew.step(1))}
          disabled={view.items.length === 0 || focusedIndex === view.items.length - 1}
          data-testid="whats-new-next"
        >
          Next →
        </button>
      </div>
      <ul className="tt-conversation__list" aria-label="What’s new" data-testid="whats-new-list">
        {view.items.slice(0, ITEMS_SHOWN).map((item) => {
          const seen = view.seenKeys.has(item.key)
          return (
            <li key={item.key}>
              <button
                type="button"
                className="tt-conversation__item"
                aria-current={item.key === view.focusedKey ? 'true' : undefined}
                data-seen={seen || undefined}
                onClick={() => show(whatsNew.focus(item.key))}
                data-testid="whats-new-item"
                data-target-id={item.targetId}
                data-kind={item.kind}
              >
                <span className="tt-conversation__item-title">
                  {item.by && <span className="tt-conversation__swatch" style={{ backgroundColor: item.by.color }} aria-hidden="true" />}
                  {describeChange(item, snapshot.cards)}
                  {seen && <span className="tt-conversation__seen"> · seen</span>}
                </span>
                <span className="tt-conversation__item-detail">{changeExcerpt(item)}</span>
                <span className="tt-conversation__muted" title={formatExactTime(item.at)}>
                  {formatRelativeTime(item.at, now)}
                </span>
              </button>
            </li>
          )
        })}
      </ul>
      {view.items.length > ITEMS_SHOWN && (
        <p className="tt-conversation__muted">
          Showing the first {ITEMS_SHOWN} of {view.items.length}; Next walks through all of them.
        </p>
      )}
      {view.items.length > 0 && (
        <button
          type="button"
          className="tt-conversation__button tt-conversation__button--wide"
          onClick={() => whatsNew.markAllSeen()}
          data-testid="whats-new-mark-all"
        >
          Mark all as seen
        </button>
      )}
    </div>
  )
}
