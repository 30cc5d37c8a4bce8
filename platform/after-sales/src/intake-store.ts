import type { User } from '@jt808/api-contract';
import { type Queryable, scopeOf, transaction } from '@jt808/storage';
import type pg from 'pg';
import { type ClockName, clockDue, intakeClocks } from './clocks.js';
import type { AfterSalesConfig } from './config-store.js';
import { AfterSalesError } from './errors.js';
import { type CallReport, planIntake } from './intake.js';
import { onsiteHoursOf } from './tickets/onsite-hours.js';
import { deadlines } from './tickets/workflow.js';
import { inWarrantyAt } from './warranty-store.js';

export interface IntakeResult {
  callId: string;
  ticketId: string;
  /** The vehicle's terminal already had an open ticket: the call joined it. */
  attached: boolean;
  state: string;
  clocks: { clock: ClockName; dueAt: Date; metAt: Date | null }[];
}

interface VehicleMatch {
  id: string;
  plate: string;
  center_id: number;
  phone: string | null;
}

/** The one vehicle in scope the caller means; none or several is an AfterSalesError. */
async function findVehicle(pool: pg.Pool, report: CallReport, user: User): Promise<VehicleMatch> {
  const scope = scopeOf(user, 5);
  const { id = null, plate = null, terminal = null, ownerPhone = null } = report.vehicle;
  const { rows } = await pool.query<VehicleMatch>(
    `SELECT vehicle.id, vehicle.plate, vehicle.center_id, t.phone
       FROM vehicles vehicle LEFT JOIN terminals t ON t.vehicle_id = vehicle.id
      WHERE vehicle.id IN (
              -- each key on its own index (a condition over the join would scan every vehicle)
              SELECT id FROM vehicles WHERE id = $1 OR plate = $2 OR owner_phone = $4
              UNION SELECT vehicle_id FROM terminals WHERE phone = ltrim($3, '0'))
        AND ${scope.vehicles}
      ORDER BY vehicle.id LIMIT 5`,
    [id, plate, terminal, ownerPhone, ...scope.params],
  );
  if (rows.length === 0) throw new AfterSalesError('no such vehicle (or not yours to see)', 'not-found');
  if (rows.length > 1) {
    throw new AfterSalesError(
      `several vehicles match (${rows.map((r) => r.plate).join(', ')}): name it by plate or terminal`,
      'conflict',
    );
  }
  return rows[0]!;
}

/**
 * Records a call: attaches it to the open ticket of the vehicle's terminal when there is one,
 * otherwise opens a classified ticket with the desk's clocks (or a closed one when the call itself
 * answered it). Every change is audited in ticket_events.
 */
