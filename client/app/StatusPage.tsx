/**
 * A calm full-page message: loading, a link that does not work, a server that cannot be reached.
 */
import type { ReactNode } from 'react'
import './statusPage.css'

export interface StatusPageProps {
  readonly title: string
  readonly message?: string
  /** Shows a spinner and marks the page busy for assistive technology. */
  readonly busy?: boolean
  readonly showHomeLink?: boolean
  readonly actions?: ReactNode
  readonly testId?: string
}

export function StatusPage({ title, message, busy = false, showHomeLink = false, actions, testId }: StatusPageProps) {
  return (
    <main className="tt-status-page" aria-busy={busy} data-testid={testId}>
      <div className="tt-status-page__card" role={busy ? 'status' : undefined}>
        {busy && <span className="tt-status-page__spinner" aria-hidden="true" />}
        <h1 className="tt-status-page__title">{title}</h1>
        {message && <p className="tt-status-page__message">{message}</p>}
        {(actions || showHomeLink) && (
          <div className="tt-status-page__actions">
            {actions}
            {showHomeLink && (
              <a className="tt-button tt-button--secondary" href="/">
                Start a new board
              </a>
            )}
          </div>
        )}
      </div>
    </main>
  )
}
