import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

/** The benchmark runners' command line (bench/cli.ts), run as a user would run one. */
const run = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'bench/codec/run.ts', ...args], {
    encoding: 'utf8',
    timeout: 30_000,
  });

describe('benchmark runners', () => {
  it('list their options and defaults for --help, and run nothing', () => {
    const help = run('--help');
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('--runs VALUE  (default 3)');
    expect(help.stdout).toContain('--clock VALUE  (default cpu)');
    expect(help.stdout).not.toContain('frames/s');
  });

  it('refuse an unknown option with one line and exit code 2', () => {
    const wrong = run('--rnus', '1');
    expect(wrong.status).toBe(2);
    expect(wrong.stderr).toContain("Unknown option '--rnus'");
    expect(wrong.stderr).not.toContain('    at ');
  });
});
