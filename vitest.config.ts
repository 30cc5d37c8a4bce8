import { defaultClientConditions, defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

// Workspace packages expose their TypeScript sources under the "source" condition, so tests run
// against src/ of every package, never a stale dist/.
export default defineConfig({
  resolve: { conditions: ['source', ...defaultClientConditions] },
  ssr: { resolve: { conditions: ['source', ...defaultServerConditions], externalConditions: ['source'] } },
  test: {
    include: ['*/test/**/*.test.ts', 'platform/*/test/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    // Every API answer in every test is checked against its route's response schema (app.ts).
    env: { JT808_STRICT_RESPONSES: '1' },
    reporters: ['default', './scripts/summary-reporter.ts'],
  },
});
