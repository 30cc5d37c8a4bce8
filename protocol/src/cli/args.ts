import { parseCommandArgs, UsageError } from './command-line.js';

export type Topic = 'decode' | 'encode';

export type Command =
  | { kind: 'help'; topic?: Topic }
  | { kind: 'version' }
  /** `pretty` undefined means "pretty on a terminal, compact in a pipe". */
  | { kind: Topic; inputs: string[]; pretty: boolean | undefined };

const TOPICS: readonly string[] = ['decode', 'encode'];

export function parseCommandLine(argv: string[]): Command {
  const { values, positionals } = parseCommandArgs(argv, {
    help: { type: 'boolean', short: 'h' },
    version: { type: 'boolean', short: 'V' },
    pretty: { type: 'boolean' },
    compact: { type: 'boolean' },
  });
  const [first, ...rest] = positionals;
  if (values.version) return { kind: 'version' };
  if (first === 'help') return { kind: 'help', topic: topicOf(rest[0]) };
  if (values.help) return { kind: 'help', topic: topicOf(first) };
  if (first === undefined) throw new UsageError('missing command (decode or encode)');
  const kind = topicOf(first);
  if (kind === undefined) throw new UsageError(`unknown command "${first}"`);
  if (values.pretty && values.compact) throw new UsageError('--pretty and --compact exclude each other');
  const pretty = values.pretty ? true : values.compact ? false : undefined;
  return { kind, inputs: rest, pretty };
}

function topicOf(word: string | undefined): Topic | undefined {
  return word !== undefined && TOPICS.includes(word) ? (word as Topic) : undefined;
}
