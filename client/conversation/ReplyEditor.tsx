/**
 * Edits one of my replies in place. The textarea is bound to the reply's Y.Text: each keystroke
 * becomes the smallest change (replaceText, via editReply), and changes that arrive from elsewhere
 * (the same person in another tab) show at once with the caret kept where it was, so concurrent
 * edits both survive.
 */
import { useEffect, useRef, useState, type KeyboardEvent } from 'react'
import type * as Y from 'yjs'
import { deleteReply, editReply, getReplyText } from '../../shared/board/boardModel'
import { MAX_REPLY_TEXT_LENGTH } from '../../shared/board/vocabulary'

export interface ReplyEditorProps {
  /** The conversation document, which holds the thread. */
  readonly doc: Y.Doc
  readonly anchorId: string
  readonly replyId: string
  onDone(): void
}

/** Where a caret at `position` ends up after a remote change described by `delta`. */
export function moveCaretThroughDelta(position: number, delta: ReadonlyArray<{ insert?: unknown; delete?: number; retain?: number }>): number {
  let index = 0
  let caret = position
  for (const op of delta) {
    if (op.retain) index += op.retain
    else if (typeof op.insert === 'string') {
      if (index <= caret) caret += op.insert.length
      index += op.insert.length
    } else if (op.delete) {
      if (index < caret) caret -= Math.min(op.delete, caret - index)
    }
  }
  return caret
}

export function ReplyEditor({ doc, anchorId, replyId, onDone }: ReplyEditorProps) {
  const textareaRef = useRef<HTMLTextAreaElement>(null)
  const [value, setValue] = useState(() => getReplyText(doc, anchorId, replyId)?.toString() ?? '')

  useEffect(() => {
    const text = getReplyText(doc, anchorId, replyId)
    if (!text) return
    const onChange = (event: Y.YTextEvent, transaction: Y.Transaction) => {
      if (transaction.local) return
      const textarea = textareaRef.current
      const start = textarea ? moveCaretThroughDelta(textarea.selectionStart, event.delta as never) : 0
      const end = textarea ? moveCaretThroughDelta(textarea.selectionEnd, event.delta as never) : 0
      setValue(text.toString())
      requestAnimationFrame(() => textareaRef.current?.setSelectionRange(start, end))
    }
    text.observe(onChange)
    return () => text.unobserve(onChange)
  }, [doc, anchorId, replyId])

  useEffect(() => {
    const textarea = textareaRef.current
    if (!textarea) return
    textarea.focus()
    textarea.setSelectionRange(textarea.value.length, textarea.value.length)
  }, [])

  const finish = () => {
    if (value.trim() === '') deleteReply(doc, anchorId, replyId, Date.now())
    onDone()
  }

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Escape' || (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing)) {
      event.preventDefault()
      event.stopPropagation()
      finish()
    }
  }

  return (
    <div className="tt-reply-editor">
      <textarea
        ref={textareaRef}
        className="tt-conversation__textarea"
        aria-label="Edit your reply"
        maxLength={MAX_REPLY_TEXT_LENGTH}
        value={value}
        rows={3}
        onChange={(event) => {
          setValue(event.target.value)
          editReply(doc, anchorId, replyId, event.target.value, Date.now())
        }}
        onKeyDown={onKeyDown}
        data-testid="reply-edit-input"
      />
      <div className="tt-reply-editor__actions">
        <span className="tt-conversation__hint">Changes are saved as you type.</span>
        <button type="button" className="tt-conversation__button tt-conversation__button--primary" onClick={finish} data-testid="reply-edit-done">
          Done
        </button>
      </div>
    </div>
  )
}
