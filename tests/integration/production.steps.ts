/**
 * The steps that make the production image, as the Dockerfile runs them and as
 * production.test.ts performs them on this machine (where no container can run).
 * production.dockerfile.test.ts checks that the Dockerfile says the same.
 */
export const PRODUCTION_STEPS = {
  /** Build stage: every dependency, then the client and the compiled server into dist/. */
  buildInstall: 'npm ci --no-audit --no-fund',
  build: 'npm run build',
  /** What the runtime stage holds: these files and dist/, nothing else. */
  runtimeFiles: ['package.json', 'package-lock.json', 'dist/'],
  /** Runtime stage: production dependencies only. */
  runtimeInstall: 'npm ci --omit=dev --no-audit --no-fund',
  /** The image's command: plain JavaScript, no build tools. */
  start: 'node dist/server/main.js',
} as const

/** Added by the test only: the local npm cache, so that CI does not wait on the registry. */
export const TEST_ONLY_NPM_FLAGS = ['--prefer-offline']
