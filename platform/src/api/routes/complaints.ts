import type { FastifyPluginAsync } from 'fastify';
import type pg from 'pg';
import {
  answerComplaint,
  type Finding,
  type NewComplaint,
  raiseAutomaticComplaints,
  recordComplaint,
  reportMeasuresDone,
} from '../../after-sales/complaint-store.js';
import { loadConfig } from '../../after-sales/config-store.js';
import { maskRow } from '../../after-sales/masking.js';
import { EXPORT_ROWS, type ExportFormat, formatProperty, sendTable, tableOf } from '../export.js';
import { ANYONE } from '../guard.js';
import { scopeOf } from '../scope.js';
import type { User } from '../sessions.js';
import { answering, DESK_ROLES, dayPattern, idParams, ticketInScope } from './after-sales-common.js';

/** The complaint list's export columns. */
const COMPLAINT_EXPORT = [
  'id',
  'source',
  'ticket_id',
  'phone',
  'vehicle_id',
  'center_id',
  'service_point_id',
  'installer',
  'description',
  'complex',
  'opened_at',
  'due_at',
  'late',
  'handler',
  'answered_at',
  'finding',
  'measures',
  'charged_service_point_id',
  'charged_installer',
  'measures_owner',
  'measures_due',
  'measures_done_at',
  'measures_done_by',
];

/**
 * Complaints: recorded by the desk, raised by the platform's rules (repeat fault, several faults in
 * a year), answered with a finding and measures; an upheld one is charged to a service point or
 * an installer.
 */
