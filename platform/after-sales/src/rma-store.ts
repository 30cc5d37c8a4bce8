import { transaction } from '@jt808/storage';
import type pg from 'pg';
import { localDay } from './calendar.js';
import type { AfterSalesConfig } from './config-store.js';
import { AfterSalesError } from './errors.js';
import { RETURN_CLOCKS, type ReturnClock, returnClocks } from './rma.js';
import { type Decision, decide, type Exclusion, WarrantyError } from './warranty.js';
import { unitOf } from './warranty-store.js';

/**
 * A repair ticket's returned unit (rma_records), its quotes (repair_quotes) and its clocks
 * (service_clocks, rma.ts): stored, and the warranty decision for it read from the warranty module
 * with what the service point found at receipt.
 */
export interface RmaRecord {
  formNo: string | null;
  carrier: string | null;
  waybill: string | null;
  arrivedAt: Date | null;
  quality: boolean;
  exclusions: Exclusion[];
  badlyDamaged: boolean;
  opened: boolean;
  advanceShippedAt: Date | null;
  shippedBackAt: Date | null;
}

export interface Quote {
  id: string;
  partsFen: number;
  visitFen: number;
  totalFen: number;
  repairDays: number;
  note: string | null;
  quotedAt: Date;
  quotedBy: string;
  decision: 'accepted' | 'refused' | null;
  decidedAt: Date | null;
  decidedBy: string | null;
}

export interface RmaCase {
  /** `exchangeId`: the replace-after-three-repairs exchange the record was opened for (replacement.ts). */
  record: (RmaRecord & { exchangeId: string | null; updatedAt: Date; updatedBy: string }) | null;
  /** The warranty rule for the unit as received; null with `decisionError` when it cannot be known. */
  decision: Decision | null;
  decisionError?: string;
  quotes: Quote[];
  clocks: { clock: string; dueAt: Date; metAt: Date | null; breached: boolean }[];
}

interface TicketFacts {
  id: string;
  kind: string;
  phone: string | null;
  vehicle_id: string | null;
  opened_at: Date;
}

/** Ships are not recorded ahead of time: a day's slack for clocks set a little apart. */
const FUTURE_SLACK_MS = 86_400_000;

export function checkRecord(record: RmaRecord, now: Date): void {
  for (const [name, at] of [
    ['arrivedAt', record.arrivedAt],
    ['advanceShippedAt', record.advanceShippedAt],
    ['shippedBackAt', record.shippedBackAt],
  ] as const) {
    if (at && at.getTime() > now.getTime() + FUTURE_SLACK_MS)
      throw new AfterSalesError(`${name} is in the future`);
  }
  if (record.shippedBackAt && !record.arrivedAt)
    throw new AfterSalesError('a unit is shipped back only after it arrived (arrivedAt)');
  if (record.shippedBackAt && record.arrivedAt && record.shippedBackAt < record.arrivedAt)
    throw new AfterSalesError('shippedBackAt is before arrivedAt');
}

async function ticketFacts(db: pg.PoolClient | pg.Pool, id: string, lock: boolean): Promise<TicketFacts> {
  const { rows } = await db.query<TicketFacts>(
    `SELECT id, kind, phone, vehicle_id, opened_at FROM tickets WHERE id = $1${lock ? ' FOR UPDATE' : ''}`,
    [id],
  );
  const ticket = rows[0];
  if (!ticket) throw new AfterSalesError(`no ticket ${id}`, 'not-found');
  if (ticket.kind !== 'repair') throw new AfterSalesError(`ticket ${id} is not a repair`, 'conflict');
  return ticket;
}

async function loadRecord(db: pg.PoolClient | pg.Pool, id: string): Promise<RmaCase['record']> {
  const { rows } = await db.query(
    `SELECT form_no AS "formNo", carrier, waybill, arrived_at AS "arrivedAt", quality, exclusions,
            badly_damaged AS "badlyDamaged", opened, advance_shipped_at AS "advanceShippedAt",
            shipped_back_at AS "shippedBackAt", exchange_id AS "exchangeId", updated_at AS "updatedAt",
            updated_by AS "updatedBy"
       FROM rma_records WHERE ticket_id = $1`,
    [id],
  );
  return rows[0] ?? null;
}

