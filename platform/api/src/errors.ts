import { statusOf, TicketError } from '@jt808/after-sales';
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

/** The HTTP status of a refusal by the platform's own rules (a ticket's workflow, the after-sales rules), or undefined. */
function domainStatusOf(error: unknown): number | undefined {
  if (error instanceof TicketError) return error.kind === 'invalid' ? 400 : 409;
  return statusOf(error);
}

/**
 * The signed-in routes' error handler: a refusal by our rules answers its 4xx with its message
 * (so handlers throw it rather than catch it), anything else as `answerError`.
 */
export function answerRouteError(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  const status = domainStatusOf(error);
  if (status !== undefined) return reply.code(status).send({ error: error.message });
  return answerError(error, request, reply);
}
