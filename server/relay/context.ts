/**
 * What every part of the relay shares: its limits, its metrics, the update screen, the turn
 * writer, its clock, the hooks it was given and who keeps its documents' history.
 */
import type { BoardDocument } from './boardDocument'
import type { RelayMetrics } from '../metrics/relayMetrics'
import type { DocumentFanout } from './fanout'
import type { RelayHooks } from './hooks'
import type { RelayLimits } from './limits'
import type { UpdateScreen } from './updateScreen'
import type { TurnWriter } from './turnWriter'

/** Time as the relay sees it; tests hand in one they advance by hand. */
export interface Clock {
  /** Milliseconds, monotonic. */
  now(): number
  /** Calls `run` after `ms`; returns a function that cancels it. Never keeps the process alive. */
  setTimeout(run: () => void, ms: number): () => void
}

export const SYSTEM_CLOCK: Clock = {
  now: () => performance.now(),
  setTimeout(run, ms) {
    const timer = setTimeout(run, ms)
    timer.unref()
    return () => clearTimeout(timer)
  },
}

/** Who keeps the history of the relay's documents (server/history/historyRecorder.ts). */
export interface DocumentHistory {
  /** A document was loaded: watch who changes what in it from now on. */
  documentLoaded(document: BoardDocument): void
  /** The document is about to be freed: record what is not recorded yet. Never rejects. */
  documentUnloading(document: BoardDocument): Promise<void>
}

export interface RelayContext {
  limits: RelayLimits
  metrics: RelayMetrics
  screen: UpdateScreen
  turnWriter: TurnWriter
  clock: Clock
  /** Set by the Relay it is given to. */
  hooks?: RelayHooks
  /** Other instances sharing the same storage (several instances behind a load balancer); none for one. */
  fanout?: DocumentFanout
  /** Keeps each readable document's history; none in relays that keep none. */
  history?: DocumentHistory
}
