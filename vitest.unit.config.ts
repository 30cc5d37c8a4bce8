import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

/**
 * `npm run test:unit` (and `test:watch`): the codec, the bus's event encoding and the simulator's
 * logic, in process against the TypeScript sources — no build, no PostgreSQL, no Redis, no sockets,
 * no browser; the loop to run while editing them. Left out here (and run by `npm test`): the
 * `jt808` and `fleet-sim` commands (they spawn the built binaries), the Redis half of the bus
 * suites, and the simulator's fleet against a real gateway.
 */
export default defineConfig({
  resolve: base.resolve,
  ssr: base.ssr,
  test: {
    include: ['protocol/test/**/*.test.ts', 'bus/test/**/*.test.ts', 'simulators/test/**/*.test.ts'],
    exclude: [
      '**/node_modules/**',
      'protocol/test/cli.test.ts',
      'bus/test/bus.test.ts',
      'bus/test/redis-bus-contract.test.ts',
      'simulators/test/cli.test.ts',
      'simulators/test/fleet.test.ts',
    ],
    testTimeout: base.test?.testTimeout,
    reporters: base.test?.reporters,
  },
});