/** The warranty decision for the ticket's unit on the day the fault was reported. */
async function decisionFor(
  db: pg.PoolClient | pg.Pool,
  ticket: TicketFacts,
  record: RmaRecord | null,
  config: AfterSalesConfig,
): Promise<{ decision: Decision | null; decisionError?: string }> {
  const unit = ticket.phone ? await unitOf(db, ticket.phone, ticket.vehicle_id) : undefined;
  if (!unit) return { decision: null, decisionError: 'the ticket names no known terminal' };
  try {
    return {
      decision: decide(
        unit,
        {
          today: localDay(ticket.opened_at),
          quality: record?.quality ?? false,
          exclusions: record?.exclusions ?? [],
          badlyDamaged: record?.badlyDamaged ?? false,
          opened: record?.opened ?? false,
        },
        config.settings,
      ),
    };
  } catch (error) {
    if (error instanceof WarrantyError) return { decision: null, decisionError: error.message };
    throw error;
  }
}

async function loadQuotes(db: pg.PoolClient | pg.Pool, id: string): Promise<Quote[]> {
  const { rows } = await db.query<Quote>(
    `SELECT id, parts_fen AS "partsFen", visit_fen AS "visitFen", parts_fen + visit_fen AS "totalFen",
            repair_days AS "repairDays", note, quoted_at AS "quotedAt", quoted_by AS "quotedBy", decision,
            decided_at AS "decidedAt", decided_by AS "decidedBy"
       FROM repair_quotes WHERE ticket_id = $1 ORDER BY quoted_at, id`,
    [id],
  );
  return rows;
}

/** Writes the record's clocks as rma.ts derives them; clocks it no longer has are taken out. */
async function syncClocks(client: pg.PoolClient, id: string, clocks: ReturnClock[]): Promise<void> {
  await client.query(
    `DELETE FROM service_clocks WHERE ticket_id = $1 AND clock = ANY ($2::text[]) AND NOT clock = ANY ($3::text[])`,
    [id, RETURN_CLOCKS, clocks.map((c) => c.clock)],
  );
  for (const clock of clocks) {
    await client.query(
      `INSERT INTO service_clocks (ticket_id, clock, due_at, met_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (ticket_id, clock) DO UPDATE SET due_at = EXCLUDED.due_at, met_at = EXCLUDED.met_at`,
      [id, clock.clock, clock.dueAt, clock.metAt],
    );
  }
}

async function recompute(
  client: pg.PoolClient,
  ticket: TicketFacts,
  config: AfterSalesConfig,
): Promise<void> {
  const record = await loadRecord(client, ticket.id);
  const { decision } = await decisionFor(client, ticket, record, config);
  const quotes = await loadQuotes(client, ticket.id);
  const clocks = record
    ? returnClocks(
        { ...record, firstQuotedAt: quotes[0]?.quotedAt ?? null },
        decision?.rule ?? null,
        config.calendar,
        config.settings,
      )
    : [];
  await syncClocks(client, ticket.id, clocks);
}

export async function rmaCase(pool: pg.Pool, id: string, config: AfterSalesConfig): Promise<RmaCase> {
  const ticket = await ticketFacts(pool, id, false);
  const record = await loadRecord(pool, id);
  const { rows: clocks } = await pool.query(
    `SELECT clock, due_at AS "dueAt", met_at AS "metAt", CASE WHEN met_at IS NULL THEN due_at < now() ELSE met_at > due_at END AS breached
       FROM service_clocks WHERE ticket_id = $1 AND clock = ANY ($2::text[]) ORDER BY due_at`,
    [id, RETURN_CLOCKS],
  );
  return {
    record,
    ...(await decisionFor(pool, ticket, record, config)),
    quotes: await loadQuotes(pool, id),
    clocks,
  };
}

