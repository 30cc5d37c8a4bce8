import type { FastifyPluginAsync } from 'fastify';
import { consoleRoutes } from './console.js';
import { publicRoutes } from './guard.js';
import { type SignInOptions, signInRoutes } from './routes/auth.js';

/**
 * What anyone may reach without signing in: sign-in and sign-out, the OpenAPI document and the
 * console's files. Nothing here reads data beyond the user's own password check.
 */
export const publicPlugin: FastifyPluginAsync<{
  signIn: SignInOptions;
  consoleDir: string | undefined;
}> = async (app, options) => {
  publicRoutes(app);
  app.get('/docs', { schema: { hide: true } }, async () => app.swagger());
  await app.register(signInRoutes, options.signIn);
  await app.register(consoleRoutes, { root: options.consoleDir });
};
