import { transaction } from '@jt808/storage';
import type pg from 'pg';
import { followUps } from './callback-store.js';
import { complaintDue } from './clocks.js';
import { automaticComplaints, type FaultTicket } from './complaint-rules.js';
import { type AfterSalesConfig, loadConfig } from './config-store.js';
import { AfterSalesError } from './errors.js';

export interface NewComplaint {
  description: string;
  complex?: boolean;
  ticketId?: string;
  vehicleId?: string;
  handler?: string;
}

/** A complaint the desk records, about a ticket or a vehicle; due in 24 h (complex: 3 working days). */
export async function recordComplaint(
  pool: pg.Pool,
  complaint: NewComplaint,
  actor: string,
  at: Date,
  config: AfterSalesConfig,
): Promise<{ id: string; dueAt: Date }> {
  if (!complaint.description.trim()) throw new AfterSalesError('describe the complaint');
  const dueAt = complaintDue(at, complaint.complex ?? false, config.calendar, config.settings);
  const { rows } = await pool.query<{ id: string }>(
    `INSERT INTO complaints (source, ticket_id, phone, vehicle_id, center_id, service_point_id, installer, description,
                             complex, opened_at, due_at, handler, created_by)
     SELECT 'desk', t.id, coalesce(t.phone, term.phone), v.id, v.center_id, t.service_point_id, t.installer, $3, $4, $5, $6, $7, $8
       FROM vehicles v
       LEFT JOIN tickets t ON t.id = $1
       LEFT JOIN terminals term ON term.vehicle_id = v.id
      WHERE v.id = coalesce($2, t.vehicle_id)
     RETURNING id`,
    [
      complaint.ticketId ?? null,
      complaint.vehicleId ?? null,
      complaint.description,
      complaint.complex ?? false,
      at,
      dueAt,
      complaint.handler ?? null,
      actor,
    ],
  );
  if (!rows[0]) throw new AfterSalesError('no such ticket or vehicle', 'not-found');
  return { id: rows[0].id, dueAt };
}

export interface Finding {
  finding: 'upheld' | 'not-upheld';
  measures: string;
  handler?: string;
  /** Who is charged with an upheld complaint: the service point or the installer responsible. */
  chargedServicePointId?: number;
  chargedInstaller?: string;
  /** Who sees the improvement measures through, and by when (a local date): required when upheld. */
  measuresOwner?: string;
  measuresDue?: string;
}

function isCalendarDate(day: string): boolean {
  const parsed = new Date(`${day}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === day;
}

/** The answer to a complaint: finding, measures; an upheld one is charged to someone. */
export async function answerComplaint(
  pool: pg.Pool,
  id: string,
  finding: Finding,
  at: Date,
): Promise<{ answeredAt: Date; late: boolean }> {
  if (!finding.measures.trim()) throw new AfterSalesError('say what measures were taken');
  if (
    finding.finding === 'upheld' &&
    finding.chargedServicePointId === undefined &&
    !finding.chargedInstaller
  ) {
    throw new AfterSalesError('an upheld complaint is charged to a service point or an installer');
  }
  if ((finding.measuresOwner?.trim() ? 1 : 0) !== (finding.measuresDue ? 1 : 0))
    throw new AfterSalesError('improvement measures have an owner and a deadline, both');
  if (finding.measuresDue && !isCalendarDate(finding.measuresDue))
    throw new AfterSalesError(`no such date: ${finding.measuresDue}`);
  if (finding.finding === 'upheld' && !finding.measuresOwner?.trim())
    throw new AfterSalesError('an upheld complaint’s improvement measures need an owner and a deadline');
  return transaction(pool, async (client) => {
    const { rows } = await client.query<{
      answered_at: Date | null;
      due_at: Date;
      center_id: number | null;
      vehicle_id: string | null;
      service_point_id: number | null;
    }>(
      'SELECT answered_at, due_at, center_id, vehicle_id, service_point_id FROM complaints WHERE id = $1 FOR UPDATE',
      [id],
    );
    const current = rows[0];
    if (!current) throw new AfterSalesError(`no complaint ${id}`, 'not-found');
    if (current.answered_at) throw new AfterSalesError(`complaint ${id} was answered already`, 'conflict');
    if (finding.finding === 'upheld') await assertChargeable(client, finding, current.center_id);
    await client.query(
      `UPDATE complaints SET answered_at = $2, finding = $3, measures = $4, handler = coalesce($5, handler),
              charged_service_point_id = $6, charged_installer = $7, measures_owner = $8, measures_due = $9 WHERE id = $1`,
      [
        id,
        at,
        finding.finding,
        finding.measures,
        finding.handler ?? null,
        finding.finding === 'upheld' ? (finding.chargedServicePointId ?? null) : null,
        finding.finding === 'upheld' ? (finding.chargedInstaller ?? null) : null,
        finding.measuresOwner?.trim() || null,
        finding.measuresDue ?? null,
      ],
    );
    // The complainant is called back about the answer, in the window of a closed ticket's first
    // follow-up call (3 days to a week after; one call, the complaint's own).
    if (current.vehicle_id !== null) {
      const { settings } = await loadConfig(client);
      const [first] = followUps(at, settings);
      await client.query(
        `INSERT INTO callbacks (kind, complaint_id, vehicle_id, center_id, service_point_id, not_before, due_at)
         VALUES ('complaint', $1, $2, $3, $4, $5, $6) ON CONFLICT (complaint_id) DO NOTHING`,
        [id, current.vehicle_id, current.center_id, current.service_point_id, first!.notBefore, first!.dueAt],
      );
    }
    return { answeredAt: at, late: at > current.due_at };
  });
}

/**
 * The party an upheld complaint charges must belong to the complaint's center: a charge costs a
 * service point its standing and an installer part of their pay, so a desk of one center must not
 * reach another's. Installers have no register yet: one is known by the code of their contract
 * (installer_contracts), and belongs to the center of that contract's service point (ids come with
 * the register). A service point that does not exist gets the same answer as another center's.
 */
async function assertChargeable(
  client: pg.PoolClient,
  finding: Finding,
  centerId: number | null,
): Promise<void> {
  if (finding.chargedServicePointId !== undefined) {
    const { rows } = await client.query('SELECT 1 FROM service_points WHERE id = $1 AND center_id = $2', [
      finding.chargedServicePointId,
      centerId,
    ]);
    if (rows.length === 0)
      throw new AfterSalesError(
        `service point ${finding.chargedServicePointId} is not one of center ${centerId}'s`,
      );
  }
  if (finding.chargedInstaller) {
    const { rows } = await client.query(
      `SELECT 1 FROM installer_contracts c JOIN service_points point ON point.id = c.service_point_id
        WHERE c.installer = $1 AND point.center_id = $2`,
      [finding.chargedInstaller, centerId],
    );
    if (rows.length === 0)
      throw new AfterSalesError(
        `installer ${finding.chargedInstaller} has no contract with a service point of center ${centerId}`,
      );
  }
}

