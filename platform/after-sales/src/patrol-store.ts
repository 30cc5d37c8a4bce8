import type { User } from '@jt808/api-contract';
import { scopeOf } from '@jt808/storage';
import type pg from 'pg';
import type { AfterSalesConfig } from './config-store.js';
import { AfterSalesError } from './errors.js';

/**
 * Patrol inspections (巡检): a service point's visit to a customer's fleet, and its report, due
 * patrolReportWorkingDays (3) working days after the inspection — the service standard's
 * "inspection report", which starts at the patrol, not when a unit is received.
 */
export interface PatrolInput {
  servicePointId: number;
  enterpriseId?: number;
  vehicles?: number;
  inspectedAt: Date;
  note?: string;
}

const PATROL_COLUMNS = `patrol.id, patrol.center_id AS "centerId", patrol.service_point_id AS "servicePointId",
  point.name AS "servicePoint", patrol.enterprise_id AS "enterpriseId", patrol.vehicles, patrol.inspected_at AS "inspectedAt",
  patrol.note, patrol.recorded_by AS "recordedBy", patrol.report_due AS "reportDue", patrol.reported_at AS "reportedAt",
  patrol.report, patrol.reported_by AS "reportedBy",
  coalesce(patrol.reported_at, now()) > patrol.report_due AS late`;

/** Records a patrol of a service point in the user's scope; its report is due 3 working days later. */
export async function recordPatrol(
  pool: pg.Pool,
  user: User,
  input: PatrolInput,
  now: Date,
  config: AfterSalesConfig,
): Promise<Record<string, unknown>> {
  if (input.inspectedAt.getTime() > now.getTime() + 60_000) {
    throw new AfterSalesError('a patrol is recorded once made: inspectedAt is in the future');
  }
  const scope = scopeOf(user, 2);
  const point = await pool.query<{ center_id: number }>(
    `SELECT point.center_id FROM service_points point WHERE point.id = $1 AND ${scope.servicePoints}`,
    [input.servicePointId, ...scope.params],
  );
  if (!point.rows[0])
    throw new AfterSalesError(`no service point ${input.servicePointId} of yours`, 'not-found');
  const reportDue = config.calendar.addWorkingDays(
    input.inspectedAt,
    config.settings.patrolReportWorkingDays,
  );
  const { rows } = await pool
    .query<{ id: string }>(
      `INSERT INTO patrol_inspections (center_id, service_point_id, enterprise_id, vehicles, inspected_at, note, recorded_by, report_due)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
      [
        point.rows[0].center_id,
        input.servicePointId,
        input.enterpriseId ?? null,
        input.vehicles ?? 0,
        input.inspectedAt,
        input.note ?? null,
        user.username,
        reportDue,
      ],
    )
    .catch((error: { code?: string }) => {
      if (error.code === '23503') throw new AfterSalesError(`no enterprise ${input.enterpriseId}`);
      throw error;
    });
  return (await listPatrols(pool, user, { id: rows[0]!.id }))[0]!;
}

/** Hands in a patrol's report (once); late when after its due time. */
export async function reportPatrol(
  pool: pg.Pool,
  user: User,
  id: string,
  report: string,
  now: Date,
): Promise<Record<string, unknown>> {
  if (!report.trim()) throw new AfterSalesError('the report says what the patrol found');
  const scope = scopeOf(user, 4);
  const { rows } = await pool.query(
    `UPDATE patrol_inspections patrol SET reported_at = $2, report = $3, reported_by = $${scope.params.length + 4}
      WHERE patrol.id = $1 AND patrol.service_point_id IN (SELECT point.id FROM service_points point WHERE ${scope.servicePoints})
        AND patrol.reported_at IS NULL
      RETURNING patrol.id`,
    [id, now, report, ...scope.params, user.username],
  );
  if (rows.length === 0) {
    const [existing] = await listPatrols(pool, user, { id });
    if (!existing) throw new AfterSalesError(`no patrol ${id}`, 'not-found');
    throw new AfterSalesError(`patrol ${id} was reported already`, 'conflict');
  }
  return (await listPatrols(pool, user, { id }))[0]!;
}

/** Patrols in scope, newest first; `open`: those without a report yet. */
export async function listPatrols(
  pool: pg.Pool,
  user: User,
  filter: { id?: string; open?: boolean },
): Promise<Record<string, unknown>[]> {
  const scope = scopeOf(user, 3);
  const { rows } = await pool.query(
    `SELECT ${PATROL_COLUMNS}
       FROM patrol_inspections patrol JOIN service_points point ON point.id = patrol.service_point_id
      WHERE ($1::bigint IS NULL OR patrol.id = $1) AND (NOT $2::boolean OR patrol.reported_at IS NULL) AND ${scope.servicePoints}
      ORDER BY patrol.inspected_at DESC, patrol.id DESC LIMIT 500`,
    [filter.id ?? null, filter.open ?? false, ...scope.params],
  );
  return rows;
}
