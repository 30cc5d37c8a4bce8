import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * Every long-running binary logs what escaped all handlers and decides alike: an unhandled rejection
 * is logged and the process goes on; an uncaught exception is logged and the process exits 1.
 * Tried in a real process: a rejected promise nobody awaits, then an exception thrown from a timer.
 */
const root = fileURLToPath(new URL('..', import.meta.url));
const pino = createRequire(import.meta.url).resolve('pino');
const dir = mkdtempSync(join(tmpdir(), 'jt808-faults-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const FAULTS = `
Promise.reject(new Error('a promise nobody awaited'));
setTimeout(() => {
  console.log('still running');
  throw new Error('thrown from a timer');
}, 200);
setTimeout(() => console.log('never'), 3000);
`;

const binaries = {
  platform: `import { pino } from '${pino}';\nimport { logProcessFaults } from '${root}platform/server/src/process-faults.ts';\nlogProcessFaults(pino());`,
  gateway: `import { pino } from '${pino}';\nimport { logProcessFaults } from '${root}gateway/src/runtime/process-faults.ts';\nlogProcessFaults(pino());`,
  simulators: `import { reportProcessFaults } from '${root}simulators/src/cli/process-faults.ts';\nreportProcessFaults();`,
};

describe('process faults', () => {
  for (const [binary, setup] of Object.entries(binaries)) {
    it(`${binary}: logs an unhandled rejection and goes on; logs an uncaught exception and exits`, () => {
      const script = join(dir, `${binary}.mts`);
      writeFileSync(script, `${setup}\n${FAULTS}`);
      const run = spawnSync(process.execPath, ['--import', 'tsx', script], {
        cwd: root,
        encoding: 'utf8',
        timeout: 20_000,
      });
      const output = run.stdout + run.stderr;
      expect(run.status).toBe(1);
      expect(output).toMatch(
        /unhandled rejection.*a promise nobody awaited|a promise nobody awaited.*unhandled rejection/s,
      );
      expect(output).toContain('still running');
      expect(output).toMatch(
        /uncaught exception.*thrown from a timer|thrown from a timer.*uncaught exception/s,
      );
      expect(output).not.toContain('never');
      if (binary !== 'simulators') {
        const levels = run.stdout
          .trim()
          .split('\n')
          .filter((line) => line.startsWith('{'))
          .map((line) => JSON.parse(line).level);
        expect(levels).toEqual([50, 60]); // error, then fatal
      }
    });
  }
});
