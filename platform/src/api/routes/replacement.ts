import type { FastifyPluginAsync } from 'fastify';
import type pg from 'pg';
import { closeExchange, linkExchangeRma, replacementFlags } from '../../after-sales/replacement.js';
import { ANYONE } from '../guard.js';
import { scopeOf } from '../scope.js';
import type { User } from '../sessions.js';
import { answering, idParams, RMA_WRITERS, ticketInScope } from './after-sales-common.js';
import { MANAGER_ROLES } from './notices.js';

/** The replace-after-three-repairs flags of a vehicle (after-sales/replacement.ts) and the exchange each opened. */
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
      return answering(reply, async () => {
        const closed = await closeExchange(
          pool,
          String(request.params.id),
          request.body.note.trim(),
          request.user.username,
        );
        if (!closed) return reply.code(409).send({ error: 'no exchange is open for this vehicle' });
        return { flagged: false, flags: await replacementFlags(pool, String(request.params.id)) };
      });
    },
  );

  /** Opens (or links) the open exchange's return record on a repair of the vehicle: the flag's by default. */
  app.post<{ Params: { id: number }; Body: { ticketId?: number } }>(
    '/vehicles/:id/replacement/rma',
    {
      config: { roles: RMA_WRITERS },
      schema: {
        params: idParams,
        body: {
          type: 'object',
          additionalProperties: false,
          properties: { ticketId: { type: 'integer', minimum: 1 } },
        },
      },
    },
    async (request, reply) => {
      if (!(await vehicleInScope(request.user, request.params.id)))
        return reply.code(404).send({ error: 'no such vehicle' });
      const { ticketId } = request.body ?? {};
      if (ticketId !== undefined && !(await ticketInScope(pool, request.user, ticketId)))
        return reply.code(404).send({ error: 'no such ticket' });
      return answering(reply, async () => {
        const linked = await linkExchangeRma(
          pool,
          String(request.params.id),
          ticketId === undefined ? undefined : String(ticketId),
          request.user.username,
        );
        return { ticketId: linked, flags: await replacementFlags(pool, String(request.params.id)) };
      });
    },
  );
};
