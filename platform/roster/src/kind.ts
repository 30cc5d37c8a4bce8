import type { Queryable } from '@jt808/storage';
import type { Columns, RowValues } from './columns.js';
import { FirstLines, type UniqueKey } from './duplicates.js';
import { FileColumns } from './file-columns.js';

export type RosterKindName =
  | 'centers'
  | 'enterprises'
  | 'servicePoints'
  | 'vehicles'
  | 'terminals'
  | 'installations'
  | 'installers'
  | 'installerContracts';

/** A kind as the command line and the report name it: servicePoints -> service-points. */
export function optionOf(kind: RosterKindName): string {
  return kind.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}

/** A row not loaded: the physical line it starts on (the header is line 1) and why. */
export interface Rejection {
  line: number;
  reason: string;
}

/** A row with the line it came from. */
export interface Lined<T> {
  line: number;
  row: T;
}

/** How one kind of roster file is read and stored. */
export interface KindSpec<C extends Columns, Target> {
  name: RosterKindName;
  /** What a row is and what makes it unique, for the template and the docs. */
  description: string;
  columns: C;
  /**
   * Turns rows read from the file into rows to store: checks across columns and looks up the
   * records they refer to. Answers in the order given, each row or its rejection.
   */
  resolve(
    client: Queryable,
    rows: Lined<RowValues<C>>[],
    file: FileColumns<C>,
  ): Promise<Array<Lined<Target> | Rejection>>;
  /** What no two rows of a file may share. */
  uniqueKeys(row: Target): UniqueKey[];
  store(client: Queryable, rows: Target[], file: FileColumns<C>): Promise<void>;
}

/** A kind of roster file, whatever its columns: what the importer and the template need. */
export interface RosterKind {
  readonly name: RosterKindName;
  readonly description: string;
  readonly columns: Columns;
  /** Starts on a file from its header row; throws RosterFileError when the header will not do. */
  begin(headers: readonly string[]): KindFile;
}

/** One file of a kind being loaded, batch after batch. */
export interface KindFile {
  readonly ignoredColumns: readonly string[];
  load(client: Queryable, records: ReadonlyArray<{ line: number; fields: string[] }>): Promise<BatchOutcome>;
}

export interface BatchOutcome {
  loaded: number;
  rejected: Rejection[];
}

export function defineKind<C extends Columns, Target>(spec: KindSpec<C, Target>): RosterKind {
  return {
    name: spec.name,
    description: spec.description,
    columns: spec.columns,
    begin(headers) {
      const file = FileColumns.fromHeader(spec.columns, headers);
      const firstLines = new FirstLines();
      return {
        ignoredColumns: file.ignored,
        async load(client, records) {
          const rejected: Rejection[] = [];
          const read: Lined<RowValues<C>>[] = [];
          for (const { line, fields } of records) {
            const reading = file.read(fields);
            if ('problems' in reading) rejected.push({ line, reason: reading.problems.join('; ') });
            else read.push({ line, row: reading.values });
          }
          const toStore: Target[] = [];
          for (const item of read.length > 0 ? await spec.resolve(client, read, file) : []) {
            if ('reason' in item) {
              rejected.push(item);
              continue;
            }
            // After resolving, so that two ways of naming one vehicle (plate or VIN) are one key.
            const duplicate = firstLines.claim(item.line, spec.uniqueKeys(item.row));
            if (duplicate === undefined) toStore.push(item.row);
            else rejected.push({ line: item.line, reason: duplicate });
          }
          if (toStore.length > 0) await spec.store(client, toStore, file);
          return { loaded: toStore.length, rejected };
        },
      };
    },
  };
}
