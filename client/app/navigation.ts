/**
 * Path-based navigation without a router dependency: `usePathname()` re-renders on back/forward
 * and on `navigate()`, which pushes a same-origin URL (fragment included) onto the history.
 */
import { useSyncExternalStore } from 'react'

const NAVIGATE_EVENT = 'think-together:navigate'

function subscribe(onChange: () => void): () => void {
  window.addEventListener('popstate', onChange)
  window.addEventListener(NAVIGATE_EVENT, onChange)
  return () => {
    window.removeEventListener('popstate', onChange)
    window.removeEventListener(NAVIGATE_EVENT, onChange)
  }
}

export function usePathname(): string {
  return useSyncExternalStore(subscribe, () => window.location.pathname)
}

/** Goes to a URL of this app without reloading the page. */
export function navigate(url: string): void {
  const target = new URL(url, window.location.href)
  if (target.origin !== window.location.origin) {
    window.location.assign(target.href)
    return
  }
  window.history.pushState(null, '', target.pathname + target.search + target.hash)
  window.dispatchEvent(new Event(NAVIGATE_EVENT))
}

/** The board id in a `/b/<id>` path, or `null` for any other path. */
export function boardIdFromPath(pathname: string): string | null {
  const match = /^\/b\/([^/]+)\/?$/.exec(pathname)
  return match ? decodeURIComponent(match[1]) : null
}
