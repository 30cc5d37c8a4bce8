import type { FastifyPluginAsync } from 'fastify';
import type pg from 'pg';
import { localDay } from '../../after-sales/calendar.js';
import { loadConfig, loadSettings } from '../../after-sales/config-store.js';
import type { CallReport } from '../../after-sales/intake.js';
import { answerTicket, clockEvent, recordCall, ticketClocks } from '../../after-sales/intake-store.js';
import { maskRow } from '../../after-sales/masking.js';
import { decide, EXCLUSIONS, type Receipt } from '../../after-sales/warranty.js';
import { unitOf } from '../../after-sales/warranty-store.js';
import { EXPORT_ROWS, type ExportFormat, formatProperty, sendTable, tableOf } from '../export.js';
import { ANYONE } from '../guard.js';
import { scopeOf } from '../scope.js';
import { answering, DESK_ROLES, dayPattern, idParams, ticketInScope } from './after-sales-common.js';

const callBody = {
  type: 'object',
  required: ['callerPhone', 'vehicle', 'description', 'category', 'severity'],
  additionalProperties: false,
  properties: {
    receivedAt: { type: 'string', format: 'date-time' },
    callerName: { type: 'string', maxLength: 64 },
    callerPhone: { type: 'string', minLength: 3, maxLength: 32 },
    vehicle: {
      type: 'object',
      additionalProperties: false,
      properties: {
        id: { type: 'integer', minimum: 1 },
        plate: { type: 'string', minLength: 1, maxLength: 32 },
        terminal: { type: 'string', pattern: '^[0-9]{1,20}$' },
        ownerPhone: { type: 'string', minLength: 3, maxLength: 32 },
      },
    },
    description: { type: 'string', minLength: 1, maxLength: 2000 },
    category: { type: 'string', enum: ['hardware', 'software', 'guidance', 'consultation'] },
    severity: { type: 'integer', enum: [1, 2, 3] },
    answeredOnCall: { type: 'boolean' },
    needsVisit: { type: 'boolean' },
    channel: { type: 'string', enum: ['phone', 'web'] },
  },
} as const;

/** The call log's export columns. */
const CALL_EXPORT = [
  'id',
  'received_at',
  'channel',
  'caller_name',
  'caller_phone',
  'plate',
  'owner_name',
  'phone',
  'category',
  'severity',
  'description',
  'answered_on_call',
  'ticket_id',
  'attached',
  'taken_by',
];

/**
 * The service desk: calls that become (or join) tickets, the desk's answers and clocks, the call
 * log searched by plate, caller or owner (personal data masked), and which warranty rule applies.
 */
