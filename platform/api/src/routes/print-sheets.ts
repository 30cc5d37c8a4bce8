import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { maskDetail } from '@jt808/after-sales';
import { AcceptanceSheet, ErrorAnswer, IdParams, ref, WorkOrderSheet } from '@jt808/api-contract';
import { scopeOf } from '@jt808/storage';
import type { Role, User } from '../sessions.js';
import { acceptanceSheetIn, workOrderIn } from '../stores/print-sheets-store.js';

/** Who prints the sheets: the desk and the centers hand them out, the service points take them on site. */
const PRINTERS: readonly Role[] = ['admin', 'operator', 'desk', 'service'];

/** The owner's name and phone masked on paper for every role; the SIM as on the detail view. */
const ON_PAPER = { phone: 'sim', ownerName: 'name', ownerPhone: 'phone' } as const;

const errors = { '4xx': ref(ErrorAnswer) };

/** The sheet's row, masked, with who printed it when; its Dates go out as the contract's ISO strings. */
function onPaper<T>(user: User, row: Record<string, unknown>): T {
  return {
    ...maskDetail(user.role, row, ON_PAPER),
    printedAt: new Date().toISOString(),
    printedBy: user.username,
  } as T;
}

/**
 * What the printable work order (派工单) and installation acceptance sheet show (docs/console.md,
 * "Printing"): the console lays them out for paper; the data, its scope and its masking are here.
 */
export const printSheetRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { pool } = app;

  app.get(
    '/tickets/:id/work-order',
    {
      config: { roles: PRINTERS },
      schema: { params: ref(IdParams), response: { 200: WorkOrderSheet, ...errors } },
    },
    async (request, reply) => {
      const row = await workOrderIn(pool, scopeOf(request.user, 2), request.params.id);
      if (!row) return reply.code(404).send({ error: 'no such ticket' });
      return onPaper<WorkOrderSheet>(request.user, row);
    },
  );

  app.get(
    '/installations/:id/acceptance-sheet',
    {
      config: { roles: PRINTERS },
      schema: { params: ref(IdParams), response: { 200: AcceptanceSheet, ...errors } },
    },
    async (request, reply) => {
      const row = await acceptanceSheetIn(pool, scopeOf(request.user, 2), request.params.id);
      if (!row) return reply.code(404).send({ error: 'no such installation' });
      return onPaper<AcceptanceSheet>(request.user, row);
    },
  );
};
