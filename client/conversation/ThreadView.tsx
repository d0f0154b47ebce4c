/**
 * One card's or link's thread: its replies with author and time, my own replies editable and
 * deletable, resolve and reopen, and a box to reply (Enter sends, Shift+Enter starts a new line).
 * Threads live in the conversation document. The controls follow what this person may do now:
 * observers read it all and get none; members get them while the phase allows replying and the
 * board is not locked, even when the canvas itself is read-only.
 */
import { useState, type KeyboardEvent } from 'react'
import { useValue } from 'tldraw'
import { addReply, deleteReply, isOpenThread, setThreadStatus, visibleReplyCount, type ReplyData } from '../../shared/board/boardModel'
import { MAX_REPLY_TEXT_LENGTH } from '../../shared/board/vocabulary'
import { formatExactTime, formatRelativeTime } from './formatTime'
import { useNow, useSnapshot } from './hooks'
import { anchorLabel } from './labels'
import { useBoardContext } from '../board/boardContext'
import { useMay } from '../board/useMay'
import { ReplyEditor } from './ReplyEditor'
import type { ConversationSession } from './session'

/** Long threads show their latest replies first; older ones on request. */
const REPLIES_SHOWN = 50

export interface ThreadViewProps {
  readonly session: ConversationSession
  readonly anchorId: string
  onBack(): void
}

export function ThreadView({ session, anchorId, onBack }: ThreadViewProps) {
  const { editor, board } = session
  const snapshot = useSnapshot(session)
  const now = useNow()
  const thread = snapshot.threads.get(anchorId) ?? null
  const label = anchorLabel(editor, anchorId, snapshot.cards)
  const [shownCount, setShownCount] = useState(REPLIES_SHOWN)
  const replies = thread?.replies ?? []
  const hidden = Math.max(0, replies.length - shownCount)
  const count = visibleReplyCount(thread)
  const me = board.getMe()
  const mayReply = useMay('reply')

  return (
    <div className="tt-thread" data-testid="thread-view" data-anchor-id={anchorId}>
      <div className="tt-thread__header">
        <button type="button" className="tt-conversation__link-button" onClick={onBack}>
          ← Open threads
        </button>
        <p className="tt-thread__anchor">
          <span className="tt-conversation__kind">{label.kind}</span> <span data-testid="thread-anchor-text">{label.text}</span>
        </p>
        <div className="tt-thread__status">
          <span className="tt-conversation__muted" data-testid="thread-status" data-status={thread?.status ?? 'none'}>
            {thread?.status === 'resolved'
              ? `Resolved${thread.statusBy ? ` by ${thread.statusBy.name}` : ''} ${formatRelativeTime(thread.statusAt, now)}`
              : count === 0
                ? 'No replies yet'
                : `${count} ${count === 1 ? 'reply' : 'replies'}`}
          </span>
          {mayReply && thread && isOpenThread(thread) && (
            <button
              type="button"
              className="tt-conversation__button"
              onClick={() => setThreadStatus(board.conversationDoc, anchorId, 'resolved', board.getMe(), Date.now())}
              data-testid="thread-resolve"
            >
              Resolve
            </button>
          )}
          {mayReply && thread?.status === 'resolved' && (
            <button
              type="button"
              className="tt-conversation__button"
              onClick={() => setThreadStatus(board.conversationDoc, anchorId, 'open', board.getMe(), Date.now())}
              data-testid="thread-reopen"
            >
              Reopen
            </button>
          )}
        </div>
      </div>
      <div className="tt-thread__replies">
        {hidden > 0 && (
          <button type="button" className="tt-conversation__link-button" onClick={() => setShownCount((shown) => shown + REPLIES_SHOWN)}>
            Show {Math.min(hidden, REPLIES_SHOWN)} earlier {hidden === 1 ? 'reply' : 'replies'}
          </button>
        )}
        <ol className="tt-thread__list" aria-label="Replies">
          {replies.slice(hidden).map((reply) => (
            <ReplyItem key={reply.id} session={session} anchorId={anchorId} reply={reply} isMine={reply.author.id === me.id} now={now} />
          ))}
        </ol>
      </div>
      {mayReply ? <ReplyComposer session={session} anchorId={anchorId} /> : <NoReplyNote />}
    </div>
  )
}

