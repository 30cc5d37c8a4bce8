import type { OwnerSignoff, User } from '@jt808/api-contract';
import { type Scope, scopeOf } from '@jt808/storage';
import type pg from 'pg';
import { addDays, startOfDay } from './calendar.js';
import type { AfterSalesConfig } from './config-store.js';
import { type Settlement, SettlementError, settle } from './settlement.js';

/**
 * The settlements of the installers under contract (all in the user's scope, or one) for the
 * local dates [from, to]: their installations accepted in the period, the upheld complaints
 * charged to them and answered in the period.
 */
export async function settlements(
  pool: pg.Pool,
  user: User,
  period: { from: string; to: string; installer?: string },
  config: AfterSalesConfig,
): Promise<Settlement[]> {
  const start = startOfDay(period.from);
  const end = startOfDay(addDays(period.to, 1));
  if (end <= start)
    throw new SettlementError(`the period ends (${period.to}) before it starts (${period.from})`);
  const scope = scopeOf(user, 2);
  const { rows: contracts } = await pool.query<{
    installer: string;
    fee_fen: number;
    min_per_day: number | null;
  }>(
    `SELECT c.installer, c.fee_fen, c.min_per_day FROM installer_contracts c
       LEFT JOIN service_points point ON point.id = c.service_point_id
      WHERE ($1::text IS NULL OR c.installer = $1) AND (${scope.servicePoints}) ORDER BY c.installer`,
    [period.installer ?? null, ...scope.params],
  );
  if (contracts.length === 0) return [];
  const installers = contracts.map((c) => c.installer);
  const { rows: installations } = await pool.query<{
    id: string;
    installer: string;
    planned_on: string | null;
    accepted_on: string;
    owner_signed: boolean;
  }>(
    `SELECT id, installer, to_char(planned_on, 'YYYY-MM-DD') AS planned_on,
            to_char(accepted_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD') AS accepted_on,
            owner_signed_at IS NOT NULL AS owner_signed
       FROM installations WHERE installer = ANY ($1) AND accepted_at >= $2 AND accepted_at < $3 ORDER BY id`,
    [installers, start, end],
  );
  const { rows: complaints } = await pool.query<{ id: string; installer: string; answered_on: string }>(
    // Only complaints of the center the installer's contract is with: one charged by another
    // center (before charges were checked, complaint-store.ts) does not touch this pay.
    `SELECT complaint.id, complaint.charged_installer AS installer,
            to_char(complaint.answered_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD') AS answered_on
       FROM complaints complaint
       JOIN installer_contracts c ON c.installer = complaint.charged_installer
       JOIN service_points point ON point.id = c.service_point_id AND point.center_id = complaint.center_id
      WHERE complaint.finding = 'upheld' AND complaint.charged_installer = ANY ($1)
        AND complaint.answered_at >= $2 AND complaint.answered_at < $3
      ORDER BY complaint.id`,
    [installers, start, end],
  );
  const workingDays = config.calendar.workingDaysIn(period.from, period.to).length;
  return contracts.map((contract) =>
    settle({
      installer: contract.installer,
      from: period.from,
      to: period.to,
      feeFen: contract.fee_fen,
      minPerDay: contract.min_per_day ?? config.settings.minInstallationsPerDay,
      workingDays,
      delayRate: config.settings.delayDeductionRate,
      complaintRate: config.settings.complaintDeductionRate,
      installations: installations
        .filter((i) => i.installer === contract.installer)
        .map((i) => ({
          id: i.id,
          plannedOn: i.planned_on,
          acceptedOn: i.accepted_on,
          ownerSigned: i.owner_signed,
        })),
      upheldComplaints: complaints
        .filter((c) => c.installer === contract.installer)
        .map((c) => ({ id: c.id, answeredOn: c.answered_on })),
    }),
  );
}

/**
 * Records the owner's sign-off of an installation at a service point in scope (n = 2), kept from
 * the first time; undefined when there is no such installation in scope.
 */
export async function signOffInstallation(
  pool: pg.Pool,
  scope: Scope,
  id: number,
): Promise<OwnerSignoff | undefined> {
  // The instants are Dates until the contract's serializer writes them as its ISO strings.
  const { rows } = await pool.query<OwnerSignoff>(
    `UPDATE installations i SET owner_signed_at = coalesce(i.owner_signed_at, now())
       FROM service_points point
      WHERE i.id = $1 AND point.id = i.service_point_id AND ${scope.servicePoints}
     RETURNING i.id, i.owner_signed_at AS "ownerSignedAt", i.accepted_at AS "acceptedAt"`,
    [id, ...scope.params],
  );
  return rows[0];
}
