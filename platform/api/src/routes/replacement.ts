import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { closeExchange, linkExchangeRma, replacementFlags } from '@jt808/after-sales';
import {
  ErrorAnswer,
  ExchangeDoneBody,
  ExchangeRmaBody,
  ExchangeRmaOpened,
  IdParams,
  Replacement,
  type ReplacementFlag,
  ref,
} from '@jt808/api-contract';
import { scopeOf } from '@jt808/storage';
import { ANYONE } from '../guard.js';
import type { User } from '../sessions.js';
import { vehicleInScope } from '../stores/in-scope-store.js';
import { MANAGER_ROLES, RMA_WRITERS, ticketInScope } from './after-sales-common.js';

const errors = { '4xx': ref(ErrorAnswer) };

/** The replace-after-three-repairs flags of a vehicle (after-sales/replacement.ts) and the exchange each opened. */
export const replacementRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { pool } = app;
  const visible = (user: User, id: number) => vehicleInScope(pool, scopeOf(user, 2), id);
  /** The flags as stored; their Dates go out as the contract's ISO strings. */
  const flagsOf = async (vehicleId: number) =>
    (await replacementFlags(pool, String(vehicleId))) as unknown as ReplacementFlag[];

  app.get(
    '/vehicles/:id/replacement',
    {
      config: { roles: ANYONE },
      schema: { params: ref(IdParams), response: { 200: Replacement, ...errors } },
    },
    async (request, reply) => {
      if (!(await visible(request.user, request.params.id)))
        return reply.code(404).send({ error: 'no such vehicle' });
      const flags = await flagsOf(request.params.id);
      return { flagged: flags.some((flag) => flag.state === 'open'), flags };
    },
  );

  app.post(
    '/vehicles/:id/replacement/done',
    {
      config: { roles: MANAGER_ROLES },
      schema: { params: ref(IdParams), body: ExchangeDoneBody, response: { 200: Replacement, ...errors } },
    },
    async (request, reply) => {
      if (!(await visible(request.user, request.params.id)))
        return reply.code(404).send({ error: 'no such vehicle' });
      const note = request.body.note.trim();
      if (!note) return reply.code(400).send({ error: 'say how the unit was exchanged' });
      const closed = await closeExchange(pool, String(request.params.id), note, request.user.username);
      if (!closed) return reply.code(409).send({ error: 'no exchange is open for this vehicle' });
      return { flagged: false, flags: await flagsOf(request.params.id) };
    },
  );

  /** Opens (or links) the open exchange's return record on a repair of the vehicle: the flag's by default. */
  app.post(
    '/vehicles/:id/replacement/rma',
    {
      config: { roles: RMA_WRITERS },
      schema: {
        params: ref(IdParams),
        body: ExchangeRmaBody,
        response: { 200: ExchangeRmaOpened, ...errors },
      },
    },
    async (request, reply) => {
      if (!(await visible(request.user, request.params.id)))
        return reply.code(404).send({ error: 'no such vehicle' });
      const { ticketId } = request.body ?? {};
      if (ticketId !== undefined && !(await ticketInScope(pool, request.user, ticketId)))
        return reply.code(404).send({ error: 'no such ticket' });
      const linked = await linkExchangeRma(
        pool,
        String(request.params.id),
        ticketId === undefined ? undefined : String(ticketId),
        request.user.username,
      );
      return { ticketId: linked, flags: await flagsOf(request.params.id) };
    },
  );
};
