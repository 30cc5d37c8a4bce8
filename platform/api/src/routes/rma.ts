import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { addQuote, decideQuote, loadConfig, type RmaRecord, rmaCase, saveRecord } from '@jt808/after-sales';
import {
  ErrorAnswer,
  IdParams,
  Quote,
  QuoteBody,
  QuoteDecisionBody,
  QuoteParams,
  RmaCase,
  RmaRecordBody,
  ref,
} from '@jt808/api-contract';
import { ANYONE } from '../guard.js';
import { RMA_WRITERS, ticketInScope } from './after-sales-common.js';

const when = (value: string | null | undefined) => (value ? new Date(value) : null);
const blankless = (value: string | null | undefined) => value?.trim() || null;

/** The record as stored from the form's fields: blank texts as null, instants as dates. */
function recordOf(body: RmaRecordBody): RmaRecord {
  return {
    formNo: blankless(body.formNo),
    carrier: blankless(body.carrier),
    waybill: blankless(body.waybill),
    arrivedAt: when(body.arrivedAt),
    quality: body.quality,
    exclusions: body.exclusions,
    badlyDamaged: body.badlyDamaged,
    opened: body.opened,
    advanceShippedAt: when(body.advanceShippedAt),
    shippedBackAt: when(body.shippedBackAt),
  };
}

const errors = { '4xx': ref(ErrorAnswer) };

/**
 * A repair ticket's returned unit (RMA record, condition at receipt, advance replacement, shipment
 * back), the warranty decision for it, its quotes and their clocks (docs/after-sales.md, "Warranty").
 * A refusal of the rules (not a repair, a quote answered already) is the store's AfterSalesError,
 * answered by the error handler (errors.ts). The stores' Dates go out as the contract's ISO strings.
 */
export const rmaRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { pool } = app;

  app.get(
    '/tickets/:id/rma',
    { config: { roles: ANYONE }, schema: { params: ref(IdParams), response: { 200: RmaCase, ...errors } } },
    async (request, reply) => {
      if (!(await ticketInScope(pool, request.user, request.params.id)))
        return reply.code(404).send({ error: 'no such ticket' });
      const answer = await rmaCase(pool, String(request.params.id), await loadConfig(pool));
      return answer as unknown as RmaCase;
    },
  );

  app.put(
    '/tickets/:id/rma',
    {
      config: { roles: RMA_WRITERS },
      schema: { params: ref(IdParams), body: RmaRecordBody, response: { 200: RmaCase, ...errors } },
    },
    async (request, reply) => {
      if (!(await ticketInScope(pool, request.user, request.params.id)))
        return reply.code(404).send({ error: 'no such ticket' });
      const answer = await saveRecord(
        pool,
        String(request.params.id),
        recordOf(request.body),
        request.user.username,
        new Date(),
        await loadConfig(pool),
      );
      return answer as unknown as RmaCase;
    },
  );

  app.post(
    '/tickets/:id/quotes',
    {
      config: { roles: RMA_WRITERS },
      schema: { params: ref(IdParams), body: QuoteBody, response: { 201: Quote, ...errors } },
    },
    async (request, reply) => {
      if (!(await ticketInScope(pool, request.user, request.params.id)))
        return reply.code(404).send({ error: 'no such ticket' });
      const quote = await addQuote(
        pool,
        String(request.params.id),
        request.body,
        request.user.username,
        new Date(),
        await loadConfig(pool),
      );
      return reply.code(201).send(quote as unknown as Quote);
    },
  );

  app.post(
    '/tickets/:id/quotes/:quote/decision',
    {
      config: { roles: RMA_WRITERS },
      schema: { params: QuoteParams, body: QuoteDecisionBody, response: { 200: Quote, ...errors } },
    },
    async (request, reply) => {
      if (!(await ticketInScope(pool, request.user, request.params.id)))
        return reply.code(404).send({ error: 'no such ticket' });
      const quote = await decideQuote(
        pool,
        String(request.params.id),
        String(request.params.quote),
        request.body.decision,
        request.user.username,
        new Date(),
      );
      return quote as unknown as Quote;
    },
  );
};
