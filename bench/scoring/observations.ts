import type { TicketState } from '@jt808/after-sales';
import { type SimTime, toSimulated } from '@jt808/platform';
import type { FaultReason, Status } from '@jt808/status';
import type pg from 'pg';

/** Times below are simulated epoch milliseconds unless named real. */
export interface ObservedTransition {
  phone: string;
  atMs: number;
  from: Status;
  to: Status;
  reasons: FaultReason[];
  /** When the platform stored it, real time. */
  recordedAtRealMs: number;
}

export interface ObservedTicket {
  phone: string;
  /** What opened it ('offline' or a fault reason), and every reason seen on it since. */
  reason: string;
  reasons: string[];
  openedAtMs: number;
  state: TicketState;
  incidentId: number | null;
  closeReason: string | null;
}

export interface ObservedIncident {
  id: number;
  scope: 'center' | 'platform';
  scopeId: string;
  openedAtMs: number;
  clearedAtMs: number | null;
  phones: string[];
}

/** A stored fix, reduced to what decides whether a fault could be seen: ACC and motion. */
export interface ObservedFix {
  atMs: number;
  accOn: boolean;
  speedKmh: number;
}

export interface Observations {
  transitions: ObservedTransition[];
  tickets: ObservedTicket[];
  incidents: ObservedIncident[];
  /** Per phone, by receive time. */
  fixes: Map<string, ObservedFix[]>;
}

const ACC_ON = 1;

/** Reads back what the platform stored during a run: transitions, repair tickets, incidents and fixes. */
export async function readObservations(pool: pg.Pool, time: SimTime): Promise<Observations> {
  const transitions = await pool.query<{
    phone: string;
    at: Date;
    from_status: Status;
    to_status: Status;
    reasons: FaultReason[];
    recorded_at: Date;
  }>('SELECT phone, at, from_status, to_status, reasons, recorded_at FROM status_transitions ORDER BY id');
  const tickets = await pool.query<{
    phone: string;
    reason: string;
    reasons: string[];
    opened_at: Date;
    state: TicketState;
    incident_id: string | null;
    close_reason: string | null;
  }>(
    `SELECT phone, reason, reasons, opened_at, state, incident_id, close_reason FROM tickets WHERE kind = 'repair' ORDER BY id`,
  );
  const incidents = await pool.query<{
    id: string;
    scope: 'center' | 'platform';
    scope_id: string;
    opened_at: Date;
    cleared_at: Date | null;
    detail: { phones?: string[] } | null;
  }>('SELECT id, scope, scope_id, opened_at, cleared_at, detail FROM incidents ORDER BY id');
  const fixes = await pool.query<{ phone: string; received_at: Date; status: string; speed: number | null }>(
    'SELECT phone, received_at, status, speed FROM positions ORDER BY phone, received_at',
  );
  const byPhone = new Map<string, ObservedFix[]>();
  for (const row of fixes.rows) {
    const list = byPhone.get(row.phone) ?? [];
    if (list.length === 0) byPhone.set(row.phone, list);
    list.push({
      atMs: toSimulated(time, row.received_at.getTime()),
      accOn: (Number(row.status) & ACC_ON) !== 0,
      speedKmh: row.speed ?? 0,
    });
  }
  return {
    transitions: transitions.rows.map((r) => ({
      phone: r.phone,
      atMs: r.at.getTime(),
      from: r.from_status,
      to: r.to_status,
      reasons: r.reasons,
      recordedAtRealMs: r.recorded_at.getTime(),
    })),
    tickets: tickets.rows.map((r) => ({
      phone: r.phone,
      reason: r.reason,
      reasons: r.reasons,
      openedAtMs: r.opened_at.getTime(),
      state: r.state,
      incidentId: r.incident_id === null ? null : Number(r.incident_id),
      closeReason: r.close_reason,
    })),
    incidents: incidents.rows.map((r) => ({
      id: Number(r.id),
      scope: r.scope,
      scopeId: r.scope_id,
      openedAtMs: r.opened_at.getTime(),
      clearedAtMs: r.cleared_at?.getTime() ?? null,
      phones: r.detail?.phones ?? [],
    })),
    fixes: byPhone,
  };
}
