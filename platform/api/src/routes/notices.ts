import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { addEndpoint, listEndpoints, loadSender, saveSender, updateEndpoint } from '@jt808/after-sales';
import {
  Deliveries,
  DeliveryQuery,
  type Endpoint,
  EndpointBody,
  EndpointChanged,
  EndpointMade,
  Endpoints,
  ErrorAnswer,
  EscalationBody,
  IdParams,
  Inbox,
  InboxCounts,
  InboxQuery,
  InboxRead,
  InboxReadBody,
  Notice,
  ref,
  SenderBody,
  SenderConfig,
} from '@jt808/api-contract';
import { scopeOf } from '@jt808/storage';
import { ANYONE } from '../guard.js';
import type { User } from '../sessions.js';
import {
  deliveries,
  type EscalationScope,
  escalationState,
  inboxCounts,
  inboxOf,
  markRead,
  workOffEscalation,
} from '../stores/inbox-store.js';
import { MANAGER_ROLES } from './after-sales-common.js';

const errors = { '4xx': ref(ErrorAnswer) };

/**
 * The escalations a manager sees: those of their centers (`ticket` is the alias the scope's ticket
 * condition names; a notice carries its center like a ticket). None for anyone else.
 */
function escalationsOf(user: User, firstParam: number): EscalationScope {
  if (!MANAGER_ROLES.includes(user.role)) return { where: 'FALSE', params: [] };
  const scope = scopeOf(user, firstParam);
  return {
    where: `notice.kind = 'escalation' AND ${scope.tickets.replaceAll('ticket.', 'notice.')}`,
    params: scope.params,
  };
}

/**
 * The inbox (each user's notices, and a manager's escalations), escalations worked off, the outbound
 * sender and its log. Rows go out as the store names them (the contract's camelCase), their Dates as
 * the contract's ISO strings. A refusal of the rules (an endpoint's URL, a name taken) is an
 * AfterSalesError, answered by the error handler.
 */
export const noticeRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { pool } = app;
  const countsOf = (user: User) => inboxCounts(pool, user, escalationsOf(user, 2));

  app.get(
    '/inbox',
    { config: { roles: ANYONE }, schema: { querystring: InboxQuery, response: { 200: Inbox, ...errors } } },
    async (request) => {
      const { kind = null, open = false, limit } = request.query;
      const items = await inboxOf(pool, request.user, escalationsOf(request.user, 5), { kind, open, limit });
      return { items, ...(await countsOf(request.user)) };
    },
  );

  /** What the header shows: unread notices and escalations still open. */
  app.get(
    '/inbox/count',
    { config: { roles: ANYONE }, schema: { response: { 200: InboxCounts } } },
    async (request) => countsOf(request.user),
  );

  app.post(
    '/inbox/read',
    { config: { roles: ANYONE }, schema: { body: InboxReadBody, response: { 200: InboxRead, ...errors } } },
    async (request) => {
      const { ids = [], all = false } = request.body ?? {};
      return { read: await markRead(pool, request.user, ids, all) };
    },
  );

  app.post(
    '/escalations/:id',
    {
      config: { roles: MANAGER_ROLES },
      schema: { params: ref(IdParams), body: EscalationBody, response: { 200: Notice, ...errors } },
    },
    async (request, reply) => {
      const { action } = request.body;
      const note = request.body.note.trim();
      if (!note) return reply.code(400).send({ error: 'say what was done' });
      const state = await escalationState(pool, request.params.id, escalationsOf(request.user, 2));
      if (!state) return reply.code(404).send({ error: 'no such escalation' });
      const notice = await workOffEscalation(pool, request.params.id, action, request.user.username, note);
      if (!notice) return reply.code(409).send({ error: `the escalation is ${state} already` });
      return notice;
    },
  );

  app.get(
    '/notifications/sender',
    { config: { roles: ['admin'] }, schema: { response: { 200: SenderConfig } } },
    async () => loadSender(pool),
  );

  app.put(
    '/notifications/sender',
    {
      config: { roles: ['admin'] },
      schema: { body: SenderBody, response: { 200: SenderConfig, ...errors } },
    },
    async (request) =>
      saveSender(pool, { ...(await loadSender(pool)), ...request.body }, request.user.username),
  );

  app.get(
    '/notifications/endpoints',
    { config: { roles: ['admin'] }, schema: { response: { 200: Endpoints } } },
    async () => (await listEndpoints(pool)) as unknown as Endpoint[],
  );

  app.post(
    '/notifications/endpoints',
    {
      config: { roles: ['admin'] },
      schema: { body: EndpointBody, response: { 201: EndpointMade, ...errors } },
    },
    async (request, reply) => {
      const endpoint = await addEndpoint(pool, request.body, request.user.username);
      return reply.code(201).send(endpoint as unknown as EndpointMade);
    },
  );

  app.put(
    '/notifications/endpoints/:id',
    {
      config: { roles: ['admin'] },
      schema: { params: ref(IdParams), body: EndpointBody, response: { 200: EndpointChanged, ...errors } },
    },
    async (request) =>
      (await updateEndpoint(
        pool,
        request.params.id,
        request.body,
        request.user.username,
      )) as unknown as EndpointChanged,
  );

  app.get(
    '/notifications/deliveries',
    {
      config: { roles: ['admin'] },
      schema: { querystring: DeliveryQuery, response: { 200: Deliveries, ...errors } },
    },
    async (request) => deliveries(pool, { state: request.query.state ?? null, limit: request.query.limit }),
  );
};
