import type { FastifyPluginAsync } from 'fastify';
import type pg from 'pg';
import {
  addEndpoint,
  type EndpointInput,
  listEndpoints,
  updateEndpoint,
} from '../../after-sales/notification-endpoints.js';
import { loadSender, type SenderConfig, saveSender } from '../../after-sales/outbound.js';
import { ANYONE } from '../guard.js';
import { scopeOf } from '../scope.js';
import type { Role, User } from '../sessions.js';
import { answering, idParams } from './after-sales-common.js';

/**
 * A center's managers: its operators (and administrators, for every center). They work off the
 * escalations of their centers; nobody else may (docs/after-sales.md, "Escalations").
 */
export const MANAGER_ROLES: readonly Role[] = ['admin', 'operator'];

const NOTICE_KINDS = ['dispatch', 'reassign', 'reschedule', 'deadline', 'escalation', 'exchange'];

const NOTICE_COLUMNS = `notice.id, notice.kind, notice.cause, notice.text, notice.detail, notice.at, notice.center_id,
  notice.ticket_id, notice.complaint_id, notice.vehicle_id, notice.state, notice.acknowledged_at, notice.acknowledged_by,
  notice.resolved_at, notice.resolved_by, notice.resolved_reason, notice.note`;

/**
 * The escalations a manager sees: those of their centers (`ticket` is the alias the scope's ticket
 * condition names; a notice carries its center like a ticket). None for anyone else.
 */
function escalationsOf(user: User, firstParam: number): { where: string; params: unknown[] } {
  if (!MANAGER_ROLES.includes(user.role)) return { where: 'FALSE', params: [] };
  const scope = scopeOf(user, firstParam);
  return {
    where: `notice.kind = 'escalation' AND ${scope.tickets.replaceAll('ticket.', 'notice.')}`,
    params: scope.params,
  };
}

