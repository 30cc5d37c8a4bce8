import { transaction } from '@jt808/storage';
import type pg from 'pg';
import { noticeTicketAction } from '../ticket-notices.js';
import { inWarrantyAt } from '../warranty-store.js';
import { type Distance, onsiteHoursOf } from './onsite-hours.js';
import { swapTerminal } from './terminal-swap.js';
import { deadlines, nextState, type TicketAction, TicketError, type TicketState } from './workflow.js';

export interface OpenRequest {
  kind: 'repair' | 'install';
  phone: string;
  /** 'offline' or a fault reason. */
  reason: string;
  atMs: number;
  /** Opened while an incident holds per-vehicle tickets. */
  incidentId?: number;
}

export interface TicketRow {
  id: string;
  kind: string;
  phone: string | null;
  vehicle_id: string | null;
  state: TicketState;
  reason: string;
  reasons: string[];
  occurrences: number;
  center_id: number | null;
  service_point_id: number | null;
  installer: string | null;
  severity: number | null;
  opened_at: Date;
  resolved_at: Date | null;
  closed_at: Date | null;
  close_reason: string | null;
  in_warranty: boolean | null;
  breaches: string[];
  distance: Distance;
  appointment_at: Date | null;
  arrived_at: Date | null;
}

/**
 * Opens a ticket, or adds an occurrence to the one already open for the terminal and kind (one open
 * ticket per terminal and kind). Returns the ticket id and whether it is new.
 */
export async function openTicket(
  pool: pg.Pool,
  request: OpenRequest,
): Promise<{ id: string; created: boolean }> {
  return transaction(pool, async (client) => {
    const center = await client.query<{ center_id: number }>(
      'SELECT v.center_id FROM terminals t JOIN vehicles v ON v.id = t.vehicle_id WHERE t.phone = $1',
      [request.phone],
    );
    const hours = await onsiteHoursOf(client, center.rows[0]?.center_id ?? null);
    const { responseDue, onsiteDue } = deadlines(request.atMs, null, hours.local);
    // The warranty module's answer, the same as the warranty route's (after-sales/warranty.ts).
    const inWarranty = await inWarrantyAt(client, request.phone, new Date(request.atMs));
    const { rows } = await client.query<{ id: string; created: boolean }>(
      `INSERT INTO tickets (kind, phone, vehicle_id, center_id, state, reason, reasons, incident_id, opened_at,
                            response_due, onsite_due, in_warranty)
       SELECT $1, $2, t.vehicle_id, v.center_id, $3, $4, ARRAY[$4], $5, $6, $7, $8, $9
         FROM (SELECT 1) one
         LEFT JOIN terminals t ON t.phone = $2
         LEFT JOIN vehicles v ON v.id = t.vehicle_id
       ON CONFLICT (kind, (coalesce(phone, 'vehicle:' || vehicle_id::text))) WHERE closed_at IS NULL DO UPDATE SET
         occurrences = tickets.occurrences + 1,
         reasons = CASE WHEN $4 = ANY (tickets.reasons) THEN tickets.reasons ELSE tickets.reasons || $4 END,
         updated_at = now()
       RETURNING id, (xmax = 0) AS created`,
      [
        request.kind,
        request.phone,
        request.incidentId ? 'held' : 'new',
        request.reason,
        request.incidentId ?? null,
        new Date(request.atMs),
        responseDue,
        onsiteDue,
        inWarranty,
      ],
    );
    const ticket = rows[0]!;
    if (ticket.created) {
      await audit(
        client,
        ticket.id,
        'platform',
        null,
        request.incidentId ? 'held' : 'new',
        `opened: ${request.reason}`,
      );
    }
    return ticket;
  });
}

async function audit(
  client: pg.PoolClient,
  ticketId: string,
  actor: string,
  from: TicketState | null,
  to: TicketState,
  reason: string | null,
  detail: object | null = null,
): Promise<void> {
  await client.query(
    'INSERT INTO ticket_events (ticket_id, actor, from_state, to_state, reason, detail) VALUES ($1, $2, $3, $4, $5, $6)',
    [ticketId, actor, from, to, reason, detail === null ? null : JSON.stringify(detail)],
  );
}

async function lockTicket(client: pg.PoolClient, id: string): Promise<TicketRow> {
  const { rows } = await client.query<TicketRow>('SELECT * FROM tickets WHERE id = $1 FOR UPDATE', [id]);
  if (rows.length === 0) throw new TicketError(`no ticket ${id}`);
  return rows[0]!;
}

