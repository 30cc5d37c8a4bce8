import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  listPatrols,
  loadConfig,
  onsiteHoursOf,
  recordPatrol,
  reportPatrol,
  saveOnsiteHours,
} from '@jt808/after-sales';
import {
  CentersOnsiteHours,
  ErrorAnswer,
  IdParams,
  OnsiteHours,
  OnsiteHoursBody,
  Patrol,
  PatrolBody,
  PatrolQuery,
  PatrolReportBody,
  Patrols,
  ref,
} from '@jt808/api-contract';
import { scopeOf } from '@jt808/storage';
import { ANYONE } from '../guard.js';
import type { Role, User } from '../sessions.js';
import { centerInScope } from '../stores/in-scope-store.js';
import { onsiteHoursIn } from '../stores/onsite-hours-store.js';
import { DESK_ROLES } from './after-sales-common.js';

/** Who records patrols and reads them: the desk's roles and service-point staff (their own). */
const PATROL_ROLES: readonly Role[] = [...DESK_ROLES, 'service'];

const errors = { '4xx': ref(ErrorAnswer) };

/** The patrols as stored; their Dates go out as the contract's ISO strings. */
const asPatrol = (row: Record<string, unknown>) => row as unknown as Patrol;

/**
 * The service standard's clocks that are not a ticket's: a center's on-site hours by distance
 * (local / nearby / other region) and the service points' patrol inspections with their reports.
 * A refusal of the rules (a service point not theirs, a report handed in twice) is the store's
 * AfterSalesError, answered by the error handler (errors.ts).
 */
export const clockRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { pool } = app;
  const visible = (user: User, id: number) => centerInScope(pool, scopeOf(user, 2), id);

  app.get(
    '/onsite-hours',
    { config: { roles: ANYONE }, schema: { response: { 200: CentersOnsiteHours } } },
    async (request) => onsiteHoursIn(pool, scopeOf(request.user, 1)),
  );

  app.get(
    '/centers/:id/onsite-hours',
    {
      config: { roles: ANYONE },
      schema: { params: ref(IdParams), response: { 200: OnsiteHours, ...errors } },
    },
    async (request, reply) => {
      if (!(await visible(request.user, request.params.id)))
        return reply.code(404).send({ error: 'no such center' });
      return onsiteHoursOf(pool, request.params.id);
    },
  );

  app.put(
    '/centers/:id/onsite-hours',
    {
      config: { roles: ['admin'] },
      schema: { params: ref(IdParams), body: OnsiteHoursBody, response: { 200: OnsiteHours, ...errors } },
    },
    async (request, reply) => {
      if (!(await visible(request.user, request.params.id)))
        return reply.code(404).send({ error: 'no such center' });
      await saveOnsiteHours(pool, request.params.id, request.body);
      return onsiteHoursOf(pool, request.params.id);
    },
  );

  app.get(
    '/patrols',
    {
      config: { roles: PATROL_ROLES },
      schema: { querystring: PatrolQuery, response: { 200: Patrols, ...errors } },
    },
    async (request) =>
      (await listPatrols(pool, request.user, { open: request.query.open ?? false })).map(asPatrol),
  );

  app.post(
    '/patrols',
    { config: { roles: PATROL_ROLES }, schema: { body: PatrolBody, response: { 201: Patrol, ...errors } } },
    async (request, reply) => {
      const { inspectedAt, ...patrol } = request.body;
      const now = new Date();
      const saved = await recordPatrol(
        pool,
        request.user,
        { ...patrol, inspectedAt: inspectedAt ? new Date(inspectedAt) : now },
        now,
        await loadConfig(pool),
      );
      return reply.code(201).send(asPatrol(saved));
    },
  );

  app.post(
    '/patrols/:id/report',
    {
      config: { roles: PATROL_ROLES },
      schema: { params: ref(IdParams), body: PatrolReportBody, response: { 200: Patrol, ...errors } },
    },
    async (request) =>
      asPatrol(
        await reportPatrol(pool, request.user, String(request.params.id), request.body.report, new Date()),
      ),
  );
};
