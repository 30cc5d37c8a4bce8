import type { FastifyPluginAsync } from 'fastify';
import type pg from 'pg';
import { closeExchange, replacementFlags } from '../../aftersales/replacement.js';
import { ANYONE } from '../guard.js';
import { scopeOf } from '../scope.js';
import type { User } from '../sessions.js';
import { idParams } from './after-sales-common.js';
import { MANAGER_ROLES } from './notices.js';

/** The replace-after-three-repairs flags of a vehicle (aftersales/replacement.ts) and the exchange each opened. */
export const replacementRoutes: FastifyPluginAsync<{ pool: pg.Pool }> = async (app, { pool }) => {
  const vehicleInScope = async (user: User, id: number) => {
    const scope = scopeOf(user, 2);
    const { rows } = await pool.query(
      `SELECT 1 FROM vehicles vehicle WHERE vehicle.id = $1 AND ${scope.vehicles}`,
      [id, ...scope.params],
    );
    return rows.length > 0;
  };

  app.get<{ Params: { id: number } }>(
    '/vehicles/:id/replacement',
    { config: { roles: ANYONE }, schema: { params: idParams } },
    async (request, reply) => {
      if (!(await vehicleInScope(request.user, request.params.id)))
        return reply.code(404).send({ error: 'no such vehicle' });
      const flags = await replacementFlags(pool, String(request.params.id));
      return { flagged: flags.some((flag) => flag.state === 'open'), flags };
    },
  );

  app.post<{ Params: { id: number }; Body: { note: string } }>(
    '/vehicles/:id/replacement/done',
    {
      config: { roles: MANAGER_ROLES },
      schema: {
        params: idParams,
        body: {
          type: 'object',
          required: ['note'],
          additionalProperties: false,
          properties: { note: { type: 'string', minLength: 1, maxLength: 2000 } },
        },
      },
    },
    async (request, reply) => {
      if (!(await vehicleInScope(request.user, request.params.id)))
        return reply.code(404).send({ error: 'no such vehicle' });
      if (!request.body.note.trim()) return reply.code(400).send({ error: 'say how the unit was exchanged' });
      if (
        !(await closeExchange(
          pool,
          String(request.params.id),
          request.body.note.trim(),
          request.user.username,
        ))
      )
        return reply.code(409).send({ error: 'no exchange is open for this vehicle' });
      return { flagged: false, flags: await replacementFlags(pool, String(request.params.id)) };
    },
  );
};
