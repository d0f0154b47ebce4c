/**
 * Starts the import worker from source (tests and `tsx` runs), where the worker is TypeScript:
 * tsx loads it. The built server runs the bundled importWorker.js instead (importPool.ts).
 */
import { tsImport } from 'tsx/esm/api'

await tsImport('./importWorker.ts', import.meta.url)