function ReplyItem({
  session,
  anchorId,
  reply,
  isMine,
  now,
}: {
  session: ConversationSession
  anchorId: string
  reply: ReplyData
  isMine: boolean
  now: number
}) {
  const { board } = session
  const [mode, setMode] = useState<'read' | 'edit' | 'confirmDelete'>('read')
  const mayReply = useMay('reply')
  const canChange = isMine && mayReply && !reply.deleted

  return (
    <li className="tt-reply" data-testid="reply" data-reply-id={reply.id} data-deleted={reply.deleted || undefined}>
      <div className="tt-reply__meta">
        <span className="tt-conversation__swatch" style={{ backgroundColor: reply.author.color }} aria-hidden="true" />
        <span className="tt-reply__author" data-testid="reply-author">
          {reply.author.name}
        </span>
        <time className="tt-conversation__muted" dateTime={new Date(reply.createdAt).toISOString()} title={formatExactTime(reply.createdAt)}>
          {formatRelativeTime(reply.createdAt, now)}
        </time>
        {reply.editedAt !== null && !reply.deleted && (
          <span className="tt-conversation__muted" title={`Edited ${formatExactTime(reply.editedAt)}`}>
            · edited
          </span>
        )}
      </div>
      {mode === 'edit' && canChange ? (
        <ReplyEditor doc={board.conversationDoc} anchorId={anchorId} replyId={reply.id} onDone={() => setMode('read')} />
      ) : reply.deleted ? (
        <p className="tt-reply__text tt-reply__text--deleted">Reply deleted</p>
      ) : (
        <p className="tt-reply__text" data-testid="reply-text">
          {reply.text}
        </p>
      )}
      {canChange && mode === 'read' && (
        <div className="tt-reply__actions">
          <button type="button" className="tt-conversation__link-button" onClick={() => setMode('edit')} data-testid="reply-edit">
            Edit
          </button>
          <button type="button" className="tt-conversation__link-button" onClick={() => setMode('confirmDelete')} data-testid="reply-delete">
            Delete
          </button>
        </div>
      )}
      {canChange && mode === 'confirmDelete' && (
        <div className="tt-reply__actions" role="group" aria-label="Delete this reply?">
          <span className="tt-conversation__muted">Delete this reply?</span>
          <button
            type="button"
            className="tt-conversation__link-button tt-conversation__link-button--danger"
            onClick={() => {
              deleteReply(board.conversationDoc, anchorId, reply.id, Date.now())
              setMode('read')
            }}
            data-testid="reply-delete-confirm"
          >
            Delete
          </button>
          <button type="button" className="tt-conversation__link-button" onClick={() => setMode('read')}>
            Keep
          </button>
        </div>
      )}
    </li>
  )
}

/** Why there is no reply box: observing, or what the facilitator decided for now. */
function NoReplyNote() {
  const { canEdit, permissions } = useBoardContext()
  const isLocked = useValue('board locked', () => permissions.isLocked(), [permissions])
  if (!canEdit) {
    return (
      <p className="tt-conversation__muted tt-thread__observer" data-testid="thread-observer-note">
        You are observing this board: you can read threads but not reply.
      </p>
    )
  }
  return (
    <p className="tt-conversation__muted tt-thread__observer" data-testid="thread-paused-note">
      {isLocked ? 'The facilitator has locked the board: replies wait until it is unlocked.' : 'This phase is not for replying: you can read the thread.'}
    </p>
  )
}

function ReplyComposer({ session, anchorId }: { session: ConversationSession; anchorId: string }) {
  const { board } = session
  const [draft, setDraft] = useState('')

  const send = () => {
    if (draft.trim() === '') return
    addReply(board.conversationDoc, anchorId, { author: board.getMe(), text: draft.trim(), now: Date.now() })
    setDraft('')
  }

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault()
      send()
    }
  }

  return (
    <form
      className="tt-thread__composer"
      onSubmit={(event) => {
        event.preventDefault()
        send()
      }}
    >
      <textarea
        className="tt-conversation__textarea"
        aria-label="Write a reply"
        aria-keyshortcuts="Enter"
        placeholder="Reply…"
        rows={2}
        maxLength={MAX_REPLY_TEXT_LENGTH}
        value={draft}
        onChange={(event) => setDraft(event.target.value)}
        onKeyDown={onKeyDown}
        data-testid="reply-input"
      />
      <div className="tt-thread__composer-actions">
        <span className="tt-conversation__hint">Enter to send · Shift+Enter for a new line</span>
        <button type="submit" className="tt-conversation__button tt-conversation__button--primary" disabled={draft.trim() === ''} data-testid="reply-send">
          Send
        </button>
      </div>
    </form>
  )
}
