import type { FastifyInstance, FastifyRequest } from 'fastify';

/**
 * Wrong passwords are limited twice (docs/security.md, "Limits"): per address, so one machine
 * cannot try many accounts, and per account, so many machines cannot try one account. Only wrong
 * passwords count, so a monitoring center behind one address signs in its whole shift. The counts
 * live in the rate-limit plugin's store: Redis when the API has one (several API processes then
 * share them), memory otherwise.
 */
export const WRONG_PER_ADDRESS = { max: 5, timeWindow: 60_000 };
export const WRONG_PER_ACCOUNT = { max: 10, timeWindow: 15 * 60_000 };

export interface LoginThrottle {
  /** Seconds to wait before this sign-in may be tried (0: now). */
  wait(request: FastifyRequest): Promise<number>;
  /** Counts a wrong password against the address and the account. */
  failed(request: FastifyRequest): Promise<void>;
}

/** `app` must have @fastify/rate-limit registered; the account is the body's `username`. */
export function loginThrottle(app: FastifyInstance): LoginThrottle {
  const limits = [
    app.createRateLimit(WRONG_PER_ADDRESS),
    app.createRateLimit({
      ...WRONG_PER_ACCOUNT,
      keyGenerator: (request) => `account:${(request.body as { username: string }).username}`,
    }),
  ];
  return {
    async wait(request) {
      let seconds = 0;
      for (const limit of limits) {
        const state = await limit(request, { increment: false });
        if (!state.isAllowed && state.remaining === 0) seconds = Math.max(seconds, state.ttlInSeconds, 1);
      }
      return seconds;
    },
    async failed(request) {
      await Promise.all(limits.map((limit) => limit(request)));
    },
  };
}
