import type { FastifyPluginAsync } from 'fastify';
import type pg from 'pg';
import {
  CONTRACT_KINDS,
  type ContractInput,
  contractsOf,
  createContract,
} from '../../after-sales/contract-store.js';
import { ANYONE } from '../guard.js';
import { scopeOf } from '../scope.js';
import type { Role, User } from '../sessions.js';
import { answering, dayPattern, idParams } from './after-sales-common.js';

/** Who may sign contracts up: administrators and the service desk (operators watch, they do not sell). */
const WRITERS: readonly Role[] = ['admin', 'desk'];

async function customerInScope(pool: pg.Pool, user: User, vehicleId: number): Promise<boolean> {
  const scope = scopeOf(user, 2);
  const { rows } = await pool.query(
    `SELECT 1 FROM vehicles vehicle WHERE vehicle.id = $1 AND ${scope.vehicles}`,
    [vehicleId, ...scope.params],
  );
  return rows.length > 0;
}

/**
 * A customer's contracts with the operator (docs/after-sales.md, "Owner contracts"): listed for
 * anyone who may open the customer's archive, recorded by administrators and the desk. The
 * customer is addressed by one of their vehicles, like the archive.
 */
export const contractRoutes: FastifyPluginAsync<{ pool: pg.Pool }> = async (app, { pool }) => {
  app.get<{ Params: { id: number } }>(
    '/customers/:id/contracts',
    { config: { roles: ANYONE }, schema: { params: idParams } },
    async (request, reply) => {
      if (!(await customerInScope(pool, request.user, request.params.id))) {
        return reply.code(404).send({ error: 'no such customer' });
      }
      return contractsOf(pool, request.params.id);
    },
  );

  app.post<{ Params: { id: number }; Body: ContractInput }>(
    '/customers/:id/contracts',
    {
      config: { roles: WRITERS },
      schema: {
        params: idParams,
        body: {
          type: 'object',
          additionalProperties: false,
          required: [
            'number',
            'kind',
            'party',
            'signedOn',
            'startsOn',
            'endsOn',
            'vehiclesCovered',
            'feePerVehicleFen',
          ],
          properties: {
            number: { type: 'string', minLength: 1, maxLength: 64 },
            kind: { type: 'string', enum: [...CONTRACT_KINDS] },
            party: { type: 'string', enum: ['enterprise', 'owner'] },
            signedOn: { type: 'string', pattern: dayPattern },
            startsOn: { type: 'string', pattern: dayPattern },
            endsOn: { type: 'string', pattern: dayPattern },
            vehiclesCovered: { type: 'integer', minimum: 1, maximum: 1_000_000 },
            feePerVehicleFen: { type: 'integer', minimum: 0, maximum: 100_000_000 },
            note: { type: 'string', maxLength: 500 },
          },
        },
      },
    },
    async (request, reply) => {
      if (!(await customerInScope(pool, request.user, request.params.id))) {
        return reply.code(404).send({ error: 'no such customer' });
      }
      return answering(reply, async () => {
        const contract = await createContract(pool, request.params.id, request.body, request.user.username);
        return reply.code(201).send(contract);
      });
    },
  );
};
