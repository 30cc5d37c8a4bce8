import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  advanceTicket,
  arrivalLateMinutes,
  maskDetail,
  maskRow,
  type TicketAction,
  type TicketState,
  ticketClocks,
} from '@jt808/after-sales';
import {
  ErrorAnswer,
  IdParams,
  ref,
  type Ticket,
  TicketActionRequest,
  TicketAfterAction,
  type TicketClock,
  TicketDetail,
  TicketPage,
} from '@jt808/api-contract';
import { scopeOf } from '@jt808/storage';
import { EXPORT_ROWS, type ExportFormat, formatProperty, sendTable, tableOf } from '../export.js';
import { ANYONE } from '../guard.js';
import { pageProperties } from '../limits.js';
import { clockActionsFor, mayTakeTicketAction, TICKET_ACTION_ROLES, ticketActionsFor } from '../rights.js';
import type { Role, User } from '../sessions.js';
import { ticketHistory, ticketIn, ticketsIn } from '../stores/tickets-store.js';
import { type StoredTicket, ticketAnswer } from '../ticket-answer.js';

/** The ticket list's export columns (docs/api.md, "Exports"): the stored row's column names, kept for files. */
const TICKET_EXPORT = [
  'id',
  'kind',
  'state',
  'plate',
  'phone',
  'center_id',
  'service_point_id',
  'installer',
  'reason',
  'category',
  'severity',
  'source',
  'opened_at',
  'response_due',
  'onsite_due',
  'appointment_at',
  'breaches',
  'fault_cause',
  'resolved_at',
  'closed_at',
  'close_reason',
  'satisfaction',
];

/** Adds the workflow actions the requesting user may take on the ticket now. */
function withActions<T extends { state: TicketState }>(ticket: T, role: Role) {
  return { ...ticket, actions: ticketActionsFor(role, ticket.state) };
}

/** A ticket of the list or the detail (stores/tickets-store.ts) under the contract's names. */
type ListedTicket = Omit<Ticket, 'actions'>;

/** The list's and the detail's row: the stored ticket renamed, with what the store's SQL added by name. */
function listedTicket(
  row: StoredTicket & Record<Exclude<keyof ListedTicket, keyof TicketAfterAction>, unknown>,
) {
  const { plate, plateColor, faultCauseZh, faultCauseEn, answeredAt } = row;
  return { ...ticketAnswer(row), plate, plateColor, faultCauseZh, faultCauseEn, answeredAt } as ListedTicket;
}

/** The terminals a ticket names (by column); masked in lists, on its detail by role (after-sales/masking.ts). */
const TICKET_SIMS = { phone: 'sim', replacement_phone: 'sim' } as const;
/** What the history's audit details may hold: older desk calls kept the caller's number there. */
const HISTORY_PERSONAL = { callerPhone: 'phone', replacementPhone: 'sim' } as const;

export const ticketRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { pool } = app;
  app.get(
    '/tickets',
    {
      config: { roles: ANYONE },
      schema: {
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            state: { type: 'string', maxLength: 16 },
            kind: { type: 'string', enum: ['repair', 'install'] },
            ...pageProperties,
            format: formatProperty,
          },
        },
        response: { 200: TicketPage, '4xx': ref(ErrorAnswer) },
      },
    },
    async (request, reply) => {
      const query = request.query as {
        state?: string;
        kind?: string;
        page?: number;
        pageSize?: number;
        format?: ExportFormat;
      };
      const { state = null, kind = null, page = 1, pageSize = 50, format = 'json' } = query;
      // An export is the whole filtered list, not the page on screen.
      const [limit, offset] = format === 'json' ? [pageSize, (page - 1) * pageSize] : [EXPORT_ROWS, 0];
      const rows = await ticketsIn(pool, scopeOf(request.user, 5), { state, kind, limit, offset });
      if (format !== 'json')
        return sendTable(
          reply,
          format,
          'tickets',
          tableOf(
            rows.map((ticket) => maskRow(ticket, TICKET_SIMS)),
            TICKET_EXPORT,
          ),
        );
      return {
        page,
        pageSize,
        items: rows.map((ticket) =>
          withActions(listedTicket(maskRow(ticket, TICKET_SIMS)), request.user.role),
        ),
      };
    },
  );

  const visibleTicket = (id: number, user: User) => ticketIn(pool, scopeOf(user, 2), id);

  app.get(
    '/tickets/:id',
    {
      config: { roles: ANYONE },
      schema: { params: ref(IdParams), response: { 200: TicketDetail, '4xx': ref(ErrorAnswer) } },
    },
    async (request, reply) => {
      const ticket = await visibleTicket(request.params.id, request.user);
      if (!ticket) return reply.code(404).send({ error: 'no such ticket' });
      const history = await ticketHistory(pool, ticket.id);
      const clocks = await ticketClocks(pool, ticket.id);
      const open = ticket.closed_at ? [] : clocks.filter((c) => c.metAt === null).map((c) => c.clock);
      return {
        ...withActions(listedTicket(maskDetail(request.user.role, ticket, TICKET_SIMS)), request.user.role),
        // The desk's clocks, the buttons that meet them, and the arrival against the appointment.
        // Their Dates go out as the contract's ISO strings (the serializer's date-time).
        clocks: clocks as unknown as TicketClock[],
        clockActions: clockActionsFor(request.user.role, open),
        arrivalLateMinutes: arrivalLateMinutes(ticket.appointment_at, ticket.arrived_at),
        history: history.map((event) => ({
          ...event,
          detail: event.detail && maskRow(event.detail, HISTORY_PERSONAL),
        })),
      };
    },
  );

  app.post(
    '/tickets/:id/actions',
    {
      config: { roles: TICKET_ACTION_ROLES },
      schema: {
        params: ref(IdParams),
        body: TicketActionRequest,
        response: { 200: TicketAfterAction, '4xx': ref(ErrorAnswer) },
      },
    },
    async (request, reply) => {
      const body = request.body as unknown as Record<string, unknown> & { action: TicketAction['action'] };
      const ticket = await visibleTicket(request.params.id, request.user);
      if (!ticket) return reply.code(404).send({ error: 'no such ticket' });
      if (!mayTakeTicketAction(request.user.role, body.action)) {
        return reply.code(403).send({ error: `a ${request.user.role} may not ${body.action} a ticket` });
      }
      const action = {
        ...body,
        ...(typeof body.at === 'string' ? { at: new Date(body.at) } : {}),
      } as TicketAction;
      // A move the workflow refuses is a TicketError: 400 or 409 by the error handler (errors.ts).
      const advanced = await advanceTicket(pool, String(ticket.id), action, request.user.username);
      // The row's Dates go out as the contract's ISO strings (the serializer's date-time).
      return withActions(
        ticketAnswer(maskDetail(request.user.role, advanced as unknown as StoredTicket, TICKET_SIMS)),
        request.user.role,
      );
    },
  );
};
