/**
 * Vitest global setup: builds the client once, before any test file runs, when there is no
 * build or the sources are newer than it. Browser tests run against that build (as `npm start`
 * serves it); building here keeps parallel test files from building at the same time.
 */
import { browserAvailable, ensureClientBuild } from '../helpers/browser'

export default function setup(): void {
  // For runs of server-side tests only: `SKIP_CLIENT_BUILD=1 npx vitest run tests/integration`.
  if (process.env.SKIP_CLIENT_BUILD === '1') return
  if (!browserAvailable()) return
  ensureClientBuild()
}
