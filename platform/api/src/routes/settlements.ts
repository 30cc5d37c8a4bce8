import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { loadConfig, settlements, settlementsTable, signOffInstallation } from '@jt808/after-sales';
import { ErrorAnswer, IdParams, OwnerSignoff, ref, SettlementQuery, Settlements } from '@jt808/api-contract';
import { scopeOf } from '@jt808/storage';
import { sendTable } from '../export.js';
import { withinMaxSpan } from '../limits.js';

/**
 * Installers' settlements for a period, JSON or CSV (no personal data: fit to send to the
 * installers), and the owner's sign-off without which an installation does not count.
 */
export const settlementRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { pool } = app;
  app.get(
    '/settlements',
    {
      schema: { querystring: SettlementQuery, response: { 200: Settlements, '4xx': ref(ErrorAnswer) } },
      config: { roles: ['admin', 'operator', 'service'] },
      preHandler: withinMaxSpan,
    },
    async (request, reply) => {
      const { format = 'json', ...period } = request.query;
      const result = await settlements(pool, request.user, period, await loadConfig(pool));
      if (format === 'json') return result;
      return sendTable(reply, format, `settlements-${period.from}-${period.to}`, settlementsTable(result));
    },
  );

  app.post(
    '/installations/:id/owner-signoff',
    {
      schema: { params: ref(IdParams), response: { 200: OwnerSignoff, '4xx': ref(ErrorAnswer) } },
      config: { roles: ['admin', 'service'] },
    },
    async (request, reply) => {
      const signed = await signOffInstallation(pool, scopeOf(request.user, 2), request.params.id);
      return signed ?? reply.code(404).send({ error: 'no such installation' });
    },
  );
};
