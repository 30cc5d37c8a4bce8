import type { Queryable } from '@jt808/storage';
import { loadConfig } from './config-store.js';
import { AfterSalesError } from './errors.js';
import { raiseNotice } from './notice-store.js';

/**
 * Replace after three repairs (docs/after-sales.md, "Replace after three repairs"). Only a report
 * view had a rule (0005's `terminal_repair_flags.replace_terminal`: three in-warranty tickets of one
 * cause on one SIM), and nothing acted on it. When a repair of a vehicle is resolved and it is at
 * least the `replaceAfterRepairs`-th (3) repair of that vehicle resolved within
 * `replaceWindowMonths` (12, the warranty's length) and not out of warranty — counting only repairs
 * since its last exchange — the vehicle is flagged and an exchange is opened: a task on the vehicle
 * that stays open until someone records the exchange done. Keyed on the vehicle, so repairs before
 * and after a terminal swap count together. The exchange's paperwork is its return record(s)
 * (rma_records.exchange_id): the exchange is closed only once the replacement has shipped.
 */
export async function flagRepeatedRepairs(
  db: Queryable,
  ticket: { id: string; vehicle_id: string | null; center_id: number | null },
  at: Date,
): Promise<string | undefined> {
  if (ticket.vehicle_id === null) return undefined;
  const { settings } = await loadConfig(db);
  const { rows } = await db.query<{ repairs: number; plate: string | null }>(
    `SELECT count(*)::int AS repairs, (SELECT plate FROM vehicles WHERE id = $1) AS plate FROM tickets
      WHERE kind = 'repair' AND vehicle_id = $1 AND resolved_at IS NOT NULL AND in_warranty IS NOT FALSE
        AND resolved_at > $2::timestamptz - make_interval(months => $3)
        AND resolved_at > coalesce((SELECT max(done_at) FROM replacement_flags WHERE vehicle_id = $1), '-infinity')`,
    [ticket.vehicle_id, at, settings.replaceWindowMonths],
  );
  const { repairs, plate } = rows[0]!;
  if (repairs < settings.replaceAfterRepairs) return undefined;
  const flagged = await db.query<{ id: string }>(
    `INSERT INTO replacement_flags (vehicle_id, ticket_id, repairs, flagged_at) VALUES ($1, $2, $3, $4)
     ON CONFLICT (vehicle_id) WHERE state = 'open' DO NOTHING RETURNING id`,
    [ticket.vehicle_id, ticket.id, repairs, at],
  );
  const id = flagged.rows[0]?.id;
  if (!id) return undefined; // an exchange is open already
  await db.query(
    `INSERT INTO ticket_events (ticket_id, actor, from_state, to_state, reason, detail)
     VALUES ($1, 'platform', 'resolved', 'resolved', $2, $3)`,
    [
      ticket.id,
      `repair ${repairs} of the vehicle within ${settings.replaceWindowMonths} months: replace, exchange opened`,
      JSON.stringify({ replacementFlag: id, repairs }),
    ],
  );
  await raiseNotice(db, {
    key: `exchange:${id}`,
    kind: 'exchange',
    centerId: ticket.center_id,
    ticketId: ticket.id,
    vehicleId: ticket.vehicle_id,
    text: `车辆 ${plate ?? ticket.vehicle_id} ${settings.replaceWindowMonths}个月内第${repairs}次维修，需更换终端`,
    detail: { repairs, flagId: id },
  });
  return id;
}

/**
 * Where an exchange's return record is: `shipped` once the replacement went out (shipped back, or
 * sent in advance), `arrived` once the faulty unit is in, `recorded` before either.
 */
const RMA_STATE = `CASE WHEN r.shipped_back_at IS NOT NULL OR r.advance_shipped_at IS NOT NULL THEN 'shipped'
                         WHEN r.arrived_at IS NOT NULL THEN 'arrived' ELSE 'recorded' END`;

