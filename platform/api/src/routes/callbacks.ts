import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  callbackFigures,
  callbacksDue,
  loadConfig,
  localDay,
  maskRow,
  recordCallback,
  scheduleMonthlyCallbacks,
  scheduleTicketCallbacks,
} from '@jt808/after-sales';
import {
  CallbackBody,
  CallbackFigures,
  CallbackResult,
  CallbacksDueQuery,
  CallbackTask,
  DayPeriodQuery,
  ErrorAnswer,
  IdParams,
  MonthlyCallbacksBody,
  MonthlyCallbacksResult,
  ref,
} from '@jt808/api-contract';
import { scopeOf } from '@jt808/storage';
import { Type } from 'typebox';
import { sendTable, tableOfFields } from '../export.js';
import { ANYONE } from '../guard.js';
import { withinMaxSpan } from '../limits.js';
import { callbackInScope } from '../stores/in-scope-store.js';
import { DESK_ROLES } from './after-sales-common.js';

/** The callbacks-due list's export columns (the file's names) and the fields they hold. */
const CALLBACK_EXPORT = {
  id: 'id',
  kind: 'kind',
  due_at: 'dueAt',
  plate: 'plate',
  owner_name: 'ownerName',
  owner_phone: 'ownerPhone',
  ticket_id: 'ticketId',
  month: 'month',
  center_id: 'centerId',
  service_point_id: 'servicePointId',
} as const satisfies Record<string, keyof CallbackTask>;

const errors = { '4xx': ref(ErrorAnswer) };

/**
 * Callbacks: the tasks due (every closed ticket's, the owners' monthly), their answers, and the
 * figures against target (SQL in after-sales/callback-store.ts).
 */
export const callbackRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { pool } = app;
  app.get(
    '/callbacks/due',
    {
      config: { roles: DESK_ROLES },
      schema: { querystring: CallbacksDueQuery, response: { 200: Type.Array(CallbackTask), ...errors } },
    },
    async (request, reply) => {
      // Closed tickets get their task as soon as anyone looks: nothing closed is ever missed.
      await scheduleTicketCallbacks(pool, await loadConfig(pool));
      const day = request.query.day ?? localDay(Date.now());
      const rows = await callbacksDue(pool, request.user, day);
      const masked = rows.map((row) => maskRow(row, { ownerName: 'name', ownerPhone: 'phone' }));
      const { format = 'json' } = request.query;
      if (format === 'json') return masked as unknown as CallbackTask[];
      return sendTable(reply, format, `callbacks-due-${day}`, tableOfFields(masked, CALLBACK_EXPORT));
    },
  );

  app.post(
    '/callbacks/:id',
    {
      config: { roles: DESK_ROLES },
      schema: { params: ref(IdParams), body: CallbackBody, response: { 200: CallbackResult, ...errors } },
    },
    async (request, reply) => {
      if (!(await callbackInScope(pool, scopeOf(request.user, 2), request.params.id)))
        return reply.code(404).send({ error: 'no such callback' });
      return recordCallback(pool, String(request.params.id), request.body, request.user.username, new Date());
    },
  );

  app.post(
    '/callbacks/monthly',
    {
      config: { roles: ['admin'] },
      schema: { body: MonthlyCallbacksBody, response: { 200: MonthlyCallbacksResult, ...errors } },
    },
    async (request) => ({ scheduled: await scheduleMonthlyCallbacks(pool, request.body.month) }),
  );

  app.get(
    '/callbacks/figures',
    {
      config: { roles: ANYONE },
      preHandler: withinMaxSpan,
      schema: { querystring: DayPeriodQuery, response: { 200: Type.Array(CallbackFigures), ...errors } },
    },
    async (request) =>
      callbackFigures(pool, request.user, request.query.from, request.query.to, await loadConfig(pool)),
  );
};
