import type { FastifyPluginAsync } from 'fastify';
import type pg from 'pg';
import {
  addFaultCause,
  changeFaultCause,
  FAULT_CAUSE_CODE,
  type FaultCauseChange,
  listFaultCauses,
} from '../../after-sales/fault-causes.js';
import { ANYONE } from '../guard.js';
import { answering } from './after-sales-common.js';

const name = { type: 'string', minLength: 1, maxLength: 64, pattern: '\\S' } as const;

/**
 * The fault-cause catalogue: read by everyone who records or reads a cause (the resolve form, the
 * reports), kept by administrators.
 */
export const faultCauseRoutes: FastifyPluginAsync<{ pool: pg.Pool }> = async (app, { pool }) => {
  app.get<{ Querystring: { all?: boolean } }>(
    '/fault-causes',
    {
      config: { roles: ANYONE },
      schema: {
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { all: { type: 'boolean', default: false } },
        },
      },
    },
    async (request) => listFaultCauses(pool, request.query.all === true),
  );

  app.post<{ Body: { code: string; nameZh: string; nameEn: string } }>(
    '/fault-causes',
    {
      config: { roles: ['admin'] },
      schema: {
        body: {
          type: 'object',
          required: ['code', 'nameZh', 'nameEn'],
          additionalProperties: false,
          properties: { code: { type: 'string', pattern: FAULT_CAUSE_CODE }, nameZh: name, nameEn: name },
        },
      },
    },
    async (request, reply) =>
      answering(reply, async () =>
        reply.code(201).send(await addFaultCause(pool, request.body, request.user.username)),
      ),
  );

  app.put<{ Params: { code: string }; Body: FaultCauseChange }>(
    '/fault-causes/:code',
    {
      config: { roles: ['admin'] },
      schema: {
        params: {
          type: 'object',
          required: ['code'],
          properties: { code: { type: 'string', pattern: FAULT_CAUSE_CODE } },
        },
        body: {
          type: 'object',
          additionalProperties: false,
          minProperties: 1,
          properties: { nameZh: name, nameEn: name, active: { type: 'boolean' } },
        },
      },
    },
    async (request, reply) =>
      answering(reply, () =>
        changeFaultCause(pool, request.params.code, request.body, request.user.username),
      ),
  );
};
