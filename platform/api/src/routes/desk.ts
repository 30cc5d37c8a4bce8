import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  answerTicket,
  clockEvent,
  decide,
  loadConfig,
  loadSettings,
  localDay,
  maskRow,
  recordCall,
  ticketClocks,
  unitOf,
} from '@jt808/after-sales';
import {
  AnswerBody,
  AnswerResult,
  CallBody,
  CallRow,
  CallsQuery,
  ClockEventBody,
  ClockState,
  ErrorAnswer,
  IdParams,
  IntakeResult,
  ref,
  TicketClock,
  WarrantyDecision,
  WarrantyParams,
  WarrantyQuery,
} from '@jt808/api-contract';
import { scopeOf } from '@jt808/storage';
import { Type } from 'typebox';
import { EXPORT_ROWS, sendTable, tableOfFields } from '../export.js';
import { ANYONE } from '../guard.js';
import { deskCallsIn } from '../stores/desk-store.js';
import { fittedTerminalInScope } from '../stores/in-scope-store.js';
import { DESK_ROLES, ticketInScope } from './after-sales-common.js';

/** The call log's export columns (the file's names) and the fields they hold. */
const CALL_EXPORT = {
  id: 'id',
  received_at: 'receivedAt',
  channel: 'channel',
  caller_name: 'callerName',
  caller_phone: 'callerPhone',
  plate: 'plate',
  owner_name: 'ownerName',
  phone: 'phone',
  category: 'category',
  severity: 'severity',
  description: 'description',
  answered_on_call: 'answeredOnCall',
  ticket_id: 'ticketId',
  attached: 'attached',
  taken_by: 'takenBy',
} as const satisfies Record<string, keyof CallRow>;

const errors = { '4xx': ref(ErrorAnswer) };

/**
 * The service desk: calls that become (or join) tickets, the desk's answers and clocks, the call
 * log searched by plate, caller or owner (personal data masked), and which warranty rule applies.
 * A refusal of the after-sales rules is thrown and answered by the scoped error handler (errors.ts).
 */
export const deskRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { pool } = app;
  app.post(
    '/desk/calls',
    {
      config: { roles: DESK_ROLES },
      schema: { body: CallBody, response: { 200: IntakeResult, 201: IntakeResult, ...errors } },
    },
    async (request, reply) => {
      const { receivedAt, ...call } = request.body;
      const report = { ...call, receivedAt: receivedAt ? new Date(receivedAt) : new Date() };
      const result = await recordCall(pool, report, request.user, await loadConfig(pool));
      // The clocks' Dates go out as the contract's ISO strings (the serializer's date-time).
      return reply.code(result.attached ? 200 : 201).send(result as unknown as IntakeResult);
    },
  );

  app.get(
    '/desk/calls',
    {
      config: { roles: DESK_ROLES },
      schema: { querystring: CallsQuery, response: { 200: Type.Array(CallRow), ...errors } },
    },
    async (request, reply) => {
      const { q = '', limit = 100, format = 'json' } = request.query;
      const rows = await deskCallsIn(
        pool,
        scopeOf(request.user, 3),
        q,
        format === 'json' ? limit : EXPORT_ROWS,
      );
      const masked = rows.map((row) =>
        maskRow(row, { callerName: 'name', callerPhone: 'phone', phone: 'sim', ownerName: 'name' }),
      );
      return format === 'json'
        ? masked
        : sendTable(reply, format, 'calls', tableOfFields(masked, CALL_EXPORT));
    },
  );

  app.post(
    '/desk/tickets/:id/answer',
    {
      config: { roles: DESK_ROLES },
      schema: { params: ref(IdParams), body: AnswerBody, response: { 200: AnswerResult, ...errors } },
    },
    async (request, reply) => {
      if (!(await ticketInScope(pool, request.user, request.params.id)))
        return reply.code(404).send({ error: 'no such ticket' });
      const settled = request.body?.settled ?? false;
      return answerTicket(pool, String(request.params.id), settled, request.user.username, new Date());
    },
  );

  app.post(
    '/desk/tickets/:id/clocks',
    {
      config: { roles: [...DESK_ROLES, 'service'] },
      schema: { params: ref(IdParams), body: ClockEventBody, response: { 200: ClockState, ...errors } },
    },
    async (request, reply) => {
      if (!(await ticketInScope(pool, request.user, request.params.id)))
        return reply.code(404).send({ error: 'no such ticket' });
      const { clock, event, at } = request.body;
      const config = await loadConfig(pool);
      const when = at ? new Date(at) : new Date();
      const state = await clockEvent(
        pool,
        String(request.params.id),
        clock,
        event,
        when,
        config,
        request.user.username,
      );
      return state as unknown as ClockState;
    },
  );

  app.get(
    '/desk/tickets/:id/clocks',
    {
      config: { roles: ANYONE },
      schema: { params: ref(IdParams), response: { 200: Type.Array(TicketClock), ...errors } },
    },
    async (request, reply) => {
      if (!(await ticketInScope(pool, request.user, request.params.id)))
        return reply.code(404).send({ error: 'no such ticket' });
      const clocks = await ticketClocks(pool, request.params.id);
      return clocks as unknown as TicketClock[];
    },
  );

  app.get(
    '/warranty/:terminal',
    {
      config: { roles: ANYONE },
      schema: {
        params: WarrantyParams,
        querystring: WarrantyQuery,
        response: { 200: WarrantyDecision, ...errors },
      },
    },
    async (request, reply) => {
      const { terminal } = request.params;
      const inScope = await fittedTerminalInScope(pool, scopeOf(request.user, 2), terminal);
      const unit = inScope ? await unitOf(pool, terminal) : undefined;
      if (!unit) return reply.code(404).send({ error: 'no such terminal' });
      const { today = localDay(Date.now()), quality = false, ...receipt } = request.query;
      return decide(unit, { today, quality, ...receipt }, await loadSettings(pool));
    },
  );
};
