import type pg from 'pg';
import { type FileReport, type ImportOptions, importFile } from './import-file.js';
import type { RosterKindName } from './kind.js';
import { ROSTER_KINDS } from './kinds/index.js';

/** Which file holds which kind of record; any may be left out. */
export type RosterFiles = Partial<Record<RosterKindName, string>>;

export interface ImportReport {
  /** In the order loaded: centers, enterprises, service points, vehicles, terminals, installations, installers, installer contracts. */
  files: FileReport[];
}

/**
 * Loads roster files into the database (migrated already), each in its own transaction, in the
 * order that stores what a file refers to before the file that refers to it.
 */
export async function importRoster(
  pool: pg.Pool,
  files: RosterFiles,
  options: ImportOptions = {},
): Promise<ImportReport> {
  const reports: FileReport[] = [];
  for (const kind of ROSTER_KINDS) {
    const path = files[kind.name];
    if (path !== undefined) reports.push(await importFile(pool, kind, path, options));
  }
  return { files: reports };
}

/** Every row of every file loaded. */
export function everythingLoaded(report: ImportReport): boolean {
  return report.files.every((file) => file.error === undefined && file.rejected.length === 0);
}
