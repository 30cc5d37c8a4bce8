import { defineConfig } from 'vitest/config';

// Workspace packages expose their TypeScript sources under the "source" condition, so tests run
// against src/ of every package, never a stale dist/.
const conditions = ['source', 'import', 'module', 'node', 'default'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ['source'] } },
  test: {
    include: ['*/test/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    reporters: ['default', './scripts/summary-reporter.ts'],
  },
});
