import { scopeOf } from '@jt808/storage';
import type pg from 'pg';
import type { Role, User } from '../sessions.js';
import { ticketInScope as ticketSeenBy } from '../stores/in-scope-store.js';

/** What the after-sales routes share: the ticket-in-scope check by user and the roles. */

/** Whether the user's scope sees the ticket (another center's is a 404). */
export const ticketInScope = (pool: pg.Pool, user: User, id: number): Promise<boolean> =>
  ticketSeenBy(pool, scopeOf(user, 2), id);

/** Who records a returned unit and its quotes: the desk's roles and the service point that has it. */
export const RMA_WRITERS: readonly Role[] = ['admin', 'operator', 'desk', 'service'];

/** The staff of the service desk and those above it. */
export const DESK_ROLES: readonly Role[] = ['admin', 'operator', 'desk'];

/**
 * A center's managers: its operators (and administrators, for every center). They work off the
 * escalations of their centers and close the exchanges; nobody else may (docs/after-sales.md, "Escalations").
 */
export const MANAGER_ROLES: readonly Role[] = ['admin', 'operator'];
