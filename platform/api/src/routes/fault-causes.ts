import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { addFaultCause, changeFaultCause, listFaultCauses } from '@jt808/after-sales';
import {
  ErrorAnswer,
  FaultCause,
  FaultCauseChange,
  FaultCauseParams,
  FaultCauseQuery,
  FaultCauses,
  NewFaultCause,
  ref,
} from '@jt808/api-contract';
import { ANYONE } from '../guard.js';

const errors = { '4xx': ref(ErrorAnswer) };

/**
 * The fault-cause catalogue: read by everyone who records or reads a cause (the resolve form, the
 * reports), kept by administrators. A code taken or unknown is the store's AfterSalesError,
 * answered by the error handler (errors.ts).
 */
export const faultCauseRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { pool } = app;

  app.get(
    '/fault-causes',
    {
      config: { roles: ANYONE },
      schema: { querystring: FaultCauseQuery, response: { 200: FaultCauses, ...errors } },
    },
    async (request) => listFaultCauses(pool, request.query.all),
  );

  app.post(
    '/fault-causes',
    {
      config: { roles: ['admin'] },
      schema: { body: NewFaultCause, response: { 201: FaultCause, ...errors } },
    },
    async (request, reply) =>
      reply.code(201).send(await addFaultCause(pool, request.body, request.user.username)),
  );

  app.put(
    '/fault-causes/:code',
    {
      config: { roles: ['admin'] },
      schema: {
        params: FaultCauseParams,
        body: FaultCauseChange,
        response: { 200: FaultCause, ...errors },
      },
    },
    async (request) => changeFaultCause(pool, request.params.code, request.body, request.user.username),
  );
};
