/**
 * What every part of the relay shares: its limits, its metrics, the update screen and the turn
 * writer.
 */
import type { RelayMetrics } from '../metrics/relayMetrics'
import type { RelayLimits } from './limits'
import type { UpdateScreen } from './updateScreen'
import type { TurnWriter } from './turnWriter'

export interface RelayContext {
  limits: RelayLimits
  metrics: RelayMetrics
  screen: UpdateScreen
  turnWriter: TurnWriter
  /** Told after a document's updates are committed (e.g. to reveal late drafts). */
  onStored?: (docName: string) => void
}
