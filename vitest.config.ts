import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // Workspace packages expose their TypeScript sources under the "source" condition, so tests run
    // against src/ without a build step in between.
    conditions: ['source'],
  },
  test: {
    include: ['*/test/**/*.test.ts'],
    testTimeout: 30_000,
    reporters: ['default', './scripts/summary-reporter.ts'],
  },
});
