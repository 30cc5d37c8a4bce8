import { actAs, transaction } from '@jt808/storage';
import type pg from 'pg';
import { csvRecords } from './csv-records.js';
import { RosterFileError } from './file-error.js';
import type { KindFile, Rejection, RosterKind, RosterKindName } from './kind.js';
import { detectEncoding, openText, type TextEncoding } from './text-source.js';

export interface ImportOptions {
  /** The files' text encoding; by default each file's is detected (UTF-8 if valid, else GBK). */
  encoding?: TextEncoding;
  /** Rows stored per statement. */
  batchSize?: number;
  /**
   * Who imports, as the change history names them (source `import`); without it, the database's
   * login role.
   */
  actor?: string;
}

export interface FileReport {
  kind: RosterKindName;
  path: string;
  /** As detected or given; null when the file could not be read. */
  encoding: TextEncoding | null;
  /** Data rows read (blank rows not counted). */
  read: number;
  loaded: number;
  /** By line. */
  rejected: Rejection[];
  /** Header cells naming no column of the kind; their cells were not read. */
  ignoredColumns: string[];
  /** Why no row of the file was loaded (unreadable file, unusable header, database failure). */
  error?: string;
}

const DEFAULT_BATCH_SIZE = 5000;

/**
 * Loads one roster file in one transaction: its good rows are inserted or updated, its bad rows
 * reported; a file that cannot be loaded as a whole loads nothing.
 */
export async function importFile(
  pool: pg.Pool,
  kind: RosterKind,
  path: string,
  options: ImportOptions = {},
): Promise<FileReport> {
  const report: FileReport = {
    kind: kind.name,
    path,
    encoding: null,
    read: 0,
    loaded: 0,
    rejected: [],
    ignoredColumns: [],
  };
  try {
    const encoding = options.encoding ?? (await detectEncoding(path));
    report.encoding = encoding;
    await transaction(pool, async (client) => {
      if (options.actor !== undefined) await actAs(client, { actor: options.actor, source: 'import' });
      // One import at a time: installations are matched without a unique key, and two imports
      // moving the same terminals could deadlock.
      await client.query(`SELECT pg_advisory_xact_lock(hashtext('jt808-roster import'))`);
      // Each batch probes unique indexes for a few thousand keys. With the default random_page_cost
      // (4, for spinning disks) and, during a first import, no statistics on the growing tables, the
      // planner would rather hash a whole 400,000-row table for every batch; the tables are cached,
      // so price index probes as such. And JIT compiling those plans takes longer (~100 ms) than
      // running them.
      await client.query('SET LOCAL random_page_cost = 1.1');
      await client.query('SET LOCAL jit = off');
      let file: KindFile | undefined;
      let batch: Array<{ line: number; lastLine: number; fields: string[] }> = [];
      const flush = async () => {
        if (file === undefined || batch.length === 0) return;
        const outcome = await file.load(client, batch);
        report.loaded += outcome.loaded;
        const lastLines = new Map(batch.map((record) => [record.line, record.lastLine]));
        report.rejected.push(
          ...outcome.rejected.map((rejection) => spanned(rejection, lastLines.get(rejection.line))),
        );
        batch = [];
      };
      for await (const record of csvRecords((fromLine) => openText(path, encoding, fromLine))) {
        if (file === undefined) {
          if ('problem' in record)
            throw new RosterFileError(`header (line ${record.line}): ${record.problem}`);
          file = kind.begin(record.fields);
          report.ignoredColumns = [...file.ignoredColumns];
          continue;
        }
        report.read++;
        if ('problem' in record) report.rejected.push({ line: record.line, reason: record.problem });
        else batch.push(record);
        if (batch.length >= (options.batchSize ?? DEFAULT_BATCH_SIZE)) await flush();
      }
      await flush();
      if (file === undefined) throw new RosterFileError('the file is empty, without even a header row');
    });
  } catch (error) {
    if (!isFileProblem(error)) throw error;
    report.loaded = 0;
    report.error = error.message;
  }
  report.rejected.sort((a, b) => a.line - b.line);
  return report;
}

/**
 * A bad row over several lines is most often a stray quote pairing with one further down, which
 * makes one row of the lines between: say so.
 */
function spanned(rejection: Rejection, lastLine: number | undefined): Rejection {
  if (lastLine === undefined || lastLine === rejection.line) return rejection;
  return {
    line: rejection.line,
    reason: `${rejection.reason} (the row runs over lines ${rejection.line}-${lastLine}: are its quotes right?)`,
  };
}

/** What stops one file but not the others: bad content, an unreadable file, a refusing database. */
function isFileProblem(error: unknown): error is Error {
  return (
    error instanceof RosterFileError ||
    (error instanceof Error && typeof (error as NodeJS.ErrnoException).code === 'string')
  );
}
