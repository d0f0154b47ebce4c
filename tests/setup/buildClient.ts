/**
 * Vitest global setup: builds the client once, before any test file runs, when there is no
 * build or the sources are newer than it. Browser tests run against that build (as `npm start`
 * serves it); building here keeps parallel test files from building at the same time.
 */
import { browserAvailable, ensureClientBuild } from '../helpers/browser'

export default function setup(): void {
  if (!browserAvailable()) return
  ensureClientBuild()
}
