import { once } from 'node:events';
import { access, constants } from 'node:fs/promises';
import { UsageError } from '@jt808/protocol';
import { createPool, migrate } from '@jt808/storage';
import { type Command, parseCommandLine } from './cli-args.js';
import { helpText, USAGE_HINT } from './cli-help.js';
import { everythingLoaded, importRoster, type RosterFiles } from './import-roster.js';
import { optionOf, type RosterKindName } from './kind.js';
import { reportText } from './report-text.js';
import { templateText } from './template-text.js';

/**
 * The `jt808-roster` command (bin/jt808-roster.js imports the compiled module). Exit status:
 * 0 everything loaded, 1 something was not, 2 bad command line.
 */
const OK = 0;
const NOT_ALL_LOADED = 1;
const USAGE = 2;

async function main(argv: string[]): Promise<number> {
  let command: Command;
  try {
    command = parseCommandLine(argv, process.env);
    if (command.kind === 'import') await checkReadable(command.files);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`jt808-roster: ${error.message}\n${USAGE_HINT}\n`);
    return USAGE;
  }
  switch (command.kind) {
    case 'help':
      await write(helpText(command.topic));
      return OK;
    case 'template':
      await write(templateText(command.kinds));
      return OK;
    case 'import':
      return importCommand(command);
  }
}

async function importCommand(command: Extract<Command, { kind: 'import' }>): Promise<number> {
  try {
    await migrate(command.databaseUrl);
  } catch (error) {
    process.stderr.write(`jt808-roster: cannot migrate the database: ${(error as Error).message}\n`);
    return NOT_ALL_LOADED;
  }
  const pool = createPool(command.databaseUrl, 2);
  try {
    const report = await importRoster(pool, command.files, {
      encoding: command.encoding,
      // The change history names the command and whoever ran it on the server.
      actor: `jt808-roster (${process.env.USER ?? process.env.LOGNAME ?? 'unknown user'})`,
    });
    await write(reportText(report));
    return everythingLoaded(report) ? OK : NOT_ALL_LOADED;
  } finally {
    await pool.end();
  }
}

/** A file named on the command line that is not there is a typo, not a file to report on. */
async function checkReadable(files: RosterFiles): Promise<void> {
  for (const [kind, path] of Object.entries(files) as Array<[RosterKindName, string]>) {
    await access(path, constants.R_OK).catch((error: NodeJS.ErrnoException) => {
      throw new UsageError(
        `--${optionOf(kind)} ${path}: ${error.code === 'ENOENT' ? 'no such file' : error.message}`,
      );
    });
  }
}

/** Waits when the pipe is full, so a long list of rejected rows does not pile up in memory. */
async function write(text: string): Promise<void> {
  if (!process.stdout.write(text)) await once(process.stdout, 'drain');
}

// `jt808-roster import ... | head` closes the pipe early: stop quietly, as cat does.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(process.exitCode ?? OK);
});

process.exitCode = await main(process.argv.slice(2));
