import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  CodeParams,
  ErrorAnswer,
  InstallerAccount,
  InstallerPasswordReset,
  NewInstallerAccount,
  ref,
} from '@jt808/api-contract';
import { scopeOf } from '@jt808/storage';
import { createInstallerAccount, resetInstallerPassword } from '../installer-accounts.js';
import { installerInScope } from '../stores/in-scope-store.js';
import { ROSTER_WRITERS } from './roster-records.js';

/**
 * An installer's sign-in account, made and reset by whoever keeps that installer's register entry
 * (administrators and the desk, within their service points: routes/installers.ts). The role is
 * not asked: these routes make `installer` accounts and nothing else.
 */
export const installerAccountRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { pool } = app;
  app.post(
    '/installers/:code/account',
    {
      config: { roles: ROSTER_WRITERS },
      schema: {
        params: CodeParams,
        body: NewInstallerAccount,
        response: { 201: InstallerAccount, '4xx': ref(ErrorAnswer) },
      },
    },
    async (request, reply) => {
      if (!(await installerInScope(pool, scopeOf(request.user, 2), request.params.code))) {
        return reply.code(404).send({ error: 'no such installer' });
      }
      const { username, password } = request.body;
      const account = await createInstallerAccount(pool, request.params.code, username, password);
      return reply.code(201).send(account);
    },
  );

  app.post(
    '/installers/:code/account/password',
    {
      config: { roles: ROSTER_WRITERS },
      schema: {
        params: CodeParams,
        body: InstallerPasswordReset,
        response: { 200: InstallerAccount, '4xx': ref(ErrorAnswer) },
      },
    },
    async (request, reply) => {
      if (!(await installerInScope(pool, scopeOf(request.user, 2), request.params.code))) {
        return reply.code(404).send({ error: 'no such installer' });
      }
      return resetInstallerPassword(pool, request.params.code, request.body.password);
    },
  );
};
