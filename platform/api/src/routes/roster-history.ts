import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { mask, type PersonalField } from '@jt808/after-sales';
import {
  CodeParams,
  ErrorAnswer,
  History,
  type HistoryEntry,
  type HistorySubject,
  IdParams,
  ref,
  TerminalParams,
} from '@jt808/api-contract';
import { cells } from '@jt808/roster';
import { scopeOf } from '@jt808/storage';
import type { Role } from '../sessions.js';
import { installerInScope, terminalInScope } from '../stores/in-scope-store.js';
import { historyOf, terminalOfVehicle } from '../stores/roster-store.js';
import { cellValue } from './roster-records.js';

/**
 * Who reads the change history of the roster's after-sales facts: those who work with the facts
 * (the desk's roles and the service points). Viewers and installers see no one's edits.
 */
const READERS: readonly Role[] = ['admin', 'operator', 'desk', 'service'];

/** The personal fields of each subject, masked for every role like any history (after-sales/masking.ts). */
const PERSONAL: Record<HistorySubject, Readonly<Record<string, PersonalField>>> = {
  vehicle: { owner_name: 'name', owner_phone: 'phone', owner_id_number: 'idNumber' },
  terminal: {},
  installer: { phone: 'phone' },
  'installer-contract': {},
};

/** A change with its personal values masked. */
function masked(entry: HistoryEntry): HistoryEntry {
  const personal = PERSONAL[entry.subject][entry.field];
  return personal === undefined
    ? entry
    : { ...entry, old: mask(personal, entry.old), new: mask(personal, entry.new) };
}

const answers = { response: { 200: History, '4xx': ref(ErrorAnswer) } };

/**
 * The change history of the roster's after-sales facts (docs/after-sales.md, "Change history"),
 * each read where its fact is read and within the same scope: a vehicle's owner with the shipment
 * of the terminal now on it, a terminal's shipment, an installer's register entry and contract.
 * Out of scope and missing answer the same 404.
 */
export const rosterHistoryRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { pool } = app;
  const historyOfAll = async (subjects: Array<[HistorySubject, string]>) => ({
    items: (await historyOf(pool, subjects)).map(masked),
  });

  app.get(
    '/vehicles/:id/history',
    { config: { roles: READERS }, schema: { params: ref(IdParams), ...answers } },
    async (request, reply) => {
      const phone = await terminalOfVehicle(pool, scopeOf(request.user, 2), request.params.id);
      if (phone === undefined) return reply.code(404).send({ error: 'no such vehicle' });
      const subjects: Array<[HistorySubject, string]> = [['vehicle', String(request.params.id)]];
      if (phone !== null) subjects.push(['terminal', phone]);
      return historyOfAll(subjects);
    },
  );

  app.get(
    '/terminals/:phone/history',
    { config: { roles: READERS }, schema: { params: TerminalParams, ...answers } },
    async (request, reply) => {
      const phone = cellValue(cells.phone, request.params.phone, 'terminal phone');
      if (phone === null || !(await terminalInScope(pool, scopeOf(request.user, 2), phone))) {
        return reply.code(404).send({ error: 'no such terminal' });
      }
      return historyOfAll([['terminal', phone]]);
    },
  );

  app.get(
    '/installers/:code/history',
    { config: { roles: READERS }, schema: { params: CodeParams, ...answers } },
    async (request, reply) => {
      const { code } = request.params;
      if (!(await installerInScope(pool, scopeOf(request.user, 2), code))) {
        return reply.code(404).send({ error: 'no such installer' });
      }
      return historyOfAll([
        ['installer', code],
        ['installer-contract', code],
      ]);
    },
  );
};
