import { transaction } from '@jt808/storage';
import type pg from 'pg';
import type { TicketSettings } from './ticket-keeper.js';

/**
 * Install tickets, from the installation register and the roster rather than from verdicts:
 * - an installation past its planned date (plus the grace days) whose vehicle has no terminal that
 *   ever reported (never-seen: signing in alone is not reporting): 'installation-overdue';
 * - a terminal that registered (was installed) long enough ago but never authenticated
 *   ('never-authenticated') or never sent a fix ('no-fix-after-install').
 * An install ticket closes by itself once its terminal is online with a fix before anyone was
 * dispatched; a resolved one is verified once the terminal has been online for the verify time.
 */
export async function reviewInstallations(
  pool: pg.Pool,
  nowMs: number,
  settings: TicketSettings,
): Promise<void> {
  const now = new Date(nowMs);
  await transaction(pool, async (client) => {
    const opened = await client.query<{ id: string; reason: string }>(
      `WITH overdue AS (
         SELECT DISTINCT ON (i.vehicle_id) i.vehicle_id, t.phone, v.center_id, 'installation-overdue' AS reason
           FROM installations i
           JOIN vehicles v ON v.id = i.vehicle_id
           LEFT JOIN terminals t ON t.vehicle_id = i.vehicle_id
           LEFT JOIN terminal_status s ON s.phone = t.phone
          WHERE i.done_at IS NULL AND i.planned_on + $2::int < $1::timestamptz::date
            AND (t.phone IS NULL OR s.status IS NULL OR s.status = 'never-seen')
       ), silent AS (
         SELECT t.vehicle_id, t.phone, v.center_id,
                CASE WHEN st.connected_at IS NULL THEN 'never-authenticated' ELSE 'no-fix-after-install' END AS reason
           FROM terminals t
           LEFT JOIN vehicles v ON v.id = t.vehicle_id
           LEFT JOIN terminal_state st ON st.phone = t.phone
          WHERE t.registered_at < $1::timestamptz - make_interval(hours => $3::int)
            AND (st.connected_at IS NULL OR st.last_fix_time IS NULL)
       )
       INSERT INTO tickets (kind, phone, vehicle_id, center_id, state, reason, reasons, opened_at, response_due, onsite_due)
       SELECT 'install', phone, vehicle_id, center_id, 'new', reason, ARRAY[reason], $1,
              $1::timestamptz + interval '2 hours', $1::timestamptz + interval '24 hours'
         FROM (SELECT * FROM overdue UNION ALL SELECT * FROM silent) due
       ON CONFLICT (kind, (coalesce(phone, 'vehicle:' || vehicle_id::text))) WHERE closed_at IS NULL DO NOTHING
       RETURNING id, reason`,
      [now, settings.installOverdueDays, settings.installCheckInHours],
    );
    await audit(client, opened.rows, null, 'new', (r) => `opened: ${r.reason}`);

    const checkedIn = `SELECT s.phone FROM terminal_status s JOIN terminal_state st ON st.phone = s.phone
                        WHERE s.status IN ('online', 'faulty') AND st.last_fix_time IS NOT NULL`;
    const recovered = await client.query<{ id: string; from_state: string }>(
      `UPDATE tickets t SET state = 'closed', closed_at = $1, close_reason = 'self-recovered', updated_at = now()
         FROM tickets old
        WHERE old.id = t.id AND t.kind = 'install' AND t.closed_at IS NULL AND t.state IN ('held', 'new', 'classified')
          AND t.phone IN (${checkedIn})
        RETURNING t.id, old.state AS from_state`,
      [now],
    );
    await audit(
      client,
      recovered.rows,
      (r) => r.from_state,
      'closed',
      () => 'terminal checked in before dispatch',
    );

    const verified = await client.query<{ id: string }>(
      `UPDATE tickets t SET state = 'closed', verified_at = $1, closed_at = $1, close_reason = 'verified', updated_at = now()
        WHERE t.kind = 'install' AND t.state = 'resolved'
          AND t.phone IN (SELECT s.phone FROM terminal_status s JOIN terminal_state st ON st.phone = s.phone
                           WHERE s.status = 'online' AND st.last_fix_time IS NOT NULL
                             AND s.since <= $1::timestamptz - make_interval(mins => $2::int)
                             AND s.since >= t.resolved_at - interval '1 minute')
        RETURNING t.id`,
      [now, settings.verifyMinutes],
    );
    await audit(
      client,
      verified.rows,
      () => 'resolved',
      'closed',
      () => 'verified by the platform: installed terminal online',
    );
  });
}

async function audit<R extends { id: string }>(
  client: pg.PoolClient,
  rows: R[],
  from: ((row: R) => string) | null,
  to: string,
  why: (row: R) => string,
): Promise<void> {
  if (rows.length === 0) return;
  await client.query(
    `INSERT INTO ticket_events (ticket_id, actor, from_state, to_state, reason)
     SELECT id, 'platform', from_state, $3, reason FROM unnest($1::bigint[], $2::text[], $4::text[]) AS u(id, from_state, reason)`,
    [rows.map((r) => r.id), rows.map((r) => (from ? from(r) : null)), to, rows.map(why)],
  );
}
