/**
 * What every part of the relay shares: its limits, its metrics and the update screen.
 */
import type { RelayMetrics } from '../metrics/relayMetrics'
import type { RelayLimits } from './limits'
import type { UpdateScreen } from './updateScreen'

export interface RelayContext {
  limits: RelayLimits
  metrics: RelayMetrics
  screen: UpdateScreen
}
