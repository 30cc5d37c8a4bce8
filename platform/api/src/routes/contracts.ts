import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { contractsOf, createContract } from '@jt808/after-sales';
import {
  ContractInput,
  ErrorAnswer,
  IdParams,
  OwnerContract,
  OwnerContracts,
  ref,
} from '@jt808/api-contract';
import { scopeOf } from '@jt808/storage';
import { ANYONE } from '../guard.js';
import type { Role } from '../sessions.js';
import { vehicleInScope } from '../stores/in-scope-store.js';

/** Who may sign contracts up: administrators and the service desk (operators watch, they do not sell). */
const WRITERS: readonly Role[] = ['admin', 'desk'];

/**
 * A customer's contracts with the operator (docs/after-sales.md, "Owner contracts"): listed for
 * anyone who may open the customer's archive, recorded by administrators and the desk. The
 * customer is addressed by one of their vehicles, like the archive.
 */
export const contractRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { pool } = app;
  app.get(
    '/customers/:id/contracts',
    {
      config: { roles: ANYONE },
      schema: { params: ref(IdParams), response: { 200: OwnerContracts, '4xx': ref(ErrorAnswer) } },
    },
    async (request, reply) => {
      if (!(await vehicleInScope(pool, scopeOf(request.user, 2), request.params.id))) {
        return reply.code(404).send({ error: 'no such customer' });
      }
      return contractsOf(pool, request.params.id);
    },
  );

  app.post(
    '/customers/:id/contracts',
    {
      config: { roles: WRITERS },
      schema: {
        params: ref(IdParams),
        body: ContractInput,
        response: { 201: OwnerContract, '4xx': ref(ErrorAnswer) },
      },
    },
    async (request, reply) => {
      if (!(await vehicleInScope(pool, scopeOf(request.user, 2), request.params.id))) {
        return reply.code(404).send({ error: 'no such customer' });
      }
      const contract = await createContract(pool, request.params.id, request.body, request.user.username);
      return reply.code(201).send(contract);
    },
  );
};
