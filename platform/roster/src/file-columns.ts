import { CellError } from './cells.js';
import { type Column, type Columns, headerKey, type RowValues } from './columns.js';
import { RosterFileError } from './file-error.js';

/** Characters of a cell shown in a message. */
const MAX_SHOWN = 60;

export type RowReading<C extends Columns> = { values: RowValues<C> } | { problems: string[] };

/**
 * The columns of one file, as its header row lays them out: which of the kind's columns sits at
 * which position and under what header, so rows can be read by name and problems named the way
 * the file names them.
 */
export class FileColumns<C extends Columns> {
  /** Each of the kind's columns with its position in the file, if the file has it. */
  private readonly layout: ReadonlyArray<{ name: string; column: Column; position: number | undefined }>;

  private constructor(
    columns: C,
    private readonly positions: ReadonlyMap<keyof C, number>,
    private readonly headers: readonly string[],
    /** Header cells that name none of the kind's columns (序号, 司机...); their cells are skipped. */
    readonly ignored: readonly string[],
  ) {
    this.layout = Object.entries(columns).map(([name, column]) => ({
      name,
      column,
      position: positions.get(name),
    }));
  }

  static fromHeader<C extends Columns>(columns: C, headers: readonly string[]): FileColumns<C> {
    const byKey = new Map<string, keyof C>();
    for (const [name, column] of Object.entries(columns)) {
      for (const alias of [name, ...column.aliases]) byKey.set(headerKey(alias), name);
    }
    const positions = new Map<keyof C, number>();
    const ignored: string[] = [];
    headers.forEach((header, position) => {
      if (header.trim() === '') return;
      const name = byKey.get(headerKey(header));
      if (name === undefined) {
        ignored.push(header.trim());
        return;
      }
      const earlier = positions.get(name);
      if (earlier !== undefined) {
        throw new RosterFileError(
          `header: "${headers[earlier]?.trim()}" and "${header.trim()}" are the same column (${String(name)})`,
        );
      }
      positions.set(name, position);
    });
    const missing = Object.entries(columns)
      .filter(([name, column]) => column.required && !positions.has(name))
      .map(([name, column]) => `${column.aliases[0]} (${name})`);
    if (missing.length > 0) {
      throw new RosterFileError(
        `header: missing column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}; ` +
          `the header has ${headers.map((h) => JSON.stringify(h.trim())).join(', ')}`,
      );
    }
    return new FileColumns(columns, positions, headers, ignored);
  }

  /** Whether the file has the column; columns it lacks are left as they are in the database. */
  has(name: keyof C): boolean {
    return this.positions.has(name);
  }

  /** The column's header in this file, for messages. */
  label(name: keyof C): string {
    const position = this.positions.get(name);
    return position === undefined ? String(name) : (this.headers[position]?.trim() ?? String(name));
  }

  /**
   * A cell for a message: the column's header and the text, quoted and escaped so that a line
   * break in it does not break the report's lines, and cut short when long.
   */
  cell(name: keyof C, text: string): string {
    const shown = text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN - 1)}…` : text;
    return `${this.label(name)} ${JSON.stringify(shown)}`;
  }

  /** Reads a data row; every problem in it is reported, not only the first. */
  read(fields: readonly string[]): RowReading<C> {
    if (fields.length !== this.headers.length) {
      return { problems: [`${fields.length} fields where the header has ${this.headers.length}`] };
    }
    const values: Record<string, unknown> = {};
    const problems: string[] = [];
    for (const { name, column, position } of this.layout) {
      const cell = position === undefined ? '' : (fields[position]?.trim() ?? '');
      if (cell === '') {
        if (column.required) problems.push(`missing ${this.label(name)}`);
        values[name] = null;
        continue;
      }
      try {
        values[name] = column.parse(cell);
      } catch (error) {
        if (!(error instanceof CellError)) throw error;
        problems.push(`${this.cell(name, cell)}: ${error.message}`);
      }
    }
    return problems.length > 0 ? { problems } : { values: values as RowValues<C> };
  }
}
