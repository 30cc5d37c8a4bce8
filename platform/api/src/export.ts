import { type Cell, type Table, toCsv, toXlsx } from '@jt808/after-sales';
import type { FastifyReply } from 'fastify';

/**
 * Every list's export (docs/api.md, "Exports"): the list's route takes `?format=csv|xlsx` and
 * hands the rows it would answer in JSON — already scoped by its SQL and masked — to `sendTable`.
 * One module for all lists, so the content type, the file name, the formula guard and the
 * spelling of dates are the same everywhere.
 */
export type ExportFormat = 'json' | 'csv' | 'xlsx';

/** The `format` query property every exportable list accepts. */
export const formatProperty = { type: 'string', enum: ['json', 'csv', 'xlsx'], default: 'json' } as const;

/** The most rows an export holds (a list in JSON pages; an export is the whole list, up to this). */
export const EXPORT_ROWS = 10_000;

const CONTENT_TYPES = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
} as const;

/** A value from PostgreSQL as a cell: instants in Asia/Shanghai wall-clock time, lists joined. */
export function cellOf(value: unknown): Cell {
  if (value instanceof Date)
    return new Date(+value + 8 * 3_600_000).toISOString().slice(0, 19).replace('T', ' ');
  if (Array.isArray(value)) return value.map((item) => String(cellOf(item) ?? '')).join('; ');
  if (value !== null && typeof value === 'object') return JSON.stringify(value);
  return value as Cell;
}

/** Rows of named columns as a table of `columns`, in that order. */
export function tableOf(rows: readonly object[], columns: readonly string[]): Table {
  return {
    header: columns,
    rows: rows.map((row) => columns.map((column) => cellOf((row as Record<string, unknown>)[column]))),
  };
}

/**
 * Rows as a table whose columns keep the names the files have always had (docs/api.md, "Exports"),
 * each read from the answer's field it maps to (`{ received_at: 'receivedAt' }`), in that order.
 */
export function tableOfFields(rows: readonly object[], fields: Readonly<Record<string, string>>): Table {
  const columns = Object.entries(fields);
  return {
    header: columns.map(([header]) => header),
    rows: rows.map((row) => columns.map(([, field]) => cellOf((row as Record<string, unknown>)[field]))),
  };
}

/** Sends the table as a download named `<name>.<format>` (name: ASCII letters, digits, - and _). */
export async function sendTable(
  reply: FastifyReply,
  format: Exclude<ExportFormat, 'json'>,
  name: string,
  table: Table,
): Promise<FastifyReply> {
  const file = `${name.replace(/[^A-Za-z0-9_-]/g, '_')}.${format}`;
  const body = format === 'csv' ? toCsv(table.header, table.rows) : await toXlsx(table, name);
  return reply
    .type(CONTENT_TYPES[format])
    .header('content-disposition', `attachment; filename="${file}"`)
    .send(body);
}
