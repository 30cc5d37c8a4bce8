import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * Caps on what one request may ask for (docs/security.md, "Limits"), shared by the routes' schemas.
 */

/**
 * Pages: a province's 400,000 vehicles at the default 50 a page are 8,000 pages, so 10,000 reaches
 * every one; beyond it `page` only made an OFFSET PostgreSQL refuses (page=1e300 was a 500).
 */
export const MAX_PAGE = 10_000;
export const MAX_PAGE_SIZE = 500;

export const pageProperties = {
  page: { type: 'integer', minimum: 1, maximum: MAX_PAGE, default: 1 },
  pageSize: { type: 'integer', minimum: 1, maximum: MAX_PAGE_SIZE, default: 50 },
} as const;

/**
 * Periods (`from`, `to`): a year of figures with a month to spare. The regulator's reports are
 * yearly at most; a longer period reads years of every terminal's fixes in one request (a KPI
 * request for 1970–2100 was accepted), which is an export, not a question for the API.
 */
export const MAX_SPAN_DAYS = 400;

/** A preHandler refusing a period (query `from`, `to`: days or instants) longer than MAX_SPAN_DAYS. */
export async function withinMaxSpan(request: FastifyRequest, reply: FastifyReply) {
  const { from, to } = request.query as { from: string; to: string };
  if (Date.parse(to) - Date.parse(from) > MAX_SPAN_DAYS * 86_400_000) {
    return reply.code(400).send({ error: `a period is at most ${MAX_SPAN_DAYS} days` });
  }
}
