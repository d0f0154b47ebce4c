/**
 * A read-only link with a Copy button; without clipboard access the text is selected for Ctrl+C.
 * The status line says what happened, for screen readers too.
 */
import { useEffect, useId, useRef, useState } from 'react'

export interface CopyFieldProps {
  readonly label: string
  readonly hint: string
  readonly value: string
  readonly testId: string
}

/**
 * Copying a read-only field's text: to the clipboard, or, without clipboard access (an insecure
 * origin, a denied permission), by selecting it for Ctrl+C. `status` is the line a screen reader
 * hears for it.
 */
export function useCopyText(value: string, label: string) {
  const inputRef = useRef<HTMLInputElement>(null)
  const [copyState, setCopyState] = useState<'idle' | 'copied' | 'selected'>('idle')

  useEffect(() => {
    if (copyState === 'idle') return
    const timeout = window.setTimeout(() => setCopyState('idle'), 2500)
    return () => window.clearTimeout(timeout)
  }, [copyState])

  async function copy() {
    try {
      await navigator.clipboard.writeText(value)
      setCopyState('copied')
    } catch {
      inputRef.current?.focus()
      inputRef.current?.select()
      setCopyState('selected')
    }
  }

  const status = copyState === 'copied' ? `${label} copied` : copyState === 'selected' ? `${label} selected; press Control C to copy` : ''
  return { inputRef, copied: copyState === 'copied', copy, status }
}

export function CopyField({ label, hint, value, testId }: CopyFieldProps) {
  const { inputRef, copied, copy, status } = useCopyText(value, label)
  const inputId = useId()
  const hintId = useId()

  return (
    <div className="tt-copy-field">
      <label className="tt-field__label" htmlFor={inputId}>
        {label}
      </label>
      <p id={hintId} className="tt-field__hint">
        {hint}
      </p>
      <div className="tt-copy-field__row">
        <input
          ref={inputRef}
          id={inputId}
          className="tt-input tt-copy-field__input"
          type="text"
          readOnly
          value={value}
          onFocus={(event) => event.currentTarget.select()}
          aria-describedby={hintId}
          data-testid={testId}
        />
        <button type="button" className="tt-button tt-button--secondary" onClick={copy} aria-label={`Copy ${label.toLowerCase()}`}>
          {copied ? 'Copied' : 'Copy'}
        </button>
      </div>
      <span className="tt-visually-hidden" role="status">
        {status}
      </span>
    </div>
  )
}
