import type { Queryable } from '@jt808/storage';
import { localDay } from './calendar.js';
import { loadSettings } from './config-store.js';
import type { AfterSalesSettings } from './settings.js';
import { coveredOn, knownWarranty, type Unit } from './warranty.js';

/** What the warranty rules read of a terminal `t`, as columns of a query (see unitFromRow). */
export const UNIT_COLUMNS = `to_char(t.shipped_on, 'YYYY-MM-DD') AS unit_shipped_on, t.ship_mode AS unit_ship_mode,
  to_char(t.installed_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD') AS unit_installed_on,
  to_char(t.warranty_until, 'YYYY-MM-DD') AS unit_stated_until`;

export interface UnitColumns {
  unit_shipped_on: string | null;
  unit_ship_mode: 'express' | 'freight' | null;
  unit_installed_on: string | null;
  unit_stated_until: string | null;
}

export function unitFromRow(row: UnitColumns): Unit {
  return {
    shippedOn: row.unit_shipped_on,
    shipMode: row.unit_ship_mode,
    installedOn: row.unit_installed_on,
    statedUntil: row.unit_stated_until,
  };
}

/**
 * A row's warranty end by the warranty module, with the unit's columns taken out of it: what lists
 * show (the customer archive) instead of the roster's stored end.
 */
export function withWarrantyUntil<T extends UnitColumns>(
  row: T,
  settings: AfterSalesSettings,
): Omit<T, keyof UnitColumns> & { warrantyUntil: string | null } {
  const { unit_shipped_on, unit_ship_mode, unit_installed_on, unit_stated_until, ...rest } = row;
  return { ...rest, warrantyUntil: knownWarranty(unitFromRow(row), settings)?.until ?? null };
}

/**
 * A terminal as the warranty rules see it: how it was shipped or when installed (or, when neither
 * is known, the warranty end the roster states), and the dates its vehicle's unit was exchanged
 * before (resolved tickets that put in a replacement terminal). `vehicleId` names the vehicle when
 * the terminal has left it (the faulty unit of a swap).
 */
export async function unitOf(
  db: Queryable,
  phone: string,
  vehicleId: string | null = null,
): Promise<Unit | undefined> {
  const { rows } = await db.query<UnitColumns & { exchanges: string[] }>(
    `SELECT ${UNIT_COLUMNS},
            coalesce((SELECT array_agg(to_char(x.resolved_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD') ORDER BY x.resolved_at)
                        FROM tickets x
                       WHERE x.replacement_phone IS NOT NULL AND x.resolved_at IS NOT NULL
                         AND x.vehicle_id = coalesce($2, t.vehicle_id)), '{}') AS exchanges
       FROM terminals t WHERE t.phone = ltrim($1, '0')`,
    [phone, vehicleId],
  );
  const row = rows[0];
  return row && { ...unitFromRow(row), exchanges: row.exchanges };
}

/**
 * Whether a terminal is in warranty at `at` (local day), by the warranty module: what a new ticket
 * records. Null when the terminal or its warranty start is unknown.
 */
export async function inWarrantyAt(db: Queryable, phone: string | null, at: Date): Promise<boolean | null> {
  if (phone === null) return null;
  // The status engine opens tickets through here: the unit's own columns only, no exchange history.
  const { rows } = await db.query<UnitColumns>(`SELECT ${UNIT_COLUMNS} FROM terminals t WHERE t.phone = $1`, [
    phone,
  ]);
  return rows[0] ? coveredOn(unitFromRow(rows[0]), localDay(at), await loadSettings(db)) : null;
}
