/**
 * The Threads tab: the thread of the card or link selected on the canvas, or else every open
 * thread, most recently active first; choosing one brings its card or link into view and selects
 * it, which opens its thread here.
 */
import { useMemo, useState } from 'react'
import { useValue } from 'tldraw'
import { isOpenThread, visibleReplyCount, type ThreadData } from '../../shared/board/boardModel'
import { anchorForShape, bringShapeIntoView, isShapeAnchor, shapeIdForAnchor } from './anchors'
import { excerptAround } from './canvasFilter'
import { formatExactTime, formatRelativeTime } from './formatTime'
import { useNow, useSnapshot } from './hooks'
import { anchorLabel } from './labels'
import type { ConversationSession } from './session'
import { ThreadView } from './ThreadView'

const THREADS_SHOWN = 100

function lastActivity(thread: ThreadData): number {
  let at = thread.statusAt
  for (const reply of thread.replies) at = Math.max(at, reply.editedAt ?? reply.createdAt)
  return at
}

export function ThreadsTab({ session }: { session: ConversationSession }) {
  const { editor } = session
  const selectedAnchor = useValue('selected thread anchor', () => anchorForShape(editor.getOnlySelectedShape()), [editor])
  if (selectedAnchor) return <ThreadView key={selectedAnchor} session={session} anchorId={selectedAnchor} onBack={() => editor.selectNone()} />
  return <OpenThreads session={session} />
}

function OpenThreads({ session }: { session: ConversationSession }) {
  const { editor, cardShapes } = session
  const snapshot = useSnapshot(session)
  const now = useNow()
  const [shown, setShown] = useState(THREADS_SHOWN)
  const [missing, setMissing] = useState<string | null>(null)
  // A string, so moving an arrow (a new record, same answer) does not re-render the list.
  const linkIdsKey = useValue(
    'link anchors on the board',
    () => [...snapshot.threads.keys()].filter((id) => isShapeAnchor(id) && editor.getShape(id)).join('\n'),
    [editor, snapshot],
  )
  const linkIds = useMemo(() => new Set(linkIdsKey.split('\n')), [linkIdsKey])
  const open = useMemo(
    () =>
      [...snapshot.threads.values()]
        .filter((thread) => isOpenThread(thread) && (snapshot.cards.has(thread.anchorId) || linkIds.has(thread.anchorId)))
        .map((thread) => ({ thread, at: lastActivity(thread) }))
        .sort((a, b) => b.at - a.at),
    [snapshot, linkIds],
  )

  const show = (anchorId: string) => {
    const shapeId = shapeIdForAnchor(editor, cardShapes, anchorId)
    setMissing(shapeId ? null : anchorId)
    if (shapeId) bringShapeIntoView(editor, shapeId, { select: true })
  }

  return (
    <div className="tt-conversation__section">
      <p className="tt-conversation__summary" data-testid="open-threads-summary">
        {open.length === 0
          ? 'No open threads. Select a card or link to start one.'
          : `${open.length} open ${open.length === 1 ? 'thread' : 'threads'}. Select a card or link to see its thread.`}
      </p>
      {missing && (
        <p className="tt-conversation__muted" role="status">
          That card is not on the canvas any more.
        </p>
      )}
      <ul className="tt-conversation__list" aria-label="Open threads" data-testid="open-threads">
        {open.slice(0, shown).map(({ thread, at }) => {
          const label = anchorLabel(editor, thread.anchorId, snapshot.cards)
          const last = [...thread.replies].reverse().find((reply) => !reply.deleted)
          const count = visibleReplyCount(thread)
          return (
            <li key={thread.anchorId}>
              <button
                type="button"
                className="tt-conversation__item"
                onClick={() => show(thread.anchorId)}
                data-testid="open-thread"
                data-anchor-id={thread.anchorId}
              >
                <span className="tt-conversation__item-title">
                  <span className="tt-conversation__kind">{label.kind}</span> {label.text}
                </span>
                {last && (
                  <span className="tt-conversation__item-detail">
                    <span className="tt-conversation__swatch" style={{ backgroundColor: last.author.color }} aria-hidden="true" />
                    <span className="tt-conversation__item-author">{last.author.name}:</span> {excerptAround(last.text, '', 60)}
                  </span>
                )}
                <span className="tt-conversation__muted">
                  {count} {count === 1 ? 'reply' : 'replies'} · <span title={formatExactTime(at)}>{formatRelativeTime(at, now)}</span>
                </span>
              </button>
            </li>
          )
        })}
      </ul>
      {open.length > shown && (
        <button type="button" className="tt-conversation__link-button" onClick={() => setShown((count) => count + THREADS_SHOWN)}>
          Show more ({open.length - shown} more)
        </button>
      )}
    </div>
  )
}
