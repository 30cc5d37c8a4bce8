import { type ParseArgsConfig, parseArgs } from 'node:util';

/** A command line that makes no sense; the command prints the message and exits with status 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

type Options = NonNullable<ParseArgsConfig['options']>;
type CommandConfig<O extends Options> = { args: string[]; allowPositionals: true; options: O };

/**
 * node:util's parseArgs over `argv` (positionals allowed) for a command: parseArgs explains unknown
 * options well; only its error type is wrong for us, so its complaints come out as UsageError.
 * Exported for the other packages' commands (jt808-roster, fleet-sim).
 */
export function parseCommandArgs<const O extends Options>(
  argv: string[],
  options: O,
): ReturnType<typeof parseArgs<CommandConfig<O>>> {
  try {
    return parseArgs({ args: argv, allowPositionals: true, options });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}