/** Records the returned unit whole (a form sends every field) and recomputes its clocks. */
export async function saveRecord(
  pool: pg.Pool,
  id: string,
  record: RmaRecord,
  actor: string,
  now: Date,
  config: AfterSalesConfig,
): Promise<RmaCase> {
  checkRecord(record, now);
  await transaction(pool, async (client) => {
    const ticket = await ticketFacts(client, id, true);
    await client.query(
      `INSERT INTO rma_records (ticket_id, form_no, carrier, waybill, arrived_at, quality, exclusions, badly_damaged, opened,
                                advance_shipped_at, shipped_back_at, updated_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
       ON CONFLICT (ticket_id) DO UPDATE SET form_no = EXCLUDED.form_no, carrier = EXCLUDED.carrier, waybill = EXCLUDED.waybill,
         arrived_at = EXCLUDED.arrived_at, quality = EXCLUDED.quality, exclusions = EXCLUDED.exclusions,
         badly_damaged = EXCLUDED.badly_damaged, opened = EXCLUDED.opened, advance_shipped_at = EXCLUDED.advance_shipped_at,
         shipped_back_at = EXCLUDED.shipped_back_at, updated_at = now(), updated_by = EXCLUDED.updated_by`,
      [
        id,
        record.formNo,
        record.carrier,
        record.waybill,
        record.arrivedAt,
        record.quality,
        record.exclusions,
        record.badlyDamaged,
        record.opened,
        record.advanceShippedAt,
        record.shippedBackAt,
        actor,
      ],
    );
    await recompute(client, ticket, config);
  });
  return rmaCase(pool, id, config);
}

/**
 * Quotes a paid repair: parts and visit fee in integer fen and the days it takes. Refused when the
 * warranty decision is a free one (an in-warranty repair is quoted only when an exclusion made it
 * paid), and while an earlier quote waits for the customer's answer.
 */
export async function addQuote(
  pool: pg.Pool,
  id: string,
  quote: { partsFen: number; visitFen: number; repairDays: number; note?: string },
  actor: string,
  at: Date,
  config: AfterSalesConfig,
): Promise<Quote> {
  return transaction(pool, async (client) => {
    const ticket = await ticketFacts(client, id, true);
    const { decision } = await decisionFor(client, ticket, await loadRecord(client, id), config);
    if (decision && decision.rule !== 'paid-repair')
      throw new AfterSalesError(`no quote for a ${decision.rule}: ${decision.reason.en}`, 'conflict');
    const { rows } = await client.query<{ id: string }>(
      `INSERT INTO repair_quotes (ticket_id, parts_fen, visit_fen, repair_days, note, quoted_at, quoted_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (ticket_id) WHERE decision IS NULL DO NOTHING RETURNING id`,
      [id, quote.partsFen, quote.visitFen, quote.repairDays, quote.note?.trim() || null, at, actor],
    );
    if (!rows[0]) throw new AfterSalesError('an earlier quote still waits for the customer', 'conflict');
    await recompute(client, ticket, config);
    return (await loadQuotes(client, id)).find((q) => q.id === rows[0]!.id)!;
  });
}

/** The customer's answer to a quote, once. */
export async function decideQuote(
  pool: pg.Pool,
  id: string,
  quoteId: string,
  decision: 'accepted' | 'refused',
  actor: string,
  at: Date,
): Promise<Quote> {
  const { rowCount } = await pool.query(
    `UPDATE repair_quotes SET decision = $3, decided_at = $4, decided_by = $5
      WHERE id = $2 AND ticket_id = $1 AND decision IS NULL`,
    [id, quoteId, decision, at, actor],
  );
  const quote = (await loadQuotes(pool, id)).find((q) => q.id === quoteId);
  if (!quote) throw new AfterSalesError(`ticket ${id} has no quote ${quoteId}`, 'not-found');
  if (rowCount === 0) throw new AfterSalesError(`quote ${quoteId} was ${quote.decision} already`, 'conflict');
  return quote;
}
