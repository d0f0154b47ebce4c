/**
 * The state of this tab's connection to the board relay, as the board page shows it. Fed by
 * client/board/useBoardConnection.ts from the websocket provider's events and the browser's
 * online/offline events; read by the connection indicator.
 *
 * - `connecting`: opening the websocket or waiting for the first sync.
 * - `connected`: synced with the server; edits reach others right away.
 * - `offline`: no connection; edits are kept on this device and sent when it comes back.
 * - `denied`: the server refused the link for good (see `deniedReason`); we stop reconnecting.
 */
import { create } from 'zustand'

export type ConnectionStatus = 'connecting' | 'connected' | 'offline' | 'denied'

/** Why the server refused the connection; mirrors the non-retryable close codes. */
export type DeniedReason = 'unauthorized' | 'boardNotFound' | 'badDocumentName' | 'linkReplaced' | 'boardDeleted'

export interface ConnectionState {
  readonly status: ConnectionStatus
  readonly deniedReason: DeniedReason | null
  setStatus(status: Exclude<ConnectionStatus, 'denied'>): void
  deny(reason: DeniedReason): void
  reset(): void
}

export const useConnectionStore = create<ConnectionState>()((set) => ({
  status: 'connecting',
  deniedReason: null,
  setStatus: (status) => set((state) => (state.status === 'denied' ? state : { status, deniedReason: null })),
  deny: (reason) => set({ status: 'denied', deniedReason: reason }),
  reset: () => set({ status: 'connecting', deniedReason: null }),
}))
