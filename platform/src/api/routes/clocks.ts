import type { FastifyPluginAsync } from 'fastify';
import type pg from 'pg';
import { loadConfig } from '../../after-sales/config-store.js';
import { listPatrols, recordPatrol, reportPatrol } from '../../after-sales/patrol-store.js';
import {
  DISTANCES,
  type Distance,
  onsiteHoursOf,
  saveOnsiteHours,
  withCenterHours,
} from '../../tickets/onsite-hours.js';
import { ANYONE } from '../guard.js';
import { scopeOf } from '../scope.js';
import type { Role } from '../sessions.js';
import { answering, DESK_ROLES, idParams } from './after-sales-common.js';

/** Who records patrols and reads them: the desk's roles and service-point staff (their own). */
const PATROL_ROLES: readonly Role[] = [...DESK_ROLES, 'service'];

const hoursSchema = { type: ['number', 'null'], exclusiveMinimum: 0, maximum: 720 } as const;

/**
 * The service standard's clocks that are not a ticket's: a center's on-site hours by distance
 * (local / nearby / other region) and the service points' patrol inspections with their reports.
 */
export const clockRoutes: FastifyPluginAsync<{ pool: pg.Pool }> = async (app, { pool }) => {
  const centerInScope = async (user: Parameters<typeof scopeOf>[0], id: number) => {
    const scope = scopeOf(user, 2);
    const { rows } = await pool.query(
      `SELECT 1 FROM centers center WHERE center.id = $1 AND ${scope.centers}`,
      [id, ...scope.params],
    );
    return rows.length > 0;
  };

  app.get('/onsite-hours', { config: { roles: ANYONE } }, async (request) => {
    const scope = scopeOf(request.user, 1);
    const { rows } = await pool.query<{
      id: number;
      name: string;
      onsite_hours_local: number | null;
      onsite_hours_nearby: number | null;
      onsite_hours_other_region: number | null;
    }>(
      `SELECT center.id, center.name, cs.onsite_hours_local, cs.onsite_hours_nearby, cs.onsite_hours_other_region
         FROM centers center LEFT JOIN center_settings cs ON cs.center_id = center.id
        WHERE ${scope.centers} ORDER BY center.id`,
      scope.params,
    );
    return rows.map((row) => ({ centerId: row.id, name: row.name, hours: withCenterHours(row) }));
  });

  app.get<{ Params: { id: number } }>(
    '/centers/:id/onsite-hours',
    { config: { roles: ANYONE }, schema: { params: idParams } },
    async (request, reply) => {
      if (!(await centerInScope(request.user, request.params.id)))
        return reply.code(404).send({ error: 'no such center' });
      return onsiteHoursOf(pool, request.params.id);
    },
  );

  app.put<{ Params: { id: number }; Body: Record<Distance, number | null> }>(
    '/centers/:id/onsite-hours',
    {
      config: { roles: ['admin'] },
      schema: {
        params: idParams,
        body: {
          type: 'object',
          required: [...DISTANCES],
          additionalProperties: false,
          properties: Object.fromEntries(DISTANCES.map((distance) => [distance, hoursSchema])),
        },
      },
    },
    async (request, reply) => {
      if (!(await centerInScope(request.user, request.params.id)))
        return reply.code(404).send({ error: 'no such center' });
      await saveOnsiteHours(pool, request.params.id, request.body);
      return onsiteHoursOf(pool, request.params.id);
    },
  );

  app.get<{ Querystring: { open?: boolean } }>(
    '/patrols',
    {
      config: { roles: PATROL_ROLES },
      schema: {
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { open: { type: 'boolean' } },
        },
      },
    },
    async (request) => listPatrols(pool, request.user, { open: request.query.open ?? false }),
  );

  app.post<{
    Body: {
      servicePointId: number;
      enterpriseId?: number;
      vehicles?: number;
      inspectedAt?: string;
      note?: string;
    };
  }>(
    '/patrols',
    {
      config: { roles: PATROL_ROLES },
      schema: {
        body: {
          type: 'object',
          required: ['servicePointId'],
          additionalProperties: false,
          properties: {
            servicePointId: { type: 'integer', minimum: 1 },
            enterpriseId: { type: 'integer', minimum: 1 },
            vehicles: { type: 'integer', minimum: 0, maximum: 100_000 },
            inspectedAt: { type: 'string', format: 'date-time' },
            note: { type: 'string', maxLength: 2000 },
          },
        },
      },
    },
    async (request, reply) =>
      answering(reply, async () => {
        const { inspectedAt, ...patrol } = request.body;
        const now = new Date();
        const saved = await recordPatrol(
          pool,
          request.user,
          { ...patrol, inspectedAt: inspectedAt ? new Date(inspectedAt) : now },
          now,
          await loadConfig(pool),
        );
        return reply.code(201).send(saved);
      }),
  );

  app.post<{ Params: { id: number }; Body: { report: string } }>(
    '/patrols/:id/report',
    {
      config: { roles: PATROL_ROLES },
      schema: {
        params: idParams,
        body: {
          type: 'object',
          required: ['report'],
          additionalProperties: false,
          properties: { report: { type: 'string', minLength: 1, maxLength: 5000 } },
        },
      },
    },
    async (request, reply) =>
      answering(reply, () =>
        reportPatrol(pool, request.user, String(request.params.id), request.body.report, new Date()),
      ),
  );
};