export const complaintRoutes: FastifyPluginAsync<{ pool: pg.Pool }> = async (app, { pool }) => {
  // Complaints carry center and service point like tickets: the tickets' scope applies.
  const complaintInScope = async (user: User, id: number) => {
    const scope = scopeOf(user, 2);
    const { rows } = await pool.query(
      `SELECT 1 FROM complaints ticket WHERE ticket.id = $1 AND ${scope.tickets}`,
      [id, ...scope.params],
    );
    return rows.length > 0;
  };

  app.get<{ Querystring: { open?: boolean; limit?: number; format?: ExportFormat } }>(
    '/complaints',
    {
      config: { roles: ANYONE },
      schema: {
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            open: { type: 'boolean' },
            limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 },
            format: formatProperty,
          },
        },
      },
    },
    async (request, reply) => {
      const { open = null, limit = 100, format = 'json' } = request.query;
      // Complaints carry center and service point like tickets: the tickets' scope applies.
      const scope = scopeOf(request.user, 3);
      const { rows } = await pool.query(
        // measures_due is a local date: as text, not a Date at the process's midnight (the later
        // column of the same name is the one node-pg keeps).
        `SELECT ticket.*, (ticket.answered_at IS NULL AND ticket.due_at < now()) OR ticket.answered_at > ticket.due_at AS late,
                to_char(ticket.measures_due, 'YYYY-MM-DD') AS measures_due
           FROM complaints ticket
          WHERE ($1::boolean IS NULL OR (ticket.answered_at IS NULL) = $1) AND ${scope.tickets}
          ORDER BY ticket.due_at LIMIT $2`,
        [open, format === 'json' ? limit : EXPORT_ROWS, ...scope.params],
      );
      const masked = rows.map((row) => maskRow(row, { phone: 'sim' }));
      if (format === 'json') return masked;
      return sendTable(reply, format, 'complaints', tableOf(masked, COMPLAINT_EXPORT));
    },
  );

  app.post<{
    Body: { description: string; complex?: boolean; ticketId?: number; vehicleId?: number; handler?: string };
  }>(
    '/complaints',
    {
      schema: {
        body: {
          type: 'object',
          required: ['description'],
          additionalProperties: false,
          properties: {
            description: { type: 'string', minLength: 1, maxLength: 2000 },
            complex: { type: 'boolean' },
            ticketId: { type: 'integer', minimum: 1 },
            vehicleId: { type: 'integer', minimum: 1 },
            handler: { type: 'string', maxLength: 64 },
          },
        },
      },
      config: { roles: DESK_ROLES },
    },
    async (request, reply) => {
      const { ticketId, vehicleId, ...rest } = request.body;
      if (ticketId === undefined && vehicleId === undefined)
        return reply.code(400).send({ error: 'name the ticket or the vehicle complained about' });
      if (ticketId !== undefined && !(await ticketInScope(pool, request.user, ticketId)))
        return reply.code(404).send({ error: 'no such ticket' });
      if (vehicleId !== undefined) {
        const scope = scopeOf(request.user, 2);
        const { rows } = await pool.query(
          `SELECT 1 FROM vehicles vehicle WHERE vehicle.id = $1 AND ${scope.vehicles}`,
          [vehicleId, ...scope.params],
        );
        if (rows.length === 0) return reply.code(404).send({ error: 'no such vehicle' });
      }
      const complaint: NewComplaint = {
        ...rest,
        ...(ticketId !== undefined ? { ticketId: String(ticketId) } : {}),
        ...(vehicleId !== undefined ? { vehicleId: String(vehicleId) } : {}),
      };
      return answering(reply, async () => {
        const created = await recordComplaint(
          pool,
          complaint,
          request.user.username,
          new Date(),
          await loadConfig(pool),
        );
        return reply.code(201).send(created);
      });
    },
  );

  app.post<{ Params: { id: number }; Body: Finding }>(
    '/complaints/:id/answer',
    {
      schema: {
        params: idParams,
        body: {
          type: 'object',
          required: ['finding', 'measures'],
          additionalProperties: false,
          properties: {
            finding: { type: 'string', enum: ['upheld', 'not-upheld'] },
            measures: { type: 'string', minLength: 1, maxLength: 2000 },
            handler: { type: 'string', maxLength: 64 },
            chargedServicePointId: { type: 'integer', minimum: 1 },
            chargedInstaller: { type: 'string', minLength: 1, maxLength: 64 },
            measuresOwner: { type: 'string', minLength: 1, maxLength: 64 },
            measuresDue: { type: 'string', pattern: dayPattern },
          },
        },
      },
      config: { roles: DESK_ROLES },
    },
    async (request, reply) => {
      if (!(await complaintInScope(request.user, request.params.id)))
        return reply.code(404).send({ error: 'no such complaint' });
      return answering(reply, () =>
        answerComplaint(pool, String(request.params.id), request.body, new Date()),
      );
    },
  );

  /** The improvement measures reported done (once), by the roles that answer complaints. */
  app.post<{ Params: { id: number }; Body: { report: string } }>(
    '/complaints/:id/measures-done',
    {
      schema: {
        params: idParams,
        body: {
          type: 'object',
          required: ['report'],
          additionalProperties: false,
          properties: { report: { type: 'string', minLength: 1, maxLength: 2000 } },
        },
      },
      config: { roles: DESK_ROLES },
    },
    async (request, reply) => {
      if (!(await complaintInScope(request.user, request.params.id)))
        return reply.code(404).send({ error: 'no such complaint' });
      return answering(reply, () =>
        reportMeasuresDone(
          pool,
          String(request.params.id),
          request.body.report,
          request.user.username,
          new Date(),
        ),
      );
    },
  );

  /** Runs the platform's complaint rules over the terminals repaired in the last `days` days. */
  app.post<{ Body: { days?: number } }>(
    '/complaints/review',
    {
      schema: {
        body: {
          type: 'object',
          additionalProperties: false,
          properties: { days: { type: 'integer', minimum: 1, maximum: 366 } },
        },
      },
      config: { roles: ['admin'] },
    },
    async (request) => {
      const now = Date.now();
      const days = request.body?.days ?? 1;
      return {
        raised: await raiseAutomaticComplaints(pool, now - days * 86_400_000, now, await loadConfig(pool)),
      };
    },
  );
};
