/**
 * What's new for someone who comes back with the conversation panel closed (or on another tab): a
 * bar above the card palette that says how much is new since they were here and walks them through
 * it, one change at a time, wherever they are on the board (a reply opens its thread; the bar stays
 * and carries the walk on). It goes once everything is marked seen, or when they close it for this
 * visit; the What's new tab and the rail's badge keep what is left.
 */
import { useState } from 'react'
import { useValue } from 'tldraw'
import { formatExactTime, formatRelativeTime } from './formatTime'
import { useNow, useSnapshot } from './hooks'
import { describeChange } from './labels'
import { useConversationPanelStore, useIsConversationOpen } from './panelStore'
import type { ConversationSession } from './session'
import { showChange } from './showChange'

export function WhatsNewWalker({ session }: { session: ConversationSession }) {
  const { whatsNew } = session
  const view = useValue('whats new view', () => whatsNew.view.get(), [whatsNew])
  const snapshot = useSnapshot(session)
  const panelOpen = useIsConversationOpen()
  const tab = useConversationPanelStore((state) => state.tab)
  const [closed, setClosed] = useState(false)
  const now = useNow()
  if (closed || view.items.length === 0 || (panelOpen && tab === 'new')) return null

  const at = view.items.findIndex((item) => item.key === view.focusedKey)
  const focused = at < 0 ? null : view.items[at]
  const step = (direction: 1 | -1) => showChange(session, whatsNew.step(direction))
  return (
    <section className="tt-whats-new-walker" aria-label="What’s new" data-testid="whats-new-walker" onPointerDown={(event) => event.stopPropagation()}>
      {focused ? (
        <>
          <button
            type="button"
            className="tt-whats-new-walker__button"
            onClick={() => step(-1)}
            disabled={at === 0}
            aria-label="Previous change"
            data-testid="whats-new-walker-previous"
          >
            ←
          </button>
          <span className="tt-whats-new-walker__text" aria-live="polite" data-testid="whats-new-walker-position">
            <span className="tt-whats-new-walker__count">
              {at + 1} of {view.items.length}
            </span>{' '}
            <span title={formatExactTime(focused.at)}>
              {describeChange(focused, snapshot.cards)}, {formatRelativeTime(focused.at, now)}
            </span>
          </span>
          <button
            type="button"
            className="tt-whats-new-walker__button"
            onClick={() => step(1)}
            disabled={at === view.items.length - 1}
            aria-label="Next change"
            data-testid="whats-new-walker-next"
          >
            →
          </button>
        </>
      ) : (
        <>
          <span className="tt-whats-new-walker__text" data-testid="whats-new-walker-summary">
            <strong>{view.unseenCount} new</strong> since you were here ({formatRelativeTime(view.seenAt, now)})
          </span>
          <button
            type="button"
            className="tt-whats-new-walker__button tt-whats-new-walker__button--primary"
            onClick={() => step(1)}
            data-testid="whats-new-walker-start"
          >
            Show me
          </button>
        </>
      )}
      <button type="button" className="tt-whats-new-walker__button" onClick={() => whatsNew.markAllSeen()} data-testid="whats-new-walker-mark-all">
        Mark all seen
      </button>
      <button
        type="button"
        className="tt-whats-new-walker__button tt-whats-new-walker__close"
        onClick={() => setClosed(true)}
        aria-label="Close (what is new stays in the Conversation panel)"
        title="Close (what is new stays in the Conversation panel)"
        data-testid="whats-new-walker-close"
      >
        ×
      </button>
    </section>
  )
}
