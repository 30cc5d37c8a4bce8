import type pg from 'pg';

/** One row of terminal_events: what happened to a terminal, and the bus delivery it came from. */
export interface TerminalEventRow {
  phone: string;
  at: Date;
  kind: string;
  detail: Record<string, unknown> | null;
  source: string;
}

/** Inserts events in one statement; a redelivered one (same source and kind) adds nothing. */
export async function insertEvents(client: pg.PoolClient, events: TerminalEventRow[]): Promise<number> {
  if (events.length === 0) return 0;
  const result = await client.query(
    `INSERT INTO terminal_events (phone, at, kind, detail, source)
     SELECT * FROM unnest($1::text[], $2::timestamptz[], $3::text[], $4::jsonb[], $5::text[])
     ON CONFLICT (source, kind) DO NOTHING`,
    [
      events.map((e) => e.phone),
      events.map((e) => e.at),
      events.map((e) => e.kind),
      events.map((e) => (e.detail === null ? null : JSON.stringify(e.detail))),
      events.map((e) => e.source),
    ],
  );
  return result.rowCount ?? 0;
}
