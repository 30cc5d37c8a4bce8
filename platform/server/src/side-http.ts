import Fastify, { type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';

/** The side port listens on this host only, unless told otherwise (`--http-host`). */
export const DEFAULT_SIDE_HOST = '127.0.0.1';

export interface SideHttpOptions {
  port: number;
  host?: string;
  registry: Registry;
  health: () => object;
  log: Logger;
}

/**
 * /metrics and /healthz of a platform process (ingest, status, api). They tell the fleet's size and the
 * process's state, so they stay on loopback unless opened on purpose, and a failure answers 500
 * without its error text (which can carry a connection string or a host name): the log gets it.
 */
export async function startSideHttp(options: SideHttpOptions): Promise<FastifyInstance> {
  const http = Fastify();
  http.setErrorHandler(async (error, _request, reply) => {
    options.log.warn({ err: error }, '/metrics or /healthz failed');
    return reply.code(500).send({ error: 'internal error' });
  });
  http.get('/metrics', async (_request, reply) =>
    reply.type(options.registry.contentType).send(await options.registry.metrics()),
  );
  http.get('/healthz', async () => ({ ok: true, stats: options.health() }));
  await http.listen({ port: options.port, host: options.host ?? DEFAULT_SIDE_HOST });
  return http;
}