export async function recordCall(
  pool: pg.Pool,
  report: CallReport,
  user: User,
  config: AfterSalesConfig,
): Promise<IntakeResult> {
  const actor = user.username;
  const plan = planIntake(report);
  const vehicle = await findVehicle(pool, report, user);
  return transaction(pool, async (client) => {
    // One call at a time per vehicle, so two callers cannot open two tickets for it.
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`desk-vehicle:${vehicle.id}`]);
    const open = await client.query<{ id: string; state: string }>(
      `SELECT id, state FROM tickets WHERE closed_at IS NULL AND (phone = $1 OR vehicle_id = $2)
        ORDER BY opened_at LIMIT 1 FOR UPDATE`,
      [vehicle.phone, vehicle.id],
    );
    const existing = open.rows[0];
    let ticketId: string;
    let state: string;
    if (existing) {
      ticketId = existing.id;
      state = existing.state;
      await client.query(
        `UPDATE tickets SET occurrences = occurrences + 1, updated_at = now(),
                reasons = CASE WHEN $2 = ANY (reasons) THEN reasons ELSE reasons || $2 END WHERE id = $1`,
        [ticketId, `desk:${report.category}`],
      );
    } else {
      // The same response and on-site deadlines as the platform's own tickets; a question that needs
      // no visit is to be settled within visitWorkingDays instead. The first answer is a clock of
      // its own, never the ticket's response (so an answered call is no response breach).
      const hours = await onsiteHoursOf(client, vehicle.center_id);
      const { responseDue, onsiteDue: visitDue } = deadlines(
        report.receivedAt.getTime(),
        report.severity,
        hours.local,
      );
      const onsiteDue =
        plan.kind === 'service' && !plan.needsVisit
          ? config.calendar.addWorkingDays(report.receivedAt, config.settings.visitWorkingDays)
          : visitDue;
      const clocks = intakeClocks(
        report.receivedAt,
        { ...report, needsVisit: plan.needsVisit },
        onsiteDue,
        config.calendar,
        config.settings,
      );
      state = plan.closesAtOnce ? 'closed' : 'classified';
      const inserted = await client.query<{ id: string }>(
        `INSERT INTO tickets (kind, phone, vehicle_id, center_id, state, reason, reasons, opened_at, category, severity,
                              response_due, onsite_due, in_warranty, source, closed_at, close_reason)
         VALUES ($1, $2, $3, $4, $5, $6, ARRAY[$6], $7, $8, $9, $10, $11, $12, 'desk', $13, $14) RETURNING id`,
        [
          plan.kind,
          vehicle.phone,
          vehicle.id,
          vehicle.center_id,
          state,
          `desk:${report.category}`,
          report.receivedAt,
          report.category,
          report.severity,
          responseDue,
          onsiteDue,
          await inWarrantyAt(client, vehicle.phone, report.receivedAt),
          plan.closesAtOnce ? report.receivedAt : null,
          plan.closesAtOnce ? 'answered' : null,
        ],
      );
      ticketId = inserted.rows[0]!.id;
      for (const clock of clocks) {
        await client.query(
          'INSERT INTO service_clocks (ticket_id, clock, due_at, met_at) VALUES ($1, $2, $3, $4)',
          [
            ticketId,
            clock.clock,
            clock.dueAt,
            clock.clock === 'first-answer' && plan.closesAtOnce ? report.receivedAt : null,
          ],
        );
      }
    }
    const call = await client.query<{ id: string }>(
      `INSERT INTO desk_calls (received_at, caller_name, caller_phone, vehicle_id, phone, description, category, severity,
                               answered_on_call, ticket_id, attached, taken_by, channel)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id`,
      [
        report.receivedAt,
        report.callerName ?? null,
        report.callerPhone,
        vehicle.id,
        vehicle.phone,
        report.description,
        report.category,
        report.severity,
        plan.closesAtOnce,
        ticketId,
        existing !== undefined,
        actor,
        report.channel ?? 'phone',
      ],
    );
    // The audit names the call, not what the caller said or their number: those stay in the call
    // log, which only the desk roles read (masked), while a ticket's history is shown to all in scope.
    await client.query(
      `INSERT INTO ticket_events (ticket_id, actor, from_state, to_state, reason, detail) VALUES ($1, $2, $3, $4, $5, $6)`,
      [
        ticketId,
        actor,
        existing ? state : null,
        state,
        existing
          ? 'desk call attached'
          : plan.closesAtOnce
            ? 'desk call: answered on the call'
            : 'desk call: opened',
        JSON.stringify(
          existing
            ? { callId: call.rows[0]!.id }
            : { callId: call.rows[0]!.id, category: report.category, severity: report.severity },
        ),
      ],
    );
    const clocks = await client.query<{ clock: ClockName; due_at: Date; met_at: Date | null }>(
      'SELECT clock, due_at, met_at FROM service_clocks WHERE ticket_id = $1 ORDER BY id',
      [ticketId],
    );
    return {
      callId: call.rows[0]!.id,
      ticketId,
      attached: existing !== undefined,
      state,
      clocks: clocks.rows.map((c) => ({ clock: c.clock, dueAt: c.due_at, metAt: c.met_at })),
    };
  });
}

/**
 * The desk's answer to a ticket: meets its first-answer clock; a guidance or consultation ticket
 * the answer settles closes as answered.
 */
