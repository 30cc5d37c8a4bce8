import type { FastifyPluginAsync } from 'fastify';
import type pg from 'pg';
import { loadConfig } from '../../after-sales/config-store.js';
import { settlementsTable } from '../../after-sales/settlement.js';
import { settlements } from '../../after-sales/settlement-store.js';
import { type ExportFormat, formatProperty, sendTable } from '../export.js';
import { withinMaxSpan } from '../limits.js';
import { scopeOf } from '../scope.js';
import { answering, idParams, periodProperties } from './after-sales-common.js';

/**
 * Installers' settlements for a period, JSON or CSV (no personal data: fit to send to the
 * installers), and the owner's sign-off without which an installation does not count.
 */
export const settlementRoutes: FastifyPluginAsync<{ pool: pg.Pool }> = async (app, { pool }) => {
  app.get<{ Querystring: { from: string; to: string; installer?: string; format?: ExportFormat } }>(
    '/settlements',
    {
      schema: {
        querystring: {
          type: 'object',
          required: ['from', 'to'],
          additionalProperties: false,
          properties: {
            ...periodProperties,
            installer: { type: 'string', minLength: 1, maxLength: 64 },
            format: formatProperty,
          },
        },
      },
      config: { roles: ['admin', 'operator', 'service'] },
      preHandler: withinMaxSpan,
    },
    async (request, reply) =>
      answering(reply, async () => {
        const { format = 'json', ...period } = request.query;
        const result = await settlements(pool, request.user, period, await loadConfig(pool));
        if (format === 'json') return result;
        return sendTable(reply, format, `settlements-${period.from}-${period.to}`, settlementsTable(result));
      }),
  );

  app.post<{ Params: { id: number } }>(
    '/installations/:id/owner-signoff',
    { schema: { params: idParams }, config: { roles: ['admin', 'service'] } },
    async (request, reply) => {
      const scope = scopeOf(request.user, 2);
      const { rows } = await pool.query(
        `UPDATE installations i SET owner_signed_at = coalesce(i.owner_signed_at, now())
           FROM service_points point
          WHERE i.id = $1 AND point.id = i.service_point_id AND ${scope.servicePoints}
         RETURNING i.id, i.owner_signed_at, i.accepted_at`,
        [request.params.id, ...scope.params],
      );
      return rows[0] ?? reply.code(404).send({ error: 'no such installation' });
    },
  );
};
