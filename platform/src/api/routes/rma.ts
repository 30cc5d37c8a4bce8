import type { FastifyPluginAsync } from 'fastify';
import type pg from 'pg';
import { loadConfig } from '../../after-sales/config-store.js';
import { addQuote, decideQuote, type RmaRecord, rmaCase, saveRecord } from '../../after-sales/rma-store.js';
import { EXCLUSIONS } from '../../after-sales/warranty.js';
import { ANYONE } from '../guard.js';
import { answering, idParams, RMA_WRITERS, ticketInScope } from './after-sales-common.js';

const text = { type: ['string', 'null'], maxLength: 64 } as const;
const instant = { type: ['string', 'null'], format: 'date-time' } as const;
/** Amounts are integer fen; a million yuan is more than any terminal repair. */
const fen = { type: 'integer', minimum: 0, maximum: 100_000_000 } as const;

interface RecordBody {
  formNo?: string | null;
  carrier?: string | null;
  waybill?: string | null;
  arrivedAt?: string | null;
  quality: boolean;
  exclusions: RmaRecord['exclusions'];
  badlyDamaged: boolean;
  opened: boolean;
  advanceShippedAt?: string | null;
  shippedBackAt?: string | null;
}

const when = (value: string | null | undefined) => (value ? new Date(value) : null);
const blankless = (value: string | null | undefined) => value?.trim() || null;

/**
 * A repair ticket's returned unit (RMA record, condition at receipt, advance replacement, shipment
 * back), the warranty decision for it, its quotes and their clocks (docs/after-sales.md, "Warranty").
 */
export const rmaRoutes: FastifyPluginAsync<{ pool: pg.Pool }> = async (app, { pool }) => {
  app.get<{ Params: { id: number } }>(
    '/tickets/:id/rma',
    { config: { roles: ANYONE }, schema: { params: idParams } },
    async (request, reply) => {
      if (!(await ticketInScope(pool, request.user, request.params.id)))
        return reply.code(404).send({ error: 'no such ticket' });
      return answering(reply, async () => rmaCase(pool, String(request.params.id), await loadConfig(pool)));
    },
  );

  app.put<{ Params: { id: number }; Body: RecordBody }>(
    '/tickets/:id/rma',
    {
      config: { roles: RMA_WRITERS },
      schema: {
        params: idParams,
        body: {
          type: 'object',
          required: ['quality', 'exclusions', 'badlyDamaged', 'opened'],
          additionalProperties: false,
          properties: {
            formNo: text,
            carrier: text,
            waybill: text,
            arrivedAt: instant,
            quality: { type: 'boolean' },
            exclusions: { type: 'array', items: { type: 'string', enum: EXCLUSIONS }, uniqueItems: true },
            badlyDamaged: { type: 'boolean' },
            opened: { type: 'boolean' },
            advanceShippedAt: instant,
            shippedBackAt: instant,
          },
        },
      },
    },
    async (request, reply) => {
      if (!(await ticketInScope(pool, request.user, request.params.id)))
        return reply.code(404).send({ error: 'no such ticket' });
      const body = request.body;
      const record: RmaRecord = {
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
      return answering(reply, async () =>
        saveRecord(
          pool,
          String(request.params.id),
          record,
          request.user.username,
          new Date(),
          await loadConfig(pool),
        ),
      );
    },
  );

  app.post<{
    Params: { id: number };
    Body: { partsFen: number; visitFen: number; repairDays: number; note?: string };
  }>(
    '/tickets/:id/quotes',
    {
      config: { roles: RMA_WRITERS },
      schema: {
        params: idParams,
        body: {
          type: 'object',
          required: ['partsFen', 'visitFen', 'repairDays'],
          additionalProperties: false,
          properties: {
            partsFen: fen,
            visitFen: fen,
            repairDays: { type: 'integer', minimum: 0, maximum: 365 },
            note: { type: 'string', maxLength: 500 },
          },
        },
      },
    },
    async (request, reply) => {
      if (!(await ticketInScope(pool, request.user, request.params.id)))
        return reply.code(404).send({ error: 'no such ticket' });
      return answering(reply, async () => {
        const quote = await addQuote(
          pool,
          String(request.params.id),
          request.body,
          request.user.username,
          new Date(),
          await loadConfig(pool),
        );
        return reply.code(201).send(quote);
      });
    },
  );

  app.post<{ Params: { id: number; quote: number }; Body: { decision: 'accepted' | 'refused' } }>(
    '/tickets/:id/quotes/:quote/decision',
    {
      config: { roles: RMA_WRITERS },
      schema: {
        params: {
          type: 'object',
          required: ['id', 'quote'],
          properties: { id: { type: 'integer', minimum: 1 }, quote: { type: 'integer', minimum: 1 } },
        },
        body: {
          type: 'object',
          required: ['decision'],
          additionalProperties: false,
          properties: { decision: { type: 'string', enum: ['accepted', 'refused'] } },
        },
      },
    },
    async (request, reply) => {
      if (!(await ticketInScope(pool, request.user, request.params.id)))
        return reply.code(404).send({ error: 'no such ticket' });
      return answering(reply, () =>
        decideQuote(
          pool,
          String(request.params.id),
          String(request.params.quote),
          request.body.decision,
          request.user.username,
          new Date(),
        ),
      );
    },
  );
};
