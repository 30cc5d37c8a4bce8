import type pg from 'pg';
import { type Queryable, transaction } from './pool.js';

/** The ways a roster fact is changed, as its change history names them (migration 0031). */
export type ChangeSource = 'console' | 'api' | 'import';

/** Who changes the roster in this transaction, and by which way. */
export interface Acting {
  actor: string;
  source: ChangeSource;
}

/**
 * Names the acting user and way for the change-history triggers (roster_history_record), for the
 * rest of the transaction only: a pooled connection carries nothing over to its next user.
 */
export async function actAs(client: Queryable, acting: Acting): Promise<void> {
  await client.query(`SELECT set_config('jt808.actor', $1, true), set_config('jt808.source', $2, true)`, [
    acting.actor,
    acting.source,
  ]);
}

/** Runs `work` in a transaction whose roster changes are recorded as `acting`'s. */
export function changing<T>(
  pool: pg.Pool,
  acting: Acting,
  work: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  return transaction(pool, async (client) => {
    await actAs(client, acting);
    return work(client);
  });
}
