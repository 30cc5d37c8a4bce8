import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

/** The benchmark runners' command line (bench/cli.ts), run as a user would run one. */
const runner =
  (script: string) =>
  (...args: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', script, ...args], {
      encoding: 'utf8',
      timeout: 30_000,
    });
const run = runner('bench/codec/run.ts');
const signin = runner('bench/signin/run.ts');
const province = runner('bench/province/run.ts');

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

describe('the sign-in storm runner (bench:signin)', () => {
  it('lists its options and defaults for --help, and starts nothing', () => {
    const help = signin('--help');
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('bench:signin:');
    expect(help.stdout).toContain('--terminals VALUE  (default 100000)');
    expect(help.stdout).toContain('--rosters VALUE  (default shared,memory)');
    expect(help.stdout).toContain('--keep-db  (default false)');
    expect(help.stderr).toBe('');
  });

  it('refuses an unknown option, and a roster it does not know, with one line and exit code 2', () => {
    const wrong = signin('--terminal', '5');
    expect(wrong.status).toBe(2);
    expect(wrong.stderr).toContain("Unknown option '--terminal'");
    expect(wrong.stderr).not.toContain('    at ');
    const roster = signin('--rosters', 'shared,redis');
    expect(roster.status).toBe(2);
    expect(roster.stderr).toBe('bench:signin: --rosters: shared and/or memory, not redis\n');
  });
});

describe('the province runner (bench:province)', () => {
  it('lists its options and defaults for --help, and starts nothing', () => {
    const help = province('--help');
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('bench:province:');
    expect(help.stdout).toContain('--terminals VALUE  (default 400000)');
    expect(help.stdout).toContain('--heartbeat VALUE  (default 180)');
    expect(help.stderr).toBe('');
  });

  it('refuses a phase it does not know with one line and exit code 2', () => {
    const wrong = province('--phases', 'hold,nap');
    expect(wrong.status).toBe(2);
    expect(wrong.stderr).toBe('bench:province: --phases: some of hold, restart, share, outage, not nap\n');
  });
});
