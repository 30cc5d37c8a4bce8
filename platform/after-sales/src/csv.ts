/**
 * CSV for spreadsheets (Excel opens UTF-8 only with a BOM): CRLF lines, quoted where needed, and
 * text that a spreadsheet would run as a formula (=, +, -, @ at the start) is prefixed with an
 * apostrophe (a negative number stays a number). Pure.
 */
export type Cell = string | number | boolean | null | undefined;

/** A list as the exports write it (CSV here, XLSX in xlsx.ts): a header and its rows. */
export interface Table {
  header: readonly string[];
  rows: readonly (readonly Cell[])[];
}

/**
 * A report's figures per center as a table: a first column naming the report's period on every
 * line, then each field of the records (as the first one names them; without any, the center alone).
 */
export function periodFiguresTable<T extends { center: unknown }>(
  period: { header: string; name: string },
  records: readonly T[],
): Table {
  const columns = Object.keys(records[0] ?? { center: 0 }) as (keyof T)[];
  return {
    header: [period.header, ...(columns as string[])],
    rows: records.map((record) => [period.name, ...columns.map((k) => record[k] as Cell)]),
  };
}

/** Text a spreadsheet would run as a formula, with an apostrophe in front (both formats use it). */
export function neutralized(text: string): string {
  const formula = /^[=+\-@\t\r]/.test(text) && !/^-?\d+(\.\d+)?$/.test(text);
  return formula ? `'${text}` : text;
}

export function csvCell(value: Cell): string {
  if (value === null || value === undefined) return '';
  if (typeof value !== 'string') return String(value);
  const text = neutralized(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function toCsv(header: readonly string[], rows: readonly (readonly Cell[])[]): string {
  const lines = [header, ...rows].map((row) => row.map(csvCell).join(','));
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

/** Fen (1/100 yuan) as yuan with two decimals, exactly: 123456 → "1234.56". */
export function yuan(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  return `${sign}${Math.trunc(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}
