import { defineConfig } from 'vitest/config'

// One runner for every kind of test. Files pick jsdom with a `// @vitest-environment jsdom` header.
export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts', 'tests/**/*.test.tsx'],
    environment: 'node',
    globalSetup: ['tests/setup/buildClient.ts'],
    // A backstop, not a measure: tests wait on conditions with timeouts of their own. Browser and
    // process tests that take 10-15 s on a quiet 2-core machine take twice that on a busy one.
    testTimeout: 90_000,
    hookTimeout: 180_000,
    // One file at a time: the relay and browser tests measure latencies that a second file
    // running beside them on a 2-core machine would distort.
    fileParallelism: false,
    maxWorkers: 2,
  },
})
