import type { FaultCause, FaultCauseChange } from '@jt808/api-contract';
import type { Queryable } from '@jt808/storage';
import { AfterSalesError } from './errors.js';

/**
 * The fault-cause catalogue (table fault_causes): codes with Chinese and English names, kept by
 * administrators. A resolved ticket names its cause by code, so repeats and the fault-by-model
 * report compare like with like; a code no longer wanted is made inactive, never deleted (old
 * tickets keep it). Its codes' spelling, the rows and the changes are the contract's
 * (FAULT_CAUSE_CODE, FaultCause, FaultCauseChange in @jt808/api-contract).
 */

export async function listFaultCauses(db: Queryable, includeInactive: boolean): Promise<FaultCause[]> {
  const { rows } = await db.query<FaultCause>(
    `SELECT code, name_zh AS "nameZh", name_en AS "nameEn", active FROM fault_causes WHERE active OR $1 ORDER BY code = 'other', code`,
    [includeInactive],
  );
  return rows;
}

export async function addFaultCause(
  db: Queryable,
  cause: { code: string; nameZh: string; nameEn: string },
  actor: string,
): Promise<FaultCause> {
  const { rows } = await db.query<FaultCause>(
    `INSERT INTO fault_causes (code, name_zh, name_en, updated_by) VALUES ($1, $2, $3, $4)
     ON CONFLICT (code) DO NOTHING RETURNING code, name_zh AS "nameZh", name_en AS "nameEn", active`,
    [cause.code, cause.nameZh.trim(), cause.nameEn.trim(), actor],
  );
  if (!rows[0]) throw new AfterSalesError(`fault cause ${cause.code} exists`, 'conflict');
  return rows[0];
}

export async function changeFaultCause(
  db: Queryable,
  code: string,
  change: FaultCauseChange,
  actor: string,
): Promise<FaultCause> {
  const { rows } = await db.query<FaultCause>(
    `UPDATE fault_causes SET name_zh = coalesce($2, name_zh), name_en = coalesce($3, name_en),
            active = coalesce($4, active), updated_at = now(), updated_by = $5
      WHERE code = $1 RETURNING code, name_zh AS "nameZh", name_en AS "nameEn", active`,
    [code, change.nameZh?.trim() ?? null, change.nameEn?.trim() ?? null, change.active ?? null, actor],
  );
  if (!rows[0]) throw new AfterSalesError(`no fault cause ${code}`, 'not-found');
  return rows[0];
}
