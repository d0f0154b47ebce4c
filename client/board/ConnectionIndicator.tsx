/**
 * A small, always-visible word on how this tab is connected: a dot and a label (never colour
 * alone), announced politely when it changes.
 */
import { useConnectionStore, type ConnectionStatus } from '../state/connectionStore'

const LABELS: Record<ConnectionStatus, { label: string; detail: string }> = {
  connecting: { label: 'Connecting…', detail: 'Connecting to the board. You can already work; changes are kept on this device.' },
  connected: { label: 'Connected', detail: 'Connected. Your changes reach everyone right away.' },
  offline: { label: 'Offline', detail: 'Offline. Your changes are kept on this device and sent when you are back online.' },
  denied: { label: 'Link refused', detail: 'The server refused this link.' },
}

export function ConnectionIndicator() {
  const status = useConnectionStore((state) => state.status)
  const { label, detail } = LABELS[status]
  return (
    <div className="tt-connection" data-status={status} data-testid="connection-indicator" title={detail} role="status">
      <span className="tt-connection__dot" aria-hidden="true" />
      <span className="tt-connection__label" aria-hidden="true">
        {label}
      </span>
      <span className="tt-visually-hidden">{detail}</span>
    </div>
  )
}
