import type { User } from '@jt808/api-contract';
import { scopeOf } from '@jt808/storage';
import type pg from 'pg';
import { addDays, startOfDay } from './calendar.js';
import type { AfterSalesConfig } from './config-store.js';
import {
  type InstallCounts,
  type InstallPlan,
  type InstallProgress,
  installProgress,
} from './install-progress.js';

/** Install progress by the end of local date `day` for the centers in the user's scope and their sum. */
export async function installProgressOf(
  pool: pg.Pool,
  user: User,
  day: string,
  config: AfterSalesConfig,
): Promise<InstallProgress[]> {
  const end = startOfDay(addDays(day, 1));
  const { rows: plans } = await pool.query<InstallPlan>(
    `SELECT plan.center_id AS center, plan.target, to_char(plan.starts_on, 'YYYY-MM-DD') AS "startsOn",
            to_char(plan.due_on, 'YYYY-MM-DD') AS "dueOn"
       FROM install_plans plan JOIN centers center ON center.id = plan.center_id WHERE ${scopeOf(user, 1).centers}`,
    scopeOf(user, 1).params,
  );
  const scope = scopeOf(user, 2);
  // Vehicles, not installations: a vehicle fitted twice (a redo) is one vehicle equipped.
  const { rows: counts } = await pool.query<InstallCounts>(
    `SELECT center.id AS center,
            count(DISTINCT i.vehicle_id) FILTER (WHERE i.done_at < $1)::int AS installed,
            count(DISTINCT t.vehicle_id) FILTER (WHERE t.registered_at < $1 AND st.last_fix_time IS NOT NULL)::int AS "checkedIn",
            count(DISTINCT i.vehicle_id) FILTER (WHERE i.accepted_at < $1 AND i.owner_signed_at < $1)::int AS accepted
       FROM centers center
       JOIN vehicles vehicle ON vehicle.center_id = center.id
       LEFT JOIN installations i ON i.vehicle_id = vehicle.id
       LEFT JOIN terminals t ON t.vehicle_id = vehicle.id
       LEFT JOIN terminal_state st ON st.phone = t.phone
      WHERE ${scope.centers}
      GROUP BY center.id`,
    [end, ...scope.params],
  );
  return installProgress(day, plans, counts, config.calendar);
}

/** Sets a center's plan (replacing the one it had); false when the center is not in the user's scope. */
export async function saveInstallPlan(
  pool: pg.Pool,
  user: User,
  center: number,
  plan: { target: number; startsOn: string; dueOn: string },
): Promise<boolean> {
  const scope = scopeOf(user, 6);
  const { rowCount } = await pool.query(
    `INSERT INTO install_plans (center_id, target, starts_on, due_on, updated_by)
     SELECT center.id, $2, $3, $4, $5 FROM centers center WHERE center.id = $1 AND ${scope.centers}
     ON CONFLICT (center_id) DO UPDATE SET target = EXCLUDED.target, starts_on = EXCLUDED.starts_on,
       due_on = EXCLUDED.due_on, updated_by = EXCLUDED.updated_by, updated_at = now()`,
    [center, plan.target, plan.startsOn, plan.dueOn, user.username, ...scope.params],
  );
  return rowCount === 1;
}
