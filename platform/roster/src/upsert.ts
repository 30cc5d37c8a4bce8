import type { Queryable } from '@jt808/storage';

export type SqlType =
  | 'text'
  | 'integer'
  | 'smallint'
  | 'bigint'
  | 'double precision'
  | 'date'
  | 'timestamptz'
  | 'boolean';

/** A table column filled from the field of the same name in the rows stored. */
export interface StoredColumn<T> {
  name: keyof T & string;
  type: SqlType;
  /** The file columns it comes from: when the file has none of them, the stored value is left alone. */
  from?: readonly string[];
}

export function stored<T>(name: keyof T & string, type: SqlType, ...from: string[]): StoredColumn<T> {
  return from.length === 0 ? { name, type } : { name, type, from };
}

export interface UpsertPlan<T> {
  table: string;
  /** The natural key: rows are matched on it; it is never changed. */
  key: StoredColumn<T>[];
  /** Written when a row is inserted, never changed afterwards (an id other tables refer to). */
  insertOnly?: StoredColumn<T>[];
  /** Written on insert and on update. */
  columns: StoredColumn<T>[];
  /** SQL written on insert and on update, the same for every row. */
  fixed?: Record<string, string>;
  /**
   * 'constraint': the key has a unique constraint, so INSERT ... ON CONFLICT. 'lookup': it has none
   * (installations by vehicle and planned day): rows matching the key are updated, the rest inserted;
   * the caller keeps other writers out meanwhile.
   */
  match: 'constraint' | 'lookup';
}

/**
 * The plan of a register kept by code (centers, enterprises, service points, installers): matched
 * on its code, which has a unique constraint; its name always written, then `columns`.
 */
export function planByCode<T extends { code: string; name: string }>(
  table: string,
  columns: StoredColumn<T>[],
  insertOnly?: StoredColumn<T>[],
): UpsertPlan<T> {
  return {
    table,
    key: [stored('code', 'text')],
    insertOnly,
    columns: [stored('name', 'text'), ...columns],
    match: 'constraint',
  };
}

/**
 * Inserts or updates `rows` in one statement: every column travels as one array parameter, unnested
 * server-side, so a batch of thousands costs one round trip and no statement text per row. A stored
 * row that already holds the values is not rewritten, so importing a file again writes nothing.
 */
export async function upsert<T>(
  client: Queryable,
  plan: UpsertPlan<T>,
  rows: readonly T[],
  file: { has(column: string): boolean },
): Promise<void> {
  const inFile = (column: StoredColumn<T>) => column.from?.some((source) => file.has(source)) ?? true;
  const updated = plan.columns.filter(inFile);
  const passed = [...plan.key, ...(plan.insertOnly ?? []), ...updated];
  const fixed = Object.entries(plan.fixed ?? {});
  const keys = plan.key.map((column) => column.name);

  const input = `unnest(${passed.map((column, i) => `$${i + 1}::${column.type}[]`).join(', ')})
    AS input (${passed.map((column) => column.name).join(', ')})`;
  const insert = `INSERT INTO ${plan.table} AS stored (${[...passed.map((column) => column.name), ...fixed.map(([name]) => name)].join(', ')})
    SELECT ${[...passed.map((column) => `input.${column.name}`), ...fixed.map(([, sql]) => sql)].join(', ')}`;
  // What an update sets, with the new values taken from `from` (EXCLUDED or input).
  const targets = [...updated.map((column) => column.name), ...fixed.map(([name]) => name)];
  const values = (from: string) => [
    ...updated.map((column) => `${from}.${column.name}`),
    ...fixed.map(([, sql]) => sql),
  ];
  const set = (from: string) => `SET ${targets.map((name, i) => `${name} = ${values(from)[i]}`).join(', ')}`;
  const changed = (from: string) =>
    `(${targets.map((name) => `stored.${name}`).join(', ')}) IS DISTINCT FROM (${values(from).join(', ')})`;
  const sameKey = (table: string) => keys.map((name) => `${table}.${name} = input.${name}`).join(' AND ');

  const sql =
    plan.match === 'constraint'
      ? `${insert} FROM ${input}
         ON CONFLICT (${keys.join(', ')}) DO ${targets.length === 0 ? 'NOTHING' : `UPDATE ${set('EXCLUDED')} WHERE ${changed('EXCLUDED')}`}`
      : `WITH input AS (SELECT * FROM ${input}),
         matched AS (SELECT ${keys.map((name) => `stored.${name}`).join(', ')} FROM ${plan.table} stored JOIN input ON ${sameKey('stored')})
         ${targets.length === 0 ? '' : `, updated AS (UPDATE ${plan.table} stored ${set('input')} FROM input WHERE ${sameKey('stored')} AND ${changed('input')})`}
         ${insert} FROM input WHERE NOT EXISTS (SELECT 1 FROM matched WHERE ${sameKey('matched')})`;
  await client.query(
    sql,
    passed.map((column) => rows.map((row) => row[column.name] ?? null)),
  );
}
