import type { FastifyPluginAsync } from 'fastify';
import type pg from 'pg';
import { localDay } from '../../after-sales/calendar.js';
import {
  type CallbackAnswer,
  callbackFigures,
  callbacksDue,
  recordCallback,
  scheduleMonthlyCallbacks,
  scheduleTicketCallbacks,
} from '../../after-sales/callback-store.js';
import { loadConfig } from '../../after-sales/config-store.js';
import { maskRow } from '../../after-sales/masking.js';
import { type ExportFormat, formatProperty, sendTable, tableOf } from '../export.js';
import { ANYONE } from '../guard.js';
import { withinMaxSpan } from '../limits.js';
import { scopeOf } from '../scope.js';
import {
  answering,
  DESK_ROLES,
  dayPattern,
  idParams,
  monthPattern,
  periodQuery,
} from './after-sales-common.js';

/** The callbacks-due list's export columns. */
const CALLBACK_EXPORT = [
  'id',
  'kind',
  'due_at',
  'plate',
  'owner_name',
  'owner_phone',
  'ticket_id',
  'month',
  'center_id',
  'service_point_id',
];

/** Callbacks: the tasks due (every closed ticket's, the owners' monthly), their answers, and the figures against target. */
export const callbackRoutes: FastifyPluginAsync<{ pool: pg.Pool }> = async (app, { pool }) => {
  app.get<{ Querystring: { day?: string; format?: ExportFormat } }>(
    '/callbacks/due',
    {
      schema: {
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { day: { type: 'string', pattern: dayPattern }, format: formatProperty },
        },
      },
      config: { roles: DESK_ROLES },
    },
    async (request, reply) =>
      answering(reply, async () => {
        // Closed tickets get their task as soon as anyone looks: nothing closed is ever missed.
        await scheduleTicketCallbacks(pool, await loadConfig(pool));
        const day = request.query.day ?? localDay(Date.now());
        const rows = await callbacksDue(pool, request.user, day);
        const masked = rows.map((row) => maskRow(row, { owner_name: 'name', owner_phone: 'phone' }));
        const { format = 'json' } = request.query;
        if (format === 'json') return masked;
        return sendTable(reply, format, `callbacks-due-${day}`, tableOf(masked, CALLBACK_EXPORT));
      }),
  );

  app.post<{ Params: { id: number }; Body: CallbackAnswer }>(
    '/callbacks/:id',
    {
      schema: {
        params: idParams,
        body: {
          type: 'object',
          required: ['satisfaction'],
          additionalProperties: false,
          properties: {
            satisfaction: { type: 'integer', minimum: 1, maximum: 5 },
            reason: { type: 'string', maxLength: 500 },
            comment: { type: 'string', maxLength: 1000 },
          },
        },
      },
      config: { roles: DESK_ROLES },
    },
    async (request, reply) => {
      const scope = scopeOf(request.user, 2);
      const { rows } = await pool.query(
        `SELECT 1 FROM callbacks c JOIN vehicles vehicle ON vehicle.id = c.vehicle_id WHERE c.id = $1 AND ${scope.vehicles}`,
        [request.params.id, ...scope.params],
      );
      if (rows.length === 0) return reply.code(404).send({ error: 'no such callback' });
      return answering(reply, () =>
        recordCallback(pool, String(request.params.id), request.body, request.user.username, new Date()),
      );
    },
  );

  app.post<{ Body: { month: string } }>(
    '/callbacks/monthly',
    {
      schema: {
        body: {
          type: 'object',
          required: ['month'],
          additionalProperties: false,
          properties: { month: { type: 'string', pattern: monthPattern } },
        },
      },
      config: { roles: ['admin'] },
    },
    async (request) => ({ scheduled: await scheduleMonthlyCallbacks(pool, request.body.month) }),
  );

  app.get<{ Querystring: { from: string; to: string } }>(
    '/callbacks/figures',
    {
      config: { roles: ANYONE },
      preHandler: withinMaxSpan,
      schema: {
        querystring: periodQuery,
      },
    },
    async (request, reply) =>
      answering(reply, async () =>
        callbackFigures(pool, request.user, request.query.from, request.query.to, await loadConfig(pool)),
      ),
  );
};
