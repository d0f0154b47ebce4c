/**
 * The minimal socket the relay core is written against. The ws adapter
 * (server/transport/wsTransport.ts) fits a `ws` WebSocket to it; tests can fit anything.
 */
export interface RelaySocket {
  send(frame: Uint8Array): void
  close(code: number, reason: string): void
  /** Bytes queued for sending and not yet handed to the network. */
  readonly bufferedAmount: number
}
