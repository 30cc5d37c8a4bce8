import type { FastifyPluginAsync } from 'fastify';
import type pg from 'pg';
import { mask, type PersonalField } from '../../after-sales/masking.js';
import * as cells from '../../roster/cells.js';
import { scopeOf } from '../scope.js';
import type { Role } from '../sessions.js';
import { answering, idParams } from './after-sales-common.js';
import { codeParams, installerInScope } from './installers.js';
import { cellValue } from './roster-records.js';

/**
 * Who reads the change history of the roster's after-sales facts: those who work with the facts
 * (the desk's roles and the service points). Viewers and installers see no one's edits.
 */
const READERS: readonly Role[] = ['admin', 'operator', 'desk', 'service'];

type Subject = 'vehicle' | 'terminal' | 'installer' | 'installer-contract';

/** The personal fields of each subject, masked for every role like any history (after-sales/masking.ts). */
const PERSONAL: Record<Subject, Readonly<Record<string, PersonalField>>> = {
  vehicle: { owner_name: 'name', owner_phone: 'phone', owner_id_number: 'idNumber' },
  terminal: {},
  installer: { phone: 'phone' },
  'installer-contract': {},
};

/** One change as the API answers it, newest first. */
export interface HistoryEntry {
  at: string;
  subject: Subject;
  field: string;
  old: string | null;
  new: string | null;
  actor: string;
  source: 'console' | 'api' | 'import' | 'database';
}

/** A page of history: the newest changes of a record. */
const HISTORY_LIMIT = 500;

/**
 * The changes of the records named by `subjects` (subject, key), newest first, masked. The caller
 * has checked the records are in the user's scope.
 */
async function historyOf(pool: pg.Pool, subjects: ReadonlyArray<[Subject, string]>): Promise<HistoryEntry[]> {
  const { rows } = await pool.query<HistoryEntry>(
    `SELECT h.at, h.subject, h.field, h.old_value AS old, h.new_value AS new, h.actor, h.source
       FROM roster_history h
       JOIN unnest($1::text[], $2::text[]) AS wanted (subject, subject_key)
         ON h.subject = wanted.subject AND h.subject_key = wanted.subject_key
      ORDER BY h.at DESC, h.id DESC LIMIT ${HISTORY_LIMIT}`,
    [subjects.map(([subject]) => subject), subjects.map(([, key]) => key)],
  );
  return rows.map((row) => {
    const personal = PERSONAL[row.subject][row.field];
    return personal === undefined
      ? row
      : { ...row, old: mask(personal, row.old), new: mask(personal, row.new) };
  });
}

/**
 * The change history of the roster's after-sales facts (docs/after-sales.md, "Change history"),
 * each read where its fact is read and within the same scope: a vehicle's owner with the shipment
 * of the terminal now on it, a terminal's shipment, an installer's register entry and contract.
 * Out of scope and missing answer the same 404.
 */
export const rosterHistoryRoutes: FastifyPluginAsync<{ pool: pg.Pool }> = async (app, { pool }) => {
  app.get<{ Params: { id: number } }>(
    '/vehicles/:id/history',
    { config: { roles: READERS }, schema: { params: idParams } },
    async (request, reply) => {
      const scope = scopeOf(request.user, 2);
      const { rows } = await pool.query<{ phone: string | null }>(
        `SELECT t.phone FROM vehicles vehicle LEFT JOIN terminals t ON t.vehicle_id = vehicle.id
          WHERE vehicle.id = $1 AND ${scope.vehicles}`,
        [request.params.id, ...scope.params],
      );
      if (rows.length === 0) return reply.code(404).send({ error: 'no such vehicle' });
      const phone = rows[0]!.phone;
      const subjects: Array<[Subject, string]> = [['vehicle', String(request.params.id)]];
      if (phone !== null) subjects.push(['terminal', phone]);
      return { items: await historyOf(pool, subjects) };
    },
  );

  app.get<{ Params: { phone: string } }>(
    '/terminals/:phone/history',
    {
      config: { roles: READERS },
      schema: {
        params: {
          type: 'object',
          required: ['phone'],
          properties: { phone: { type: 'string', minLength: 1, maxLength: 24 } },
        },
      },
    },
    async (request, reply) =>
      answering(reply, async () => {
        const phone = cellValue(cells.phone, request.params.phone, 'terminal phone');
        // In scope as its shipment is for editing (roster-records.ts): through its vehicle, or for
        // the province when it is on none.
        const scope = scopeOf(request.user, 2);
        const { rows } = await pool.query(
          `SELECT 1 FROM terminals found LEFT JOIN vehicles vehicle ON vehicle.id = found.vehicle_id
            WHERE found.phone = $1 AND ${scope.vehicles}`,
          [phone, ...scope.params],
        );
        if (rows.length === 0 || phone === null) return reply.code(404).send({ error: 'no such terminal' });
        return { items: await historyOf(pool, [['terminal', phone]]) };
      }),
  );

  app.get<{ Params: { code: string } }>(
    '/installers/:code/history',
    { config: { roles: READERS }, schema: { params: codeParams } },
    async (request, reply) => {
      const { code } = request.params;
      if (!(await installerInScope(pool, request.user, code))) {
        return reply.code(404).send({ error: 'no such installer' });
      }
      return {
        items: await historyOf(pool, [
          ['installer', code],
          ['installer-contract', code],
        ]),
      };
    },
  );
};
