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

export function CopyField({ label, hint, value, testId }: CopyFieldProps) {
  const inputRef = useRef<HTMLInputElement>(null)
  const [copyState, setCopyState] = useState<'idle' | 'copied' | 'selected'>('idle')
  const inputId = useId()
  const hintId = useId()

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
          {copyState === 'copied' ? 'Copied' : 'Copy'}
        </button>
      </div>
      <span className="tt-visually-hidden" role="status">
        {copyState === 'copied' ? `${label} copied` : copyState === 'selected' ? `${label} selected; press Control C to copy` : ''}
      </span>
    </div>
  )
}