/** A person's action on a ticket, checked against the workflow and audited. */
export async function advanceTicket(
  pool: pg.Pool,
  id: string,
  action: TicketAction,
  actor: string,
): Promise<TicketRow> {
  return transaction(pool, async (client) => {
    const ticket = await lockTicket(client, id);
    const to = nextState(ticket.state, action);
    switch (action.action) {
      case 'classify': {
        const hours = await onsiteHoursOf(client, ticket.center_id);
        const { responseDue, onsiteDue } = deadlines(
          ticket.opened_at.getTime(),
          action.severity,
          hours[ticket.distance],
        );
        await client.query(
          'UPDATE tickets SET category = $2, severity = $3, response_due = $4, onsite_due = $5 WHERE id = $1',
          [id, action.category, action.severity, responseDue, onsiteDue],
        );
        break;
      }
      case 'dispatch': {
        if (action.servicePointId !== undefined)
          await assertServicePointOf(client, ticket, action.servicePointId);
        const servicePoint = action.servicePointId ?? (await nearestServicePoint(client, ticket));
        if (servicePoint === null)
          throw new TicketError(`no service point of center ${ticket.center_id} has room`);
        const distance = action.distance ?? 'local';
        const hours = await onsiteHoursOf(client, ticket.center_id);
        const { onsiteDue } = deadlines(ticket.opened_at.getTime(), ticket.severity, hours[distance]);
        await client.query(
          'UPDATE tickets SET service_point_id = $2, installer = $3, distance = $4, onsite_due = $5 WHERE id = $1',
          [id, servicePoint, action.installer, distance, onsiteDue],
        );
        // A desk ticket's visit clock is the on-site deadline (docs/after-sales.md).
        await client.query(
          `UPDATE service_clocks SET due_at = $2 WHERE ticket_id = $1 AND clock = 'visit' AND met_at IS NULL`,
          [id, onsiteDue],
        );
        break;
      }
      case 'arrive':
        // Arriving meets the visit clock of a desk ticket; lateness is measured against the appointment.
        await client.query('UPDATE tickets SET arrived_at = now() WHERE id = $1', [id]);
        await client.query(
          `UPDATE service_clocks SET met_at = now() WHERE ticket_id = $1 AND clock = 'visit' AND met_at IS NULL`,
          [id],
        );
        break;
      case 'reassign': {
        const target = await reassignTarget(client, ticket, action);
        // The new hands make their own appointment with the owner.
        await client.query(
          'UPDATE tickets SET service_point_id = $2, installer = $3, appointment_at = NULL WHERE id = $1',
          [id, target.servicePointId, target.installer],
        );
        break;
      }
      case 'appoint':
        await client.query('UPDATE tickets SET appointment_at = $2 WHERE id = $1', [id, action.at]);
        break;
      case 'resolve':
        if (action.faultCauseCode) await assertFaultCause(client, action.faultCauseCode);
        if (action.replacementPhone) await swapTerminal(client, ticket, action.replacementPhone);
        await client.query(
          `UPDATE tickets SET fault_cause_code = $2, fault_cause = $3, parts_replaced = $4, replacement_phone = $5,
                  resolved_at = now() WHERE id = $1`,
          [
            id,
            action.faultCauseCode ?? null,
            action.faultCause?.trim() || null,
            action.partsReplaced ?? [],
            action.replacementPhone ?? null,
          ],
        );
        break;
      case 'cancel':
        await client.query(`UPDATE tickets SET closed_at = now(), close_reason = 'cancelled' WHERE id = $1`, [
          id,
        ]);
        break;
      case 'callback':
        await client.query(
          'UPDATE tickets SET satisfaction = $2, callback_comment = $3, callback_at = now() WHERE id = $1',
          [id, action.satisfaction, action.comment ?? null],
        );
        break;
      default:
        break;
    }
    await client.query('UPDATE tickets SET state = $2, updated_at = now() WHERE id = $1', [id, to]);
    const { action: name, ...detail } = action;
    await audit(client, id, actor, ticket.state, to, name, detail);
    await noticeTicketAction(client, ticket, action);
    return lockTicket(client, id);
  });
}

/** A cause is one of the catalogue's active codes (after-sales/fault-causes.ts); others are a 400. */
async function assertFaultCause(client: pg.PoolClient, code: string): Promise<void> {
  const { rows } = await client.query('SELECT 1 FROM fault_causes WHERE code = $1 AND active', [code]);
  if (rows.length === 0) throw new TicketError(`no active fault cause ${code}`, 'invalid');
}

/**
 * The nearest service point of the ticket's center that still has room (open tickets below its
 * capacity), measured from the vehicle's last position, or from the center when there is none.
 */
