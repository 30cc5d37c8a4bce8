import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';

/**
 * Answers errors without telling what went wrong inside: a client error (a schema's 400, a body
 * too large) keeps its message; anything else is logged with the request's id and answered
 * `{error: 'internal error', requestId}`, so a database error, a stack or a query never reaches the
 * client and the id finds the log line.
 */
export function answerError(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  const status = error.statusCode ?? 500;
  if (status < 500) return reply.code(status).send({ error: error.message });
  request.log.error({ err: error }, 'request failed');
  return reply.code(500).send({ error: 'internal error', requestId: request.id });
}
