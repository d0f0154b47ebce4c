import { defineConfig } from 'vitest/config'

// One runner for every kind of test. Files pick jsdom with a `// @vitest-environment jsdom` header.
export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts', 'tests/**/*.test.tsx'],
    environment: 'node',
    globalSetup: ['tests/setup/buildClient.ts'],
    testTimeout: 30_000,
    hookTimeout: 180_000,
    fileParallelism: true,
    maxWorkers: 2,
  },
})
