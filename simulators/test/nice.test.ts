import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const NICE = new URL('../src/cli/nice.ts', import.meta.url).href;

/** Nice value of every thread of the process running this script, and of a process it forks. */
const SCRIPT = `
import { fork } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { reniceSelf } from '${NICE}';
const threads = () => readdirSync('/proc/self/task').map(
  (t) => Number(readFileSync('/proc/self/task/' + t + '/stat', 'utf8').split(') ')[1].split(' ')[16]));
if (process.argv[2] === 'child') {
  process.send(threads());
  process.disconnect();
} else {
  reniceSelf(7);
  const self = threads();
  const child = fork(process.argv[1], ['child']);
  child.once('message', (forked) => console.log(JSON.stringify({ self, forked })));
}
`;

describe('reniceSelf', () => {
  it.runIf(process.platform === 'linux')(
    "sets every thread of the process, and forked processes' threads inherit it",
    async () => {
      const script = join(await mkdtemp(join(tmpdir(), 'fleet-sim-nice-')), 'nice.mjs');
      await writeFile(script, SCRIPT);
      const { stdout } = await run(process.execPath, ['--import', 'tsx', script], { timeout: 30_000 });
      const { self, forked } = JSON.parse(stdout) as { self: number[]; forked: number[] };
      expect(self.length).toBeGreaterThan(1);
      expect(new Set(self)).toEqual(new Set([7]));
      expect(new Set(forked)).toEqual(new Set([7]));
    },
  );
});
