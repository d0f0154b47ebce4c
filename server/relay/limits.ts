/**
 * Every limit the relay enforces, with its default. Each can be set from the environment (see
 * server/config.ts and the README's configuration table).
 */
export interface RelayLimits {
  /** Largest websocket frame accepted, in bytes; larger frames are closed at the transport (1009). */
  maxFrameBytes: number
  /** Frames a connection may send before it is admitted (token check, document load). */
  maxFramesBeforeOpen: number
  /** Milliseconds a document stays in memory after its last connection leaves. */
  documentIdleMs: number
  /** Updates appended to a document's log before it is compacted into a snapshot. */
  compactAfterUpdates: number
  /** Bytes queued to one connection before it is considered a slow consumer and closed. */
  maxBufferedBytes: number
}

export const DEFAULT_RELAY_LIMITS: RelayLimits = {
  maxFrameBytes: 10 * 1024 * 1024,
  maxFramesBeforeOpen: 128,
  documentIdleMs: 15_000,
  compactAfterUpdates: 500,
  maxBufferedBytes: 32 * 1024 * 1024,
}
