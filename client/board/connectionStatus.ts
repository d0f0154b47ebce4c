/**
 * Feeds the connection store (client/state/connectionStore.ts) from a websocket provider and the
 * browser's online/offline events, and stops reconnecting when the server refuses the link for
 * good. Only the refusals in `PERMANENT_REFUSALS` end the session; every other close (including
 * the relay's retryable 44xx codes, rate limiting and slow consumers) reconnects with backoff.
 */
import type { WebsocketProvider } from 'y-websocket'
import { CloseCode } from '../../shared/protocol/messages'
import { useConnectionStore, type DeniedReason } from '../state/connectionStore'

const PERMANENT_REFUSALS: ReadonlyMap<number, DeniedReason> = new Map([
  [CloseCode.unauthorized, 'unauthorized'],
  [CloseCode.boardNotFound, 'boardNotFound'],
  [CloseCode.badDocumentName, 'badDocumentName'],
  [CloseCode.linkReplaced, 'linkReplaced'],
  [CloseCode.boardDeleted, 'boardDeleted'],
])

/** After this many failed attempts in a row we say "offline" rather than "connecting". */
const OFFLINE_AFTER_FAILED_ATTEMPTS = 2

/** For the provider's `shouldReconnect` option. */
export function shouldReconnectAfterClose(event: CloseEvent): boolean {
  return !PERMANENT_REFUSALS.has(event.code)
}

export function trackConnectionStatus(provider: WebsocketProvider): () => void {
  const connection = useConnectionStore.getState()
  connection.reset()

  const update = () => {
    if (!navigator.onLine) return connection.setStatus('offline')
    if (provider.wsconnected && provider.synced) return connection.setStatus('connected')
    if (provider.wsUnsuccessfulReconnects >= OFFLINE_AFTER_FAILED_ATTEMPTS) return connection.setStatus('offline')
    connection.setStatus('connecting')
  }
  const onClosed = ({ code }: { code: number }) => {
    const reason = PERMANENT_REFUSALS.get(code)
    if (!reason) return
    provider.disconnect()
    connection.deny(reason)
  }

  provider.on('status', update)
  provider.on('sync', update)
  provider.on('closed', onClosed)
  window.addEventListener('online', update)
  window.addEventListener('offline', update)
  update()

  return () => {
    provider.off('status', update)
    provider.off('sync', update)
    provider.off('closed', onClosed)
    window.removeEventListener('online', update)
    window.removeEventListener('offline', update)
  }
}
