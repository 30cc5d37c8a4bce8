import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { AfterSalesError, maskDetail } from '@jt808/after-sales';
import {
  ErrorAnswer,
  IdParams,
  Owner,
  OwnerInput,
  ref,
  Shipment,
  ShipmentInput,
  TerminalParams,
} from '@jt808/api-contract';
import { cells } from '@jt808/roster';
import { scopeOf } from '@jt808/storage';
import { actingOf } from '../acting.js';
import type { Role } from '../sessions.js';
import { setOwner, setShipment } from '../stores/roster-store.js';

/**
 * Who enters the roster's after-sales facts by hand: administrators and the service desk, the
 * back office that talks to owners and sends terminals out (docs/after-sales.md, "Entering the
 * roster's after-sales facts"). Operators watch fleets; service points and installers work on
 * what they are given.
 */
export const ROSTER_WRITERS: readonly Role[] = ['admin', 'desk'];

/** An owner as the API shows it: personal data, masked on every answer (after-sales/masking.ts). */
const OWNER_FIELDS = { name: 'name', phone: 'phone', idNumber: 'idNumber' } as const;

/**
 * A value read by the roster import's own cell parser, so a number typed into the console and one
 * in a roster file are checked and stored alike; its complaint answers 400.
 */
export function cellValue<T>(parse: cells.CellParser<T>, text: string | null, what: string): T | null {
  if (text === null || text.trim() === '') return null;
  try {
    return parse(text.trim());
  } catch (error) {
    if (error instanceof cells.CellError) throw new AfterSalesError(`${what}: ${error.message}`);
    throw error;
  }
}

/**
 * A vehicle's owner and a terminal's shipment, which the roster import loads in bulk
 * (docs/roster-import.md) and these routes set one at a time, within the user's scope.
 */
export const rosterRecordRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { pool } = app;
  app.put(
    '/vehicles/:id/owner',
    {
      config: { roles: ROSTER_WRITERS },
      schema: {
        params: ref(IdParams),
        body: OwnerInput,
        response: { 200: Owner, '4xx': ref(ErrorAnswer) },
      },
    },
    async (request, reply) => {
      const owner = {
        name: request.body.name?.trim() || null,
        phone: cellValue(cells.contactPhone, request.body.phone, 'phone'),
        idNumber: cellValue(cells.idNumber, request.body.idNumber, 'identity number'),
      };
      const scope = scopeOf(request.user, 5);
      const stored = await setOwner(pool, actingOf(request), scope, request.params.id, owner);
      if (!stored) return reply.code(404).send({ error: 'no such vehicle' });
      return maskDetail(request.user.role, stored, OWNER_FIELDS);
    },
  );

  app.put(
    '/terminals/:phone/shipment',
    {
      config: { roles: ROSTER_WRITERS },
      schema: {
        params: TerminalParams,
        body: ShipmentInput,
        response: { 200: Shipment, '4xx': ref(ErrorAnswer) },
      },
    },
    async (request, reply) => {
      const { shipMode } = request.body;
      const shippedOn = cellValue(cells.date, request.body.shippedOn, 'ship date');
      if ((shippedOn === null) !== (shipMode === null)) {
        throw new AfterSalesError('a shipment needs both its date and its mode (or neither, to clear it)');
      }
      const phone = cellValue(cells.phone, request.params.phone, 'terminal phone');
      const scope = scopeOf(request.user, 4);
      const stored =
        phone === null
          ? undefined
          : await setShipment(pool, actingOf(request), scope, phone, { shippedOn, shipMode });
      if (!stored) return reply.code(404).send({ error: 'no such terminal' });
      return maskDetail(request.user.role, stored, { phone: 'sim' });
    },
  );
};
