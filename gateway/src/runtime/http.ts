import { createServer, type Server } from 'node:http';

export interface HttpEndpoints {
  metrics: () => Promise<{ contentType: string; body: string }>;
  health: () => Promise<{ ok: boolean; [key: string]: unknown }>;
  /** Told what made an endpoint fail (the answer itself carries no error text). */
  onError?: (error: unknown) => void;
}

/**
 * /metrics and /healthz. Two fixed routes on node:http: the gateway has no other HTTP surface, so it
 * does without the platform's fastify stack.
 */
export function startHttp(port: number, host: string, endpoints: HttpEndpoints): Promise<Server> {
  const server = createServer(async (request, response) => {
    try {
      if (request.url === '/metrics') {
        const { contentType, body } = await endpoints.metrics();
        response.writeHead(200, { 'content-type': contentType }).end(body);
      } else if (request.url === '/healthz') {
        const health = await endpoints.health();
        response
          .writeHead(health.ok ? 200 : 503, { 'content-type': 'application/json' })
          .end(JSON.stringify(health));
      } else {
        response.writeHead(404).end();
      }
    } catch (error) {
      // No error text in the answer: these ports may be opened to a load balancer, and a message
      // can carry a connection string or a host name. The log gets it instead.
      endpoints.onError?.(error);
      response.writeHead(500, { 'content-type': 'text/plain' }).end('internal error');
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}