async function nearestServicePoint(client: pg.PoolClient, ticket: TicketRow): Promise<number | null> {
  const { rows } = await client.query<{ id: number }>(
    `SELECT sp.id
       FROM service_points sp
       LEFT JOIN terminal_state s ON s.phone = $2
       LEFT JOIN centers c ON c.id = sp.center_id
      WHERE sp.center_id = $1
        AND (SELECT count(*) FROM tickets o WHERE o.service_point_id = sp.id AND o.closed_at IS NULL) < sp.capacity
      ORDER BY (coalesce(sp.latitude, c.latitude) - coalesce(s.latitude, c.latitude)) ^ 2
             + (coalesce(sp.longitude, c.longitude) - coalesce(s.longitude, c.longitude)) ^ 2 NULLS LAST, sp.id
      LIMIT 1`,
    [ticket.center_id, ticket.phone],
  );
  return rows[0]?.id ?? null;
}

/**
 * A service point named by the dispatcher must be one of the ticket's center: its staff get to see
 * the vehicle, its track and its archive, and to send it commands. One that does not exist and one
 * of another center get the same answer (400), so the answer tells nothing about other centers.
 */
async function assertServicePointOf(
  client: pg.PoolClient,
  ticket: TicketRow,
  servicePointId: number,
): Promise<void> {
  const { rows } = await client.query('SELECT 1 FROM service_points WHERE id = $1 AND center_id = $2', [
    servicePointId,
    ticket.center_id,
  ]);
  if (rows.length === 0)
    throw new TicketError(
      `service point ${servicePointId} is not one of center ${ticket.center_id}'s`,
      'invalid',
    );
}

/**
 * Where a reassignment sends the ticket: an installer of the register, active, at a service point
 * of the ticket's center (their service point goes with them), or a service point of the center
 * (its installer to be named). Not where it is already. Another center's target is refused like a
 * missing one.
 */
async function reassignTarget(
  client: pg.PoolClient,
  ticket: TicketRow,
  action: Extract<TicketAction, { action: 'reassign' }>,
): Promise<{ servicePointId: number; installer: string | null }> {
  let target: { servicePointId: number; installer: string | null };
  if (action.installer?.trim()) {
    const { rows } = await client.query<{ service_point_id: number }>(
      `SELECT i.service_point_id FROM installers i JOIN service_points sp ON sp.id = i.service_point_id
        WHERE i.code = $1 AND i.active AND sp.center_id = $2`,
      [action.installer.trim(), ticket.center_id],
    );
    if (!rows[0])
      throw new TicketError(
        `installer ${action.installer} is not an active installer of center ${ticket.center_id}`,
        'invalid',
      );
    if (action.servicePointId !== undefined && action.servicePointId !== rows[0].service_point_id)
      throw new TicketError(`installer ${action.installer} works for another service point`, 'invalid');
    target = { servicePointId: rows[0].service_point_id, installer: action.installer.trim() };
  } else {
    await assertServicePointOf(client, ticket, action.servicePointId!);
    target = { servicePointId: action.servicePointId!, installer: null };
  }
  if (target.servicePointId === ticket.service_point_id && target.installer === ticket.installer)
    throw new TicketError('the ticket is there already', 'invalid');
  return target;
}

/**
 * The platform's own moves: self-recovery, verification, closing, releasing a held ticket; false
 * when the ticket had moved on. `at` is the ticket keeper's clock, which opened the ticket too (the
 * simulation's in the demo, docs/status-and-tickets.md), so a ticket never closes before it opened.
 */
export async function platformMove(
  pool: pg.Pool,
  id: string,
  move: 'self-recovered' | 'verified' | 'close-verified' | 'release',
  why: string,
  at: Date,
): Promise<boolean> {
  return transaction(pool, async (client) => {
    const ticket = await lockTicket(client, id);
    // `sql` sets the move's own columns, with `at` as $3.
    const allowed: Record<typeof move, { from: TicketState[]; to: TicketState; sql?: string }> = {
      'self-recovered': {
        from: ['held', 'new', 'classified'],
        to: 'closed',
        sql: `closed_at = $3, close_reason = 'self-recovered'`,
      },
      verified: { from: ['resolved'], to: 'verified', sql: 'verified_at = $3' },
      'close-verified': {
        from: ['verified'],
        to: 'closed',
        sql: `closed_at = $3, close_reason = 'verified'`,
      },
      release: { from: ['held'], to: 'new' },
    };
    const rule = allowed[move];
    if (!rule.from.includes(ticket.state)) return false; // someone moved it meanwhile: nothing to do
    await client.query(
      `UPDATE tickets SET state = $2, updated_at = now()${rule.sql ? `, ${rule.sql}` : ''} WHERE id = $1`,
      rule.sql ? [id, rule.to, at] : [id, rule.to],
    );
    await audit(client, id, 'platform', ticket.state, rule.to, why);
    return true;
  });
}