/**
 * Raises the platform's own complaints (complaint-rules.ts) for the vehicles with a repair ticket
 * opened since `sinceMs`, from their last two years of repair tickets. The history is the vehicle's,
 * not the terminal's: a fault that comes back on the terminal swapped in for the repaired one is
 * still a repeat (a ticket with no vehicle keeps its terminal's history). Returns how many it raised;
 * running it again raises none twice (rule keys are unique).
 */
export async function raiseAutomaticComplaints(
  pool: pg.Pool,
  sinceMs: number,
  atMs: number,
  config: AfterSalesConfig,
): Promise<number> {
  const { rows } = await pool.query<{
    id: string;
    history: string;
    phone: string | null;
    vehicle_id: string | null;
    center_id: number | null;
    opened_at: Date;
    cause: string;
    close_reason: string | null;
    resolved_at: Date | null;
    service_point_id: number | null;
    installer: string | null;
  }>(
    `WITH recent AS (
       SELECT DISTINCT vehicle_id, phone FROM tickets
        WHERE kind = 'repair' AND opened_at >= $1 AND (vehicle_id IS NOT NULL OR phone IS NOT NULL))
     SELECT id, coalesce('vehicle:' || vehicle_id, 'sim:' || phone) AS history, phone, vehicle_id, center_id, opened_at,
            coalesce(fault_cause_code, fault_cause, reason) AS cause, close_reason, resolved_at, service_point_id, installer
       FROM tickets
      WHERE kind = 'repair' AND opened_at > $1::timestamptz - interval '2 years'
        AND (vehicle_id IN (SELECT vehicle_id FROM recent)
             OR (vehicle_id IS NULL AND phone IN (SELECT phone FROM recent WHERE vehicle_id IS NULL)))
      ORDER BY history, opened_at, id`,
    [new Date(sinceMs)],
  );
  const byHistory = new Map<string, typeof rows>();
  for (const row of rows) byHistory.set(row.history, [...(byHistory.get(row.history) ?? []), row]);
  const at = new Date(atMs);
  const dueAt = complaintDue(at, false, config.calendar, config.settings);
  let raised = 0;
  for (const tickets of byHistory.values()) {
    const history: FaultTicket[] = tickets.map((t) => ({
      id: t.id,
      openedAtMs: t.opened_at.getTime(),
      cause: t.cause,
      closeReason: t.close_reason,
      resolvedAtMs: t.resolved_at?.getTime() ?? null,
      servicePointId: t.service_point_id,
      installer: t.installer,
    }));
    for (const complaint of automaticComplaints(history)) {
      const ticket = tickets.find((t) => t.id === complaint.ticketId)!;
      const inserted = await pool.query(
        `INSERT INTO complaints (source, rule_key, ticket_id, phone, vehicle_id, center_id, service_point_id, installer,
                                 description, opened_at, due_at, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'platform') ON CONFLICT (rule_key) DO NOTHING`,
        [
          complaint.source,
          complaint.ruleKey,
          complaint.ticketId,
          ticket.phone,
          ticket.vehicle_id,
          ticket.center_id,
          complaint.servicePointId,
          complaint.installer,
          complaint.description,
          at,
          dueAt,
        ],
      );
      raised += inserted.rowCount ?? 0;
    }
  }
  return raised;
}

/**
 * Reports a complaint's improvement measures done, once: what was done, by whom and when. Only an
 * answered complaint with measures owned and due has them (409 otherwise, and the second time); the
 * measures' escalation, if raised, then closes by itself (escalation-rounds.ts).
 */
export async function reportMeasuresDone(
  pool: pg.Pool,
  id: string,
  report: string,
  actor: string,
  at: Date,
): Promise<{ measuresDoneAt: Date; late: boolean }> {
  if (!report.trim()) throw new AfterSalesError('say what was done');
  const { rows } = await pool.query<{ late: boolean }>(
    `UPDATE complaints SET measures_done_at = $2, measures_done_by = $3, measures_report = $4
      WHERE id = $1 AND measures_due IS NOT NULL AND measures_done_at IS NULL
      RETURNING measures_due < ($2::timestamptz AT TIME ZONE 'Asia/Shanghai')::date AS late`,
    [id, at, actor, report.trim()],
  );
  if (!rows[0]) throw new AfterSalesError(`complaint ${id} has no measures open`, 'conflict');
  return { measuresDoneAt: at, late: rows[0].late };
}