export const deskRoutes: FastifyPluginAsync<{ pool: pg.Pool }> = async (app, { pool }) => {
  app.post<{ Body: Omit<CallReport, 'receivedAt'> & { receivedAt?: string } }>(
    '/desk/calls',
    { schema: { body: callBody }, config: { roles: DESK_ROLES } },
    async (request, reply) =>
      answering(reply, async () => {
        const { receivedAt, ...call } = request.body;
        const report: CallReport = { ...call, receivedAt: receivedAt ? new Date(receivedAt) : new Date() };
        const result = await recordCall(pool, report, request.user, await loadConfig(pool));
        return reply.code(result.attached ? 200 : 201).send(result);
      }),
  );

  app.get<{ Querystring: { q?: string; limit?: number; format?: ExportFormat } }>(
    '/desk/calls',
    {
      schema: {
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            q: { type: 'string', maxLength: 32 },
            limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 },
            format: formatProperty,
          },
        },
      },
      config: { roles: DESK_ROLES },
    },
    async (request, reply) => {
      const { q = '', limit = 100, format = 'json' } = request.query;
      const scope = scopeOf(request.user, 3);
      const { rows } = await pool.query(
        `SELECT c.id, c.received_at, c.caller_name, c.caller_phone, c.vehicle_id, vehicle.plate, c.phone, c.description,
                c.category, c.severity, c.channel, c.answered_on_call, c.ticket_id, c.attached, c.taken_by, vehicle.owner_name
           FROM desk_calls c JOIN vehicles vehicle ON vehicle.id = c.vehicle_id
          WHERE ($1 = '' OR vehicle.plate ILIKE '%' || $1 || '%' OR c.caller_phone = $1 OR vehicle.owner_phone = $1
                 OR vehicle.owner_name = $1 OR c.phone = ltrim($1, '0'))
            AND ${scope.vehicles}
          ORDER BY c.received_at DESC LIMIT $2`,
        [q, format === 'json' ? limit : EXPORT_ROWS, ...scope.params],
      );
      const masked = rows.map((row) =>
        maskRow(row, { caller_name: 'name', caller_phone: 'phone', phone: 'sim', owner_name: 'name' }),
      );
      return format === 'json' ? masked : sendTable(reply, format, 'calls', tableOf(masked, CALL_EXPORT));
    },
  );

  app.post<{ Params: { id: number }; Body: { settled?: boolean } }>(
    '/desk/tickets/:id/answer',
    {
      schema: {
        params: idParams,
        body: { type: 'object', additionalProperties: false, properties: { settled: { type: 'boolean' } } },
      },
      config: { roles: DESK_ROLES },
    },
    async (request, reply) => {
      if (!(await ticketInScope(pool, request.user, request.params.id)))
        return reply.code(404).send({ error: 'no such ticket' });
      return answering(reply, () =>
        answerTicket(
          pool,
          String(request.params.id),
          request.body?.settled ?? false,
          request.user.username,
          new Date(),
        ),
      );
    },
  );

  app.post<{
    Params: { id: number };
    Body: {
      clock: 'first-answer' | 'visit' | 'inspection-report' | 'spare-parts';
      event: 'start' | 'met';
      at?: string;
    };
  }>(
    '/desk/tickets/:id/clocks',
    {
      schema: {
        params: idParams,
        body: {
          type: 'object',
          required: ['clock', 'event'],
          additionalProperties: false,
          properties: {
            clock: { type: 'string', enum: ['first-answer', 'visit', 'inspection-report', 'spare-parts'] },
            event: { type: 'string', enum: ['start', 'met'] },
            at: { type: 'string', format: 'date-time' },
          },
        },
      },
      config: { roles: [...DESK_ROLES, 'service'] },
    },
    async (request, reply) => {
      if (!(await ticketInScope(pool, request.user, request.params.id)))
        return reply.code(404).send({ error: 'no such ticket' });
      const { clock, event, at } = request.body;
      return answering(reply, async () =>
        clockEvent(
          pool,
          String(request.params.id),
          clock,
          event,
          at ? new Date(at) : new Date(),
          await loadConfig(pool),
          request.user.username,
        ),
      );
    },
  );

  app.get<{ Params: { id: number } }>(
    '/desk/tickets/:id/clocks',
    { config: { roles: ANYONE }, schema: { params: idParams } },
    async (request, reply) => {
      if (!(await ticketInScope(pool, request.user, request.params.id)))
        return reply.code(404).send({ error: 'no such ticket' });
      return ticketClocks(pool, request.params.id);
    },
  );

  app.get<{
    Params: { terminal: string };
    Querystring: Receipt & { today?: string; quality?: boolean };
  }>(
    '/warranty/:terminal',
    {
      config: { roles: ANYONE },
      schema: {
        params: {
          type: 'object',
          required: ['terminal'],
          properties: { terminal: { type: 'string', pattern: '^[0-9]{1,20}$' } },
        },
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            today: { type: 'string', pattern: dayPattern },
            quality: { type: 'boolean', default: false },
            exclusions: { type: 'array', items: { type: 'string', enum: EXCLUSIONS }, maxItems: 6 },
            badlyDamaged: { type: 'boolean' },
            opened: { type: 'boolean' },
          },
        },
      },
    },
    async (request, reply) => {
      const scope = scopeOf(request.user, 2);
      const { rows } = await pool.query(
        `SELECT 1 FROM terminals t JOIN vehicles vehicle ON vehicle.id = t.vehicle_id WHERE t.phone = ltrim($1, '0') AND ${scope.vehicles}`,
        [request.params.terminal, ...scope.params],
      );
      const unit = rows.length > 0 ? await unitOf(pool, request.params.terminal) : undefined;
      if (!unit) return reply.code(404).send({ error: 'no such terminal' });
      const { today = localDay(Date.now()), quality = false, ...receipt } = request.query;
      return answering(reply, async () =>
        decide(unit, { today, quality, ...receipt }, await loadSettings(pool)),
      );
    },
  );
};
