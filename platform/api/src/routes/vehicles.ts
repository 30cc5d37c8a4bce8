import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { maskDetail, maskRow } from '@jt808/after-sales';
import {
  ErrorAnswer,
  IdParams,
  ref,
  Track,
  TrackQuery,
  VehicleDetail,
  VehiclePage,
  VehicleSearchQuery,
} from '@jt808/api-contract';
import { readTrack, scopeOf } from '@jt808/storage';
import { ANYONE } from '../guard.js';
import { withinMaxSpan } from '../limits.js';
import { commandsFor } from '../rights.js';
import { terminalEvents, vehicleIn, vehiclePhoneIn, vehiclesMatching } from '../stores/vehicles-store.js';

/** The terminal's SIM: masked in the list, on one vehicle by role (after-sales/masking.ts). */
const VEHICLE_SIM = { phone: 'sim' } as const;

/** One vehicle's owner is always masked (no role sees it in full here). */
const DETAIL_PERSONAL = {
  ...VEHICLE_SIM,
  ownerName: 'name',
  ownerPhone: 'phone',
  ownerIdNumber: 'idNumber',
} as const;

/** A refusal (400 of a schema, 404 out of scope), or a server error with its request's id (errors.ts). */
const errors = { '4xx': ref(ErrorAnswer), '5xx': ref(ErrorAnswer) } as const;

/**
 * Vehicle search, one vehicle's state, events and the commands the user may send it, and its track;
 * always within the user's scope (stores/vehicles-store.ts).
 */
export const vehicleRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { pool } = app;
  app.get(
    '/vehicles',
    {
      config: { roles: ANYONE },
      schema: { querystring: VehicleSearchQuery, response: { 200: VehiclePage, ...errors } },
    },
    async (request) => {
      const { q = '', page = 1, pageSize = 50 } = request.query;
      const rows = await vehiclesMatching(pool, scopeOf(request.user, 4), {
        q,
        limit: pageSize,
        offset: (page - 1) * pageSize,
      });
      return { page, pageSize, items: rows.map((row) => maskRow(row, VEHICLE_SIM)) };
    },
  );

  app.get(
    '/vehicles/:id',
    {
      config: { roles: ANYONE },
      schema: { params: ref(IdParams), response: { 200: VehicleDetail, ...errors } },
    },
    async (request, reply) => {
      const vehicle = await vehicleIn(pool, scopeOf(request.user, 2), request.params.id);
      // Out of scope and missing look the same: the answer must not tell that a vehicle exists.
      if (!vehicle) return reply.code(404).send({ error: 'no such vehicle' });
      const events = vehicle.phone ? await terminalEvents(pool, vehicle.phone) : [];
      // The downlink commands the user may send here (none without a terminal to send them to).
      const commands = vehicle.phone ? [...commandsFor(request.user.role)] : [];
      return { ...maskDetail(request.user.role, vehicle, DETAIL_PERSONAL), events, commands };
    },
  );

  app.get(
    '/vehicles/:id/track',
    {
      config: { roles: ANYONE },
      preHandler: withinMaxSpan,
      schema: { params: ref(IdParams), querystring: TrackQuery, response: { 200: Track, ...errors } },
    },
    async (request, reply) => {
      const phone = await vehiclePhoneIn(pool, scopeOf(request.user, 2), request.params.id);
      if (phone === undefined) return reply.code(404).send({ error: 'no such vehicle' });
      const { from, to, maxPoints = 5000 } = request.query;
      // Long ranges are thinned evenly to at most maxPoints fixes, first and last kept.
      const points = await readTrack(pool, phone, from, to, maxPoints);
      // The fixes' Dates go out as the contract's ISO strings (the serializer's date-time).
      return { ...maskDetail(request.user.role, { phone }, VEHICLE_SIM), points } as unknown as Track;
    },
  );
};
