import type { Queryable } from '../db/pool.js';
import { loadConfig } from './config-store.js';
import { raiseNotice } from './notice-store.js';

/**
 * Replace after three repairs (docs/after-sales.md, "Replace after three repairs"). Only a report
 * view had a rule (0005's `terminal_repair_flags.replace_terminal`: three in-warranty tickets of one
 * cause on one SIM), and nothing acted on it. When a repair of a vehicle is resolved and it is at
 * least the `replaceAfterRepairs`-th (3) repair of that vehicle resolved within
 * `replaceWindowMonths` (12, the warranty's length) and not out of warranty — counting only repairs
 * since its last exchange — the vehicle is flagged and an exchange is opened: a task on the vehicle
 * that stays open until someone records the exchange done. Keyed on the vehicle, so repairs before
 * and after a terminal swap count together.
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

/** The vehicle's flags, open first, newest first. */
export async function replacementFlags(db: Queryable, vehicleId: string): Promise<Record<string, unknown>[]> {
  const { rows } = await db.query(
    `SELECT id, vehicle_id, ticket_id, repairs, flagged_at, state, done_at, done_by, note FROM replacement_flags
      WHERE vehicle_id = $1 ORDER BY state = 'open' DESC, flagged_at DESC`,
    [vehicleId],
  );
  return rows;
}

/** Records the open exchange done (the unit replaced); false when none is open. */
export async function closeExchange(
  db: Queryable,
  vehicleId: string,
  note: string,
  actor: string,
): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE replacement_flags SET state = 'done', done_at = now(), done_by = $2, note = $3
      WHERE vehicle_id = $1 AND state = 'open'`,
    [vehicleId, actor, note],
  );
  return (rowCount ?? 0) > 0;
}
