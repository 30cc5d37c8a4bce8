import type { FastifyReply } from 'fastify';
import type pg from 'pg';
import { statusOf } from '../../after-sales/errors.js';
import { scopeOf } from '../scope.js';
import type { Role, User } from '../sessions.js';
import { ticketInScope as ticketSeenBy } from '../stores/in-scope-store.js';

/** What the after-sales routes share: error answers, the ticket-in-scope check, schemas, the desk's roles. */

/**
 * Runs the work; an error of the after-sales rules answers 400/404/409 with its message. For the
 * routes not yet on the contract: those on it throw, and the error handler answers (errors.ts).
 */
export async function answering<T>(reply: FastifyReply, work: () => Promise<T>): Promise<T | FastifyReply> {
  try {
    return await work();
  } catch (error) {
    const status = statusOf(error);
    if (status === undefined) throw error;
    return reply.code(status).send({ error: (error as Error).message });
  }
}

/** Whether the user's scope sees the ticket (another center's is a 404). */
export const ticketInScope = (pool: pg.Pool, user: User, id: number): Promise<boolean> =>
  ticketSeenBy(pool, scopeOf(user, 2), id);

/** Who records a returned unit and its quotes: the desk's roles and the service point that has it. */
export const RMA_WRITERS: readonly Role[] = ['admin', 'operator', 'desk', 'service'];

export const idParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'integer', minimum: 1 } },
} as const;

export const dayPattern = '^\\d{4}-\\d{2}-\\d{2}$';

/** A period of local days, `from` and `to` inclusive (the figures, reports and settlements ask for one). */
export const periodProperties = {
  from: { type: 'string', pattern: dayPattern },
  to: { type: 'string', pattern: dayPattern },
} as const;

/** The staff of the service desk and those above it. */
export const DESK_ROLES: readonly Role[] = ['admin', 'operator', 'desk'];

/**
 * A center's managers: its operators (and administrators, for every center). They work off the
 * escalations of their centers and close the exchanges; nobody else may (docs/after-sales.md, "Escalations").
 */
export const MANAGER_ROLES: readonly Role[] = ['admin', 'operator'];
