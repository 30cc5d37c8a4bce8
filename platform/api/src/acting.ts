import type { Acting } from '@jt808/storage';
import type { FastifyRequest } from 'fastify';

/**
 * The header the console sends with every request, so that a change made on one of its forms is
 * recorded as such. It only labels the way in a history (the session says who); a script that sends
 * it is recorded as the console, under its own user.
 */
export const CLIENT_HEADER = 'x-jt808-client';

/** The signed-in user of `request` changing the roster, by a console form or by the API. */
export function actingOf(request: FastifyRequest): Acting {
  return {
    actor: request.user.username,
    source: request.headers[CLIENT_HEADER] === 'console' ? 'console' : 'api',
  };
}
