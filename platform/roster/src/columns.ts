import type { CellParser } from './cells.js';

/**
 * One column a kind of roster file may have. Its key in the kind's column table is its English name
 * (what `jt808-roster template` prints); `aliases` are the other headers that mean it, Chinese first.
 */
export interface Column<T = unknown, Required extends boolean = boolean> {
  /** The header must have the column and every row a value in it. */
  readonly required: Required;
  readonly parse: CellParser<T>;
  readonly aliases: readonly string[];
  /** One line for the template and the docs. */
  readonly meaning: string;
}

export type Columns = Readonly<Record<string, Column>>;

/** A row read by a kind's columns: required ones always have a value, optional ones may be null. */
export type RowValues<C extends Columns> = {
  [K in keyof C]: C[K] extends Column<infer T, true>
    ? T
    : C[K] extends Column<infer T, false>
      ? T | null
      : never;
};

export function required<T>(
  parse: CellParser<T>,
  aliases: readonly string[],
  meaning: string,
): Column<T, true> {
  return { required: true, parse, aliases, meaning };
}

export function optional<T>(
  parse: CellParser<T>,
  aliases: readonly string[],
  meaning: string,
): Column<T, false> {
  return { required: false, parse, aliases, meaning };
}

/**
 * The form a header cell is compared in: full-width characters folded (NFKC), the asterisk that
 * Chinese templates put on required columns and a trailing hint in brackets (车牌颜色（1蓝2黄）)
 * dropped, case and the spelling of separators ignored (Plate Color = plate_color = plate-color).
 */
export function headerKey(header: string): string {
  return header
    .normalize('NFKC')
    .trim()
    .replace(/^\*+|\*+$/g, '')
    .replace(/\s*[([][^)\]]*[)\]]$/, '')
    .trim()
    .toLowerCase()
    .replace(/[\s_-]+/g, '_');
}
