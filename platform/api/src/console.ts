import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync } from 'fastify';

/** Where `npm run build` puts the console (console/dist), from platform/api/src or platform/api/dist alike. */
export const CONSOLE_DIR = fileURLToPath(new URL('../../../console/dist', import.meta.url));

/** Paths that are never the console's: the API, the OpenAPI document. */
const NOT_CONSOLE = /^\/(api|docs)(\/|$|\?)/;

/**
 * Serves the console (a single-page app) at `/`: its files, and index.html for any other page
 * address so a reload of a console URL works. Unknown /api and /docs paths still get a JSON 404.
 * Without a built console, `/` says how to build it.
 */
export const consoleRoutes: FastifyPluginAsync<{ root?: string }> = async (app, options) => {
  const root = options.root ?? CONSOLE_DIR;
  if (!existsSync(join(root, 'index.html'))) {
    app.get('/', { schema: { hide: true } }, async (_request, reply) =>
      reply
        .code(404)
        .type('text/plain; charset=utf-8')
        .send('The console is not built: run `npm run build`.\n'),
    );
    return;
  }
  await app.register(fastifyStatic, {
    root,
    cacheControl: false,
    // Built assets carry a content hash in their names: cache them for good, never index.html.
    setHeaders: (response, path) => {
      response.setHeader(
        'cache-control',
        path.startsWith(join(root, 'assets')) ? 'public, max-age=31536000, immutable' : 'no-cache',
      );
    },
  });
  app.setNotFoundHandler((request, reply) => {
    if ((request.method === 'GET' || request.method === 'HEAD') && !NOT_CONSOLE.test(request.url)) {
      return reply
        .type('text/html; charset=utf-8')
        .header('cache-control', 'no-cache')
        .sendFile('index.html');
    }
    return reply.code(404).send({ error: `no route ${request.method} ${request.url.split('?')[0]}` });
  });
};