export async function answerTicket(
  pool: pg.Pool,
  ticketId: string,
  settled: boolean,
  actor: string,
  at: Date,
): Promise<{ state: string }> {
  return transaction(pool, async (client) => {
    const { rows } = await client.query<{ kind: string; state: string; closed_at: Date | null }>(
      'SELECT kind, state, closed_at FROM tickets WHERE id = $1 FOR UPDATE',
      [ticketId],
    );
    const ticket = rows[0];
    if (!ticket) throw new AfterSalesError(`no ticket ${ticketId}`, 'not-found');
    if (ticket.closed_at) throw new AfterSalesError(`ticket ${ticketId} is closed`, 'conflict');
    if (settled && ticket.kind !== 'service') {
      throw new AfterSalesError('only guidance and consultations are settled by an answer', 'conflict');
    }
    await client.query(
      `UPDATE service_clocks SET met_at = $2 WHERE ticket_id = $1 AND clock = 'first-answer' AND met_at IS NULL`,
      [ticketId, at],
    );
    const to = settled ? 'closed' : ticket.state;
    if (settled) {
      await client.query(
        `UPDATE tickets SET state = 'closed', closed_at = $2, close_reason = 'answered', updated_at = now() WHERE id = $1`,
        [ticketId, at],
      );
    }
    await client.query(
      `INSERT INTO ticket_events (ticket_id, actor, from_state, to_state, reason) VALUES ($1, $2, $3, $4, $5)`,
      [ticketId, actor, ticket.state, to, settled ? 'answered: settled' : 'answered'],
    );
    return { state: to };
  });
}

/** A ticket's clock as the API answers it (the contract's TicketClock, its instants as Dates). */
export interface ClockRow {
  clock: ClockName;
  dueAt: Date;
  metAt: Date | null;
  /** Met late, or not met and past due. */
  breached: boolean;
}

/** A ticket's clocks, in the order they started (GET /api/tickets/:id, /api/desk/tickets/:id/clocks). */
export async function ticketClocks(db: Queryable, ticketId: string | number): Promise<ClockRow[]> {
  const { rows } = await db.query<ClockRow>(
    // Never null (an unmet clock not yet due is no breach), as the contract's boolean says.
    `SELECT clock, due_at AS "dueAt", met_at AS "metAt", CASE WHEN met_at IS NULL THEN due_at < now() ELSE met_at > due_at END AS breached
       FROM service_clocks WHERE ticket_id = $1 ORDER BY id`,
    [ticketId],
  );
  return rows;
}

/**
 * A clock's event on a ticket: `start` an inspection report (the unit was received), or mark any
 * clock `met` (the visit made, the parts on site).
 */
export async function clockEvent(
  pool: pg.Pool,
  ticketId: string,
  clock: ClockName,
  event: 'start' | 'met',
  at: Date,
  config: AfterSalesConfig,
  actor: string,
): Promise<{ clock: ClockName; dueAt: Date; metAt: Date | null }> {
  const { rows: tickets } = await pool.query<{ severity: number | null; state: string }>(
    'SELECT severity, state FROM tickets WHERE id = $1',
    [ticketId],
  );
  if (!tickets[0]) throw new AfterSalesError(`no ticket ${ticketId}`, 'not-found');
  if (event === 'start') {
    if (clock !== 'inspection-report') throw new AfterSalesError(`${clock} starts with the call, not later`);
    const severity = (tickets[0].severity ?? 3) as 1 | 2 | 3;
    const dueAt = clockDue(clock, at, severity, config.calendar, config.settings);
    const { rows } = await pool.query<{ due_at: Date; met_at: Date | null }>(
      `INSERT INTO service_clocks (ticket_id, clock, due_at) VALUES ($1, $2, $3)
       ON CONFLICT (ticket_id, clock) DO UPDATE SET due_at = service_clocks.due_at RETURNING due_at, met_at`,
      [ticketId, clock, dueAt],
    );
    return { clock, dueAt: rows[0]!.due_at, metAt: rows[0]!.met_at };
  }
  const { rows } = await pool.query<{ due_at: Date; met_at: Date | null; newly: boolean }>(
    `WITH before AS (SELECT met_at FROM service_clocks WHERE ticket_id = $1 AND clock = $2)
     UPDATE service_clocks SET met_at = coalesce(met_at, $3) WHERE ticket_id = $1 AND clock = $2
     RETURNING due_at, met_at, (SELECT met_at FROM before) IS NULL AS newly`,
    [ticketId, clock, at],
  );
  if (!rows[0]) throw new AfterSalesError(`ticket ${ticketId} has no ${clock} clock`, 'not-found');
  // In the ticket's history, so the page shows who shipped the part (or met the clock) and when.
  if (rows[0].newly) {
    await pool.query(
      `INSERT INTO ticket_events (ticket_id, actor, from_state, to_state, reason, detail) VALUES ($1, $2, $3, $3, $4, $5)`,
      [ticketId, actor, tickets[0].state, `clock met: ${clock}`, JSON.stringify({ clock, at })],
    );
  }
  return { clock, dueAt: rows[0].due_at, metAt: rows[0].met_at };
}