/** The vehicle's flags, open first, newest first, each with the return records of its exchange. */
export async function replacementFlags(db: Queryable, vehicleId: string): Promise<Record<string, unknown>[]> {
  const { rows } = await db.query(
    `SELECT f.id, f.vehicle_id AS "vehicleId", f.ticket_id AS "ticketId", f.repairs, f.flagged_at AS "flaggedAt", f.state,
            f.done_at AS "doneAt", f.done_by AS "doneBy", f.note,
            (SELECT coalesce(jsonb_agg(jsonb_build_object(
                      'ticketId', r.ticket_id::text, 'formNo', r.form_no, 'carrier', r.carrier, 'waybill', r.waybill,
                      'arrivedAt', r.arrived_at, 'advanceShippedAt', r.advance_shipped_at, 'shippedBackAt', r.shipped_back_at,
                      'state', ${RMA_STATE}) ORDER BY r.ticket_id), '[]')
               FROM rma_records r WHERE r.exchange_id = f.id) AS rma
       FROM replacement_flags f
      WHERE f.vehicle_id = $1 ORDER BY f.state = 'open' DESC, f.flagged_at DESC`,
    [vehicleId],
  );
  return rows;
}

/**
 * Opens the return record of the vehicle's open exchange on a repair ticket of that vehicle (by
 * default the repair that flagged it: its unit is the one exchanged), or links the ticket's record
 * if it has one. A new record starts as a quality fault, as the flag says the product failed. A
 * record of another exchange is not taken over.
 */
export async function linkExchangeRma(
  db: Queryable,
  vehicleId: string,
  ticketId: string | undefined,
  actor: string,
): Promise<string> {
  const { rows: open } = await db.query<{ id: string; ticket_id: string }>(
    `SELECT id, ticket_id FROM replacement_flags WHERE vehicle_id = $1 AND state = 'open'`,
    [vehicleId],
  );
  const flag = open[0];
  if (!flag) throw new AfterSalesError('no exchange is open for this vehicle', 'conflict');
  const id = ticketId ?? flag.ticket_id;
  const { rows: tickets } = await db.query(
    `SELECT 1 FROM tickets WHERE id = $1 AND vehicle_id = $2 AND kind = 'repair'`,
    [id, vehicleId],
  );
  if (!tickets[0]) throw new AfterSalesError(`ticket ${id} is no repair of this vehicle`);
  const { rows } = await db.query(
    `INSERT INTO rma_records (ticket_id, quality, exchange_id, updated_by) VALUES ($1, true, $2, $3)
     ON CONFLICT (ticket_id) DO UPDATE SET exchange_id = EXCLUDED.exchange_id, updated_at = now(), updated_by = EXCLUDED.updated_by
      WHERE rma_records.exchange_id IS NULL OR rma_records.exchange_id = EXCLUDED.exchange_id
     RETURNING ticket_id`,
    [id, flag.id, actor],
  );
  if (!rows[0])
    throw new AfterSalesError(`ticket ${id}'s return record belongs to another exchange`, 'conflict');
  return id;
}

/**
 * Records the open exchange done (the unit replaced). The replacement must have gone out: one of
 * its return records has a shipment (shipped back, or sent in advance), so the exchange's closing
 * names the carrier's waybill rather than a note alone. False when none is open.
 */
export async function closeExchange(
  db: Queryable,
  vehicleId: string,
  note: string,
  actor: string,
): Promise<boolean> {
  const { rows } = await db.query<{ shipped: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM rma_records r WHERE r.exchange_id = f.id
                       AND (r.shipped_back_at IS NOT NULL OR r.advance_shipped_at IS NOT NULL)) AS shipped
       FROM replacement_flags f WHERE f.vehicle_id = $1 AND f.state = 'open' FOR UPDATE`,
    [vehicleId],
  );
  if (!rows[0]) return false;
  if (!rows[0].shipped)
    throw new AfterSalesError(
      "the replacement has not been shipped: record its shipment on the exchange's return record first",
      'conflict',
    );
  await db.query(
    `UPDATE replacement_flags SET state = 'done', done_at = now(), done_by = $2, note = $3
      WHERE vehicle_id = $1 AND state = 'open'`,
    [vehicleId, actor, note],
  );
  return true;
}
