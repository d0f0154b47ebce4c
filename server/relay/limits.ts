/**
 * Every limit the relay enforces, with its default. Each can be set from the environment (see
 * server/config.ts and the README's configuration table).
 */
export interface RelayLimits {
  /** Largest websocket frame accepted, in bytes; larger frames are closed at the transport (1009). */
  maxFrameBytes: number
  /** Largest awareness message, in bytes (1009 when exceeded). */
  maxAwarenessBytes: number
  /** Frames a connection may send before it is admitted (token check, document load). */
  maxFramesBeforeOpen: number
  /** Milliseconds a connection may take to be admitted before it is closed. */
  admissionTimeoutMs: number
  /** Open connections in all; more are refused at the upgrade (HTTP 503). */
  maxConnections: number
  /** Connections from one client address at once (a NAT or a whole workshop); more are refused at the upgrade (HTTP 429). */
  maxConnectionsPerAddress: number
  /** Connections from one address with one token (one person's tabs, or one link's clients); more get HTTP 429. */
  maxConnectionsPerToken: number
  /** Connections not yet admitted, in all; more are refused at the upgrade (HTTP 503). */
  maxPendingConnections: number
  /** Messages per second one connection may send on average (4529 when exceeded). */
  messagesPerSecond: number
  /** Messages one connection may send in a burst. */
  messageBurst: number
  /** Bytes per second one connection may send on average. */
  bytesPerSecond: number
  /** Bytes one connection may send in a burst. */
  byteBurst: number
  /** Updates from one connection waiting to be screened before it is closed (4529). */
  maxQueuedUpdates: number
  /** Milliseconds one untrusted update may take to decode before it is refused (1008). */
  updateDecodeBudgetMs: number
  /** Heap, in megabytes, the update screening worker may use. */
  updateDecodeHeapMb: number
  /** Bytes of updates waiting for missing dependencies a document may hold (1008 beyond). */
  maxPendingUpdateBytes: number
  /** Milliseconds a document stays in memory after its last connection leaves. */
  documentIdleMs: number
  /** Updates appended to a document's log before it is compacted into a snapshot. */
  compactAfterUpdates: number
  /**
   * Bytes queued to one connection before it falls behind: changes and presence are no longer
   * queued for it, and once it has read what is queued it is sent one catch-up of what it missed.
   */
  maxBufferedBytes: number
  /** Milliseconds a connection may stay behind without reading before it is closed (4508). */
  slowConsumerTimeoutMs: number
}

export const DEFAULT_RELAY_LIMITS: RelayLimits = {
  maxFrameBytes: 10 * 1024 * 1024,
  maxAwarenessBytes: 64 * 1024,
  maxFramesBeforeOpen: 128,
  admissionTimeoutMs: 10_000,
  maxConnections: 10_000,
  // A 150-person workshop behind one address opens 5 connections a person (one per board document).
  maxConnectionsPerAddress: 1024,
  maxConnectionsPerToken: 64,
  maxPendingConnections: 256,
  messagesPerSecond: 200,
  messageBurst: 1000,
  bytesPerSecond: 4 * 1024 * 1024,
  byteBurst: 32 * 1024 * 1024,
  maxQueuedUpdates: 500,
  updateDecodeBudgetMs: 1000,
  updateDecodeHeapMb: 256,
  maxPendingUpdateBytes: 128 * 1024,
  documentIdleMs: 15_000,
  compactAfterUpdates: 500,
  maxBufferedBytes: 16 * 1024 * 1024,
  slowConsumerTimeoutMs: 30_000,
}