/** The inbox (each user's notices, and a manager's escalations), escalations worked off, the outbound sender and its log. */
export const noticeRoutes: FastifyPluginAsync<{ pool: pg.Pool }> = async (app, { pool }) => {
  app.get<{ Querystring: { kind?: string; open?: boolean; limit?: number } }>(
    '/inbox',
    {
      config: { roles: ANYONE },
      schema: {
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            kind: { type: 'string', enum: NOTICE_KINDS },
            open: { type: 'boolean' },
            limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 },
          },
        },
      },
    },
    async (request) => {
      const { kind = null, open = false, limit = 100 } = request.query;
      const escalations = escalationsOf(request.user, 5);
      // Open: unread notices, escalations not yet resolved.
      const { rows } = await pool.query(
        `SELECT * FROM (
           SELECT ${NOTICE_COLUMNS}, inbox.read_at FROM notices notice
             JOIN inbox ON inbox.notice_id = notice.id AND inbox.user_id = $1
            WHERE NOT ($3 AND inbox.read_at IS NOT NULL)
           UNION ALL
           SELECT ${NOTICE_COLUMNS}, NULL FROM notices notice
            WHERE ${escalations.where} AND NOT ($3 AND notice.state = 'resolved')) items
          WHERE ($2::text IS NULL OR kind = $2) ORDER BY at DESC, id DESC LIMIT $4`,
        [request.user.id, kind, open, limit, ...escalations.params],
      );
      return { items: rows, ...(await countsOf(request.user)) };
    },
  );

  /** What the header shows: unread notices and escalations still open. */
  const countsOf = async (user: User) => {
    const escalations = escalationsOf(user, 2);
    const { rows } = await pool.query<{ unread: number; escalations: number }>(
      `SELECT (SELECT count(*)::int FROM inbox WHERE user_id = $1 AND read_at IS NULL) AS unread,
              (SELECT count(*)::int FROM notices notice WHERE ${escalations.where} AND notice.state <> 'resolved') AS escalations`,
      [user.id, ...escalations.params],
    );
    return rows[0]!;
  };

  app.get('/inbox/count', { config: { roles: ANYONE } }, async (request) => countsOf(request.user));

  app.post<{ Body: { ids?: number[]; all?: boolean } }>(
    '/inbox/read',
    {
      config: { roles: ANYONE },
      schema: {
        body: {
          type: 'object',
          additionalProperties: false,
          properties: {
            ids: { type: 'array', items: { type: 'integer', minimum: 1 }, maxItems: 500 },
            all: { type: 'boolean' },
          },
        },
      },
    },
    async (request) => {
      const { ids = [], all = false } = request.body ?? {};
      // Only the user's own inbox: someone else's notice ids change nothing.
      const { rowCount } = await pool.query(
        `UPDATE inbox SET read_at = now() WHERE user_id = $1 AND read_at IS NULL AND ($3 OR notice_id = ANY ($2::bigint[]))`,
        [request.user.id, ids, all],
      );
      return { read: rowCount ?? 0 };
    },
  );

  app.post<{ Params: { id: number }; Body: { action: 'acknowledge' | 'resolve'; note: string } }>(
    '/escalations/:id',
    {
      config: { roles: MANAGER_ROLES },
      schema: {
        params: idParams,
        body: {
          type: 'object',
          required: ['action', 'note'],
          additionalProperties: false,
          properties: {
            action: { type: 'string', enum: ['acknowledge', 'resolve'] },
            note: { type: 'string', minLength: 1, maxLength: 2000 },
          },
        },
      },
    },
    async (request, reply) => {
      const { action, note } = request.body;
      if (!note.trim()) return reply.code(400).send({ error: 'say what was done' });
      const escalations = escalationsOf(request.user, 2);
      const { rows } = await pool.query<{ state: string }>(
        `SELECT notice.state FROM notices notice WHERE notice.id = $1 AND ${escalations.where}`,
        [request.params.id, ...escalations.params],
      );
      if (!rows[0]) return reply.code(404).send({ error: 'no such escalation' });
      const from = action === 'acknowledge' ? ['open'] : ['open', 'acknowledged'];
      const by = action === 'acknowledge' ? 'acknowledged' : 'resolved';
      const updated = await pool.query(
        `UPDATE notices notice SET state = $2, ${by}_at = now(), ${by}_by = $3,
                note = coalesce(note || E'\\n', '') || $4
          WHERE notice.id = $1 AND notice.state = ANY ($5::text[])
          RETURNING ${NOTICE_COLUMNS}`,
        [request.params.id, by, request.user.username, note.trim(), from],
      );
      if (!updated.rows[0])
        return reply.code(409).send({ error: `the escalation is ${rows[0].state} already` });
      return updated.rows[0];
    },
  );

  const senderBody = {
    type: 'object',
    additionalProperties: false,
    properties: {
      timeoutMs: { type: 'integer', minimum: 100, maximum: 60_000 },
      maxAttempts: { type: 'integer', minimum: 1, maximum: 20 },
      backoffMs: { type: 'integer', minimum: 100, maximum: 3_600_000 },
    },
  } as const;

  app.get('/notifications/sender', { config: { roles: ['admin'] } }, async () => loadSender(pool));

  app.put<{ Body: Partial<SenderConfig> }>(
    '/notifications/sender',
    { config: { roles: ['admin'] }, schema: { body: senderBody } },
    async (request) =>
      saveSender(pool, { ...(await loadSender(pool)), ...request.body }, request.user.username),
  );

  /** An endpoint: a name, an http(s) URL, the kinds routed to it, and its secret (write-only). */
  const endpointBody = {
    type: 'object',
    required: ['name', 'url', 'kinds', 'active'],
    additionalProperties: false,
    properties: {
      name: { type: 'string', minLength: 1, maxLength: 64, pattern: '\\S' },
      url: { type: 'string', minLength: 1, maxLength: 2000 },
      kinds: { type: 'array', items: { type: 'string', enum: NOTICE_KINDS }, maxItems: NOTICE_KINDS.length },
      active: { type: 'boolean' },
      secret: { type: 'string', minLength: 16, maxLength: 256, pattern: '^\\S+$' },
    },
  } as const;

  app.get('/notifications/endpoints', { config: { roles: ['admin'] } }, async () => listEndpoints(pool));

  app.post<{ Body: EndpointInput }>(
    '/notifications/endpoints',
    { config: { roles: ['admin'] }, schema: { body: endpointBody } },
    async (request, reply) =>
      answering(reply, async () =>
        reply.code(201).send(await addEndpoint(pool, request.body, request.user.username)),
      ),
  );

  app.put<{ Params: { id: number }; Body: EndpointInput }>(
    '/notifications/endpoints/:id',
    { config: { roles: ['admin'] }, schema: { params: idParams, body: endpointBody } },
    async (request, reply) =>
      answering(reply, () => updateEndpoint(pool, request.params.id, request.body, request.user.username)),
  );

  app.get<{ Querystring: { state?: string; limit?: number } }>(
    '/notifications/deliveries',
    {
      config: { roles: ['admin'] },
      schema: {
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            state: { type: 'string', enum: ['pending', 'sent', 'failed'] },
            limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 },
          },
        },
      },
    },
    async (request) => {
      const { state = null, limit = 100 } = request.query;
      const { rows } = await pool.query(
        `SELECT m.id, m.notice_id, n.kind, n.cause, n.text, m.endpoint_id, e.name AS endpoint, m.url, m.state, m.attempts, m.next_attempt_at, m.created_at,
                m.sent_at, m.payload,
                (SELECT coalesce(jsonb_agg(jsonb_build_object('at', a.at, 'status', a.status, 'ok', a.ok, 'error', a.error, 'ms', a.ms)
                                           ORDER BY a.id), '[]')
                   FROM outbound_attempts a WHERE a.message_id = m.id) AS log
           FROM outbound_messages m JOIN notices n ON n.id = m.notice_id
           JOIN notification_endpoints e ON e.id = m.endpoint_id
          WHERE ($1::text IS NULL OR m.state = $1) ORDER BY m.id DESC LIMIT $2`,
        [state, limit],
      );
      return rows;
    },
  );
};
