import { type Static, Type } from 'typebox';

/**
 * The live feed's messages (WebSocket /api/live, docs/api.md "Live feed"), in both directions. The
 * binary snapshot is a FleetSnapshot of schema/live.proto, not JSON, so it is not here.
 */

/** Client → server: ask for a snapshot, or set the map viewport ([minLon, minLat, maxLon, maxLat]; null: none). */
export const LiveClientMessage = Type.Object(
  {
    /** true: send a snapshot of every vehicle in scope. */
    snapshot: Type.Optional(Type.Boolean()),
    bbox: Type.Optional(Type.Union([Type.Null(), Type.Array(Type.Number(), { minItems: 4, maxItems: 4 })])),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type LiveClientMessage = Omit<Static<typeof LiveClientMessage>, 'bbox'> & {
  bbox?: [number, number, number, number] | null;
};

/** Server → client: a vehicle's new position (v: vehicle id, c: its center; spd km/h, dir degrees). */
export const LivePosition = Type.Object({
  t: Type.Literal('pos'),
  v: Type.Integer(),
  c: Type.Integer(),
  lat: Type.Number(),
  lon: Type.Number(),
  spd: Type.Number(),
  dir: Type.Number(),
  at: Type.String({ format: 'date-time' }),
});

/** Server → client: a vehicle's new status (s) and its reasons (r). */
export const LiveStatus = Type.Object({
  t: Type.Literal('status'),
  v: Type.Integer(),
  c: Type.Integer(),
  s: Type.String(),
  r: Type.Array(Type.String()),
  at: Type.String({ format: 'date-time' }),
});

/** One change pushed to live clients; they come as JSON arrays of them. */
export const LiveDelta = Type.Union([LivePosition, LiveStatus]);
export type LiveDelta = Static<typeof LiveDelta>;

/** Server → client: a message refused, or one that failed (then with the request's id, as HTTP errors). */
export const LiveError = Type.Object({ error: Type.String(), requestId: Type.Optional(Type.String()) });
export type LiveError = Static<typeof LiveError>;
