import type { FastifyPluginAsync } from 'fastify';
import type pg from 'pg';
import { AfterSalesError } from '../../after-sales/errors.js';
import { maskDetail } from '../../after-sales/masking.js';
import { changing } from '../../db/acting.js';
import * as cells from '../../roster/cells.js';
import { actingOf } from '../acting.js';
import { scopeOf } from '../scope.js';
import type { Role } from '../sessions.js';
import { answering, dayPattern, idParams } from './after-sales-common.js';

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

const nullableText = (maxLength: number) => ({ type: ['string', 'null'], maxLength }) as const;

/**
 * A vehicle's owner and a terminal's shipment, which the roster import loads in bulk
 * (docs/roster-import.md) and these routes set one at a time, within the user's scope.
 */
export const rosterRecordRoutes: FastifyPluginAsync<{ pool: pg.Pool }> = async (app, { pool }) => {
  app.put<{
    Params: { id: number };
    Body: { name: string | null; phone: string | null; idNumber: string | null };
  }>(
    '/vehicles/:id/owner',
    {
      config: { roles: ROSTER_WRITERS },
      schema: {
        params: idParams,
        body: {
          type: 'object',
          additionalProperties: false,
          // The owner is replaced whole: a field left out would otherwise keep a former owner's value.
          required: ['name', 'phone', 'idNumber'],
          properties: { name: nullableText(64), phone: nullableText(32), idNumber: nullableText(40) },
        },
      },
    },
    async (request, reply) =>
      answering(reply, async () => {
        const name = request.body.name?.trim() || null;
        const phone = cellValue(cells.contactPhone, request.body.phone, 'phone');
        const idNumber = cellValue(cells.idNumber, request.body.idNumber, 'identity number');
        const scope = scopeOf(request.user, 5);
        const { rows } = await changing(pool, actingOf(request), (client) =>
          client.query(
            `UPDATE vehicles vehicle SET owner_name = $2, owner_phone = $3, owner_id_number = $4
            WHERE vehicle.id = $1 AND ${scope.vehicles}
          RETURNING vehicle.id, vehicle.owner_name AS name, vehicle.owner_phone AS phone, vehicle.owner_id_number AS "idNumber"`,
            [request.params.id, name, phone, idNumber, ...scope.params],
          ),
        );
        if (rows.length === 0) return reply.code(404).send({ error: 'no such vehicle' });
        return maskDetail(request.user.role, rows[0], OWNER_FIELDS);
      }),
  );

  app.put<{
    Params: { phone: string };
    Body: { shippedOn: string | null; shipMode: cells.ShipMode | null };
  }>(
    '/terminals/:phone/shipment',
    {
      config: { roles: ROSTER_WRITERS },
      schema: {
        params: {
          type: 'object',
          required: ['phone'],
          properties: { phone: { type: 'string', minLength: 1, maxLength: 24 } },
        },
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['shippedOn', 'shipMode'],
          properties: {
            shippedOn: { type: ['string', 'null'], pattern: dayPattern },
            shipMode: { type: ['string', 'null'], enum: [...cells.SHIP_MODES, null] },
          },
        },
      },
    },
    async (request, reply) =>
      answering(reply, async () => {
        const { shipMode } = request.body;
        const shippedOn = cellValue(cells.date, request.body.shippedOn, 'ship date');
        if ((shippedOn === null) !== (shipMode === null)) {
          throw new AfterSalesError('a shipment needs both its date and its mode (or neither, to clear it)');
        }
        const phone = cellValue(cells.phone, request.params.phone, 'terminal phone');
        // A terminal is in scope through the vehicle it is on; one on no vehicle yet (shipped, not
        // installed) only for those who see the province, whose scope is TRUE.
        const scope = scopeOf(request.user, 4);
        const { rows } = await changing(pool, actingOf(request), (client) =>
          client.query(
            `UPDATE terminals t SET shipped_on = $2, ship_mode = $3
             FROM terminals found LEFT JOIN vehicles vehicle ON vehicle.id = found.vehicle_id
            WHERE found.phone = $1 AND t.phone = found.phone AND ${scope.vehicles}
          RETURNING t.phone, to_char(t.shipped_on, 'YYYY-MM-DD') AS "shippedOn", t.ship_mode AS "shipMode"`,
            [phone, shippedOn, shipMode, ...scope.params],
          ),
        );
        if (rows.length === 0) return reply.code(404).send({ error: 'no such terminal' });
        return maskDetail(request.user.role, rows[0], { phone: 'sim' });
      }),
  );
};
