import { readFileSync } from 'node:fs';
import { normalizePhone } from '@jt808/protocol';
import type pg from 'pg';

/**
 * The no-loss check every fleet benchmark ends with: what fleet-sim says the gateway acknowledged
 * (its `--acks` files) against what `positions` holds, terminal by terminal.
 */

/** Acknowledged locations per phone (as stored: leading zeros dropped), summed over `--acks` files. */
export function readAcks(...paths: string[]): Map<string, number> {
  const acknowledged = new Map<string, number>();
  for (const path of paths)
    for (const line of readFileSync(path, 'utf8').trim().split('\n').slice(1)) {
      const [phone, n] = line.split(',');
      const key = normalizePhone(phone!);
      acknowledged.set(key, (acknowledged.get(key) ?? 0) + Number(n));
    }
  return acknowledged;
}

export interface NoLoss {
  acknowledged: number;
  /** Fixes stored of the terminals that acknowledged any. */
  stored: number;
  /** Acknowledged but not stored: must be 0. */
  lost: number;
  terminalsLosing: number;
  /** Stored beyond what was acknowledged: answers the terminal gave up waiting for. */
  unacknowledgedStored: number;
}

export async function compareWithStored(pool: pg.Pool, acknowledged: Map<string, number>): Promise<NoLoss> {
  const { rows } = await pool.query<{ phone: string; n: number }>(
    'SELECT phone, count(*)::int AS n FROM positions WHERE phone = ANY($1) GROUP BY phone',
    [[...acknowledged.keys()]],
  );
  const stored = new Map(rows.map((r) => [r.phone, r.n]));
  const result: NoLoss = { acknowledged: 0, stored: 0, lost: 0, terminalsLosing: 0, unacknowledgedStored: 0 };
  for (const [phone, n] of acknowledged) {
    const have = stored.get(phone) ?? 0;
    result.acknowledged += n;
    result.stored += have;
    if (have < n) {
      result.lost += n - have;
      result.terminalsLosing++;
    } else result.unacknowledgedStored += have - n;
  }
  return result;
}
