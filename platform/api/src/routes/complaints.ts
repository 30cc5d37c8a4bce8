import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  answerComplaint,
  loadConfig,
  maskRow,
  type NewComplaint,
  raiseAutomaticComplaints,
  recordComplaint,
  reportMeasuresDone,
} from '@jt808/after-sales';
import {
  Complaint,
  ComplaintReviewBody,
  ComplaintReviewResult,
  ComplaintsQuery,
  ErrorAnswer,
  FindingBody,
  FindingResult,
  IdParams,
  MeasuresDoneBody,
  MeasuresDoneResult,
  NewComplaintBody,
  NewComplaintResult,
  ref,
} from '@jt808/api-contract';
import { scopeOf } from '@jt808/storage';
import { Type } from 'typebox';
import { EXPORT_ROWS, sendTable, tableOfFields } from '../export.js';
import { ANYONE } from '../guard.js';
import type { User } from '../sessions.js';
import { complaintsIn } from '../stores/complaints-store.js';
import { complaintInScope, vehicleInScope } from '../stores/in-scope-store.js';
import { DESK_ROLES, ticketInScope } from './after-sales-common.js';

/** The complaint list's export columns (the file's names) and the fields they hold. */
const COMPLAINT_EXPORT = {
  id: 'id',
  source: 'source',
  ticket_id: 'ticketId',
  phone: 'phone',
  vehicle_id: 'vehicleId',
  center_id: 'centerId',
  service_point_id: 'servicePointId',
  installer: 'installer',
  description: 'description',
  complex: 'complex',
  opened_at: 'openedAt',
  due_at: 'dueAt',
  late: 'late',
  handler: 'handler',
  answered_at: 'answeredAt',
  finding: 'finding',
  measures: 'measures',
  charged_service_point_id: 'chargedServicePointId',
  charged_installer: 'chargedInstaller',
  measures_owner: 'measuresOwner',
  measures_due: 'measuresDue',
  measures_done_at: 'measuresDoneAt',
  measures_done_by: 'measuresDoneBy',
} as const satisfies Record<string, keyof Complaint>;

const errors = { '4xx': ref(ErrorAnswer) };

/**
 * Complaints: recorded by the desk, raised by the platform's rules (repeat fault, several faults in
 * a year), answered with a finding and measures; an upheld one is charged to a service point or
 * an installer. A refusal of the rules is thrown and answered by the scoped error handler.
 */
export const complaintRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { pool } = app;
  app.get(
    '/complaints',
    {
      config: { roles: ANYONE },
      schema: { querystring: ComplaintsQuery, response: { 200: Type.Array(Complaint), ...errors } },
    },
    async (request, reply) => {
      const { open = null, limit = 100, format = 'json' } = request.query;
      const rows = await complaintsIn(
        pool,
        scopeOf(request.user, 3),
        open,
        format === 'json' ? limit : EXPORT_ROWS,
      );
      const masked = rows.map((row) => maskRow(row, { phone: 'sim' }));
      if (format === 'json') return masked;
      return sendTable(reply, format, 'complaints', tableOfFields(masked, COMPLAINT_EXPORT));
    },
  );

  app.post(
    '/complaints',
    {
      config: { roles: DESK_ROLES },
      schema: { body: NewComplaintBody, response: { 201: NewComplaintResult, ...errors } },
    },
    async (request, reply) => {
      const { ticketId, vehicleId, ...rest } = request.body;
      if (ticketId === undefined && vehicleId === undefined)
        return reply.code(400).send({ error: 'name the ticket or the vehicle complained about' });
      if (ticketId !== undefined && !(await ticketInScope(pool, request.user, ticketId)))
        return reply.code(404).send({ error: 'no such ticket' });
      if (vehicleId !== undefined && !(await vehicleInScope(pool, scopeOf(request.user, 2), vehicleId)))
        return reply.code(404).send({ error: 'no such vehicle' });
      const complaint: NewComplaint = {
        ...rest,
        ...(ticketId !== undefined ? { ticketId: String(ticketId) } : {}),
        ...(vehicleId !== undefined ? { vehicleId: String(vehicleId) } : {}),
      };
      const config = await loadConfig(pool);
      const created = await recordComplaint(pool, complaint, request.user.username, new Date(), config);
      // The Dates go out as the contract's ISO strings (the serializer's date-time).
      return reply.code(201).send(created as unknown as NewComplaintResult);
    },
  );

  const inScope = (user: User, id: number) => complaintInScope(pool, scopeOf(user, 2), id);

  app.post(
    '/complaints/:id/answer',
    {
      config: { roles: DESK_ROLES },
      schema: { params: ref(IdParams), body: FindingBody, response: { 200: FindingResult, ...errors } },
    },
    async (request, reply) => {
      if (!(await inScope(request.user, request.params.id)))
        return reply.code(404).send({ error: 'no such complaint' });
      const answer = await answerComplaint(pool, String(request.params.id), request.body, new Date());
      return answer as unknown as FindingResult;
    },
  );

  /** The improvement measures reported done (once), by the roles that answer complaints. */
  app.post(
    '/complaints/:id/measures-done',
    {
      config: { roles: DESK_ROLES },
      schema: {
        params: ref(IdParams),
        body: MeasuresDoneBody,
        response: { 200: MeasuresDoneResult, ...errors },
      },
    },
    async (request, reply) => {
      if (!(await inScope(request.user, request.params.id)))
        return reply.code(404).send({ error: 'no such complaint' });
      const { id } = request.params;
      const done = await reportMeasuresDone(
        pool,
        String(id),
        request.body.report,
        request.user.username,
        new Date(),
      );
      return done as unknown as MeasuresDoneResult;
    },
  );

  /** Runs the platform's complaint rules over the terminals repaired in the last `days` days. */
  app.post(
    '/complaints/review',
    {
      config: { roles: ['admin'] },
      schema: { body: ComplaintReviewBody, response: { 200: ComplaintReviewResult, ...errors } },
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
