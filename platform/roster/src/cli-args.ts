import { parseCommandArgs, UsageError } from '@jt808/protocol';
import type { RosterFiles } from './import-roster.js';
import { optionOf, type RosterKindName } from './kind.js';
import { ROSTER_KINDS } from './kinds/index.js';
import { TEXT_ENCODINGS, type TextEncoding } from './text-source.js';

export type Topic = 'import' | 'template';

export type Command =
  | { kind: 'help'; topic?: Topic }
  | { kind: 'import'; databaseUrl: string; files: RosterFiles; encoding?: TextEncoding }
  | { kind: 'template'; kinds: RosterKindName[] };

export function parseCommandLine(argv: string[], env: NodeJS.ProcessEnv): Command {
  const { values, positionals } = parseCommandArgs(argv, {
    help: { type: 'boolean', short: 'h' },
    'database-url': { type: 'string' },
    encoding: { type: 'string' },
    ...Object.fromEntries(ROSTER_KINDS.map((kind) => [optionOf(kind.name), { type: 'string' as const }])),
  });
  const [command, ...rest] = positionals;
  if (command === 'help') return { kind: 'help', topic: topicOf(rest[0]) };
  if (values.help === true) return { kind: 'help', topic: topicOf(command) };
  switch (command) {
    case undefined:
      throw new UsageError('missing command (import or template)');
    case 'template':
      return {
        kind: 'template',
        kinds: rest.length === 0 ? ROSTER_KINDS.map((kind) => kind.name) : rest.map(kindOf),
      };
    case 'import':
      if (rest.length > 0)
        throw new UsageError(`unexpected argument "${rest[0]}" (files go after --vehicles etc.)`);
      return importCommand(values, env);
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

function importCommand(
  values: Record<string, string | boolean | undefined>,
  env: NodeJS.ProcessEnv,
): Command {
  const files: RosterFiles = {};
  for (const { name } of ROSTER_KINDS) {
    const path = values[optionOf(name)];
    if (typeof path === 'string') files[name] = path;
  }
  if (Object.keys(files).length === 0) {
    throw new UsageError(
      `nothing to import: give at least one of ${ROSTER_KINDS.map((kind) => `--${optionOf(kind.name)}`).join(', ')}`,
    );
  }
  const databaseUrl = (values['database-url'] as string | undefined) ?? env.DATABASE_URL;
  if (databaseUrl === undefined || databaseUrl === '') {
    throw new UsageError('no database: give --database-url or set DATABASE_URL');
  }
  const encoding = values.encoding as string | undefined;
  if (encoding === undefined) return { kind: 'import', databaseUrl, files };
  const known = TEXT_ENCODINGS.find((name) => name === encoding.toLowerCase().replace(/^utf8$/, 'utf-8'));
  if (known === undefined)
    throw new UsageError(`--encoding must be ${TEXT_ENCODINGS.join(' or ')}, not "${encoding}"`);
  return { kind: 'import', databaseUrl, files, encoding: known };
}

function topicOf(word: string | undefined): Topic | undefined {
  return word === 'import' || word === 'template' ? word : undefined;
}

function kindOf(word: string): RosterKindName {
  const kind = ROSTER_KINDS.find((candidate) => optionOf(candidate.name) === word || candidate.name === word);
  if (kind === undefined) {
    throw new UsageError(
      `unknown kind "${word}" (${ROSTER_KINDS.map((candidate) => optionOf(candidate.name)).join(', ')})`,
    );
  }
  return kind.name;
}
