import type { FastifyPluginAsync } from 'fastify';
import type pg from 'pg';
import { createInstallerAccount, resetInstallerPassword } from '../installer-accounts.js';
import { answering } from './after-sales-common.js';
import { codeParams, installerInScope } from './installers.js';
import { ROSTER_WRITERS } from './roster-records.js';

/** A typed password: at least 8 characters (a generated one has 14). */
const password = { type: 'string', minLength: 8, maxLength: 256 } as const;

/**
 * An installer's sign-in account, made and reset by whoever keeps that installer's register entry
 * (administrators and the desk, within their service points: routes/installers.ts). The role is
 * not asked: these routes make `installer` accounts and nothing else.
 */
export const installerAccountRoutes: FastifyPluginAsync<{ pool: pg.Pool }> = async (app, { pool }) => {
  app.post<{ Params: { code: string }; Body: { username: string; password?: string } }>(
    '/installers/:code/account',
    {
      config: { roles: ROSTER_WRITERS },
      schema: {
        params: codeParams,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['username'],
          properties: {
            // Letters, digits and . _ @ -, as typed on a phone's keyboard.
            username: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._@-]{2,63}$' },
            password,
          },
        },
      },
    },
    async (request, reply) => {
      if (!(await installerInScope(pool, request.user, request.params.code))) {
        return reply.code(404).send({ error: 'no such installer' });
      }
      return answering(reply, async () => {
        const { username, password: typed } = request.body;
        const account = await createInstallerAccount(pool, request.params.code, username, typed);
        return reply.code(201).send(account);
      });
    },
  );

  app.post<{ Params: { code: string }; Body: { password?: string } }>(
    '/installers/:code/account/password',
    {
      config: { roles: ROSTER_WRITERS },
      schema: {
        params: codeParams,
        body: { type: 'object', additionalProperties: false, properties: { password } },
      },
    },
    async (request, reply) => {
      if (!(await installerInScope(pool, request.user, request.params.code))) {
        return reply.code(404).send({ error: 'no such installer' });
      }
      return answering(reply, () => resetInstallerPassword(pool, request.params.code, request.body.password));
    },
  );
};
