import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type ParseArgsConfig, parseArgs } from 'node:util';

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * parseArgs for the benchmark runners: `--help` lists the options with their defaults, read from
 * the same table the runner parses (so the list cannot drift from the code), and a mistyped option
 * ends with one line and exit code 2 instead of a stack trace.
 */
export function benchArgs<const T extends Options>(
  command: string,
  summary: string,
  options: T,
): ReturnType<typeof parseArgs<{ options: T; strict: true }>>['values'] {
  const argv = process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(usage(command, summary, options));
    process.exit(0);
  }
  try {
    return parseArgs({ options, strict: true }).values;
  } catch (error) {
    process.stderr.write(`${command}: ${(error as Error).message}\n(--help lists the options)\n`);
    process.exit(2);
  }
}

function usage(command: string, summary: string, options: Options): string {
  const lines = Object.entries(options).map(([name, option]) => {
    const value = option.type === 'string' ? ' VALUE' : '';
    const fallback = option.default === undefined ? '' : `  (default ${String(option.default)})`;
    return `  --${name}${value}${fallback}`;
  });
  return `${command}: ${summary}\nMethod and phases: bench/README.md.\n\n${lines.join('\n')}\n  -h, --help\n`;
}

/** The start time of a run, as a file name: results and logs are named by it. */
export const runStamp = (): string => new Date().toISOString().replace(/[:.]/g, '-');

/** A run's own directory under `base`, named by its start time, with its processes' `logs/` made. */
export function runDirectory(base: string): { outDir: string; logDir: string } {
  const outDir = join(base, runStamp());
  const logDir = join(outDir, 'logs');
  mkdirSync(logDir, { recursive: true });
  return { outDir, logDir };
}

/** A progress line on stderr, with the time of day. */
export function log(line: string): void {
  process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${line}\n`);
}
