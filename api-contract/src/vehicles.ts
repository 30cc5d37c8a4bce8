import { type Static, Type } from 'typebox';
import { COMMAND_NAMES } from './commands.js';
import { Nullable, OneOf, periodProperties, Timestamp } from './shared.js';

/** A terminal's health as the status engine judges it; `never-seen` without a status row. */
export const VEHICLE_STATUSES = ['online', 'offline', 'faulty', 'never-seen'] as const;
export type VehicleStatus = (typeof VEHICLE_STATUSES)[number];

/**
 * GET /api/vehicles: a plate, VIN or SIM prefix (empty: every vehicle in scope), a page of them.
 * The page's bounds are the platform's (platform/api/src/limits.ts, MAX_PAGE and MAX_PAGE_SIZE).
 */
export const VehicleSearchQuery = Type.Object(
  {
    q: Type.Optional(Type.String({ maxLength: 32 })),
    page: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000, default: 1 })),
    pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
  },
  { additionalProperties: false },
);
export type VehicleSearchQuery = Static<typeof VehicleSearchQuery>;

/**
 * A vehicle with its terminal and the terminal's last known state: the terminal's columns are null
 * without a terminal, the state's without a report. The SIM (`phone`) is masked in the list.
 */
export const Vehicle = Type.Object({
  id: Type.String(),
  plate: Type.String(),
  /** JT/T 415: 1 blue, 2 yellow, … */
  plateColor: Type.Integer(),
  vin: Nullable(Type.String()),
  centerId: Type.Integer(),
  phone: Nullable(Type.String()),
  terminalId: Nullable(Type.String()),
  maker: Nullable(Type.String()),
  model: Nullable(Type.String()),
  status: OneOf(VEHICLE_STATUSES),
  /** Why it is faulty or offline (the status engine's reasons). */
  reasons: Type.Array(Type.String()),
  statusSince: Nullable(Timestamp),
  online: Nullable(Type.Boolean()),
  lastSeenAt: Nullable(Timestamp),
  lastFixTime: Nullable(Timestamp),
  latitude: Nullable(Type.Number()),
  longitude: Nullable(Type.Number()),
  speed: Nullable(Type.Number()),
  direction: Nullable(Type.Integer()),
  /** The alarm flags (a bigint as a decimal string). */
  alarm: Nullable(Type.String()),
  satellites: Nullable(Type.Integer()),
  signalStrength: Nullable(Type.Integer()),
});
export type Vehicle = Static<typeof Vehicle>;

export const VehiclePage = Type.Object({
  page: Type.Integer(),
  pageSize: Type.Integer(),
  items: Type.Array(Vehicle),
});
export type VehiclePage = Static<typeof VehiclePage>;

/** One of the terminal's events (the newest 100 on the detail). */
export const VehicleEvent = Type.Object({
  at: Timestamp,
  kind: Type.String(),
  detail: Type.Unknown(),
});
export type VehicleEvent = Static<typeof VehicleEvent>;

export const SHIP_MODES = ['express', 'freight'] as const;
export type ShipMode = (typeof SHIP_MODES)[number];

/** GET /api/vehicles/:id: the vehicle, its owner (always masked), the terminal's shipment and events. */
export const VehicleDetail = Type.Object({
  ...Vehicle.properties,
  ownerName: Nullable(Type.String()),
  ownerPhone: Nullable(Type.String()),
  ownerIdNumber: Nullable(Type.String()),
  /** The terminal's shipment, YYYY-MM-DD and mode, or both null. */
  shippedOn: Nullable(Type.String()),
  shipMode: Nullable(OneOf(SHIP_MODES)),
  events: Type.Array(VehicleEvent),
  /** The downlink commands the signed-in user may send this vehicle's terminal (none without one). */
  commands: Type.Array(OneOf(COMMAND_NAMES)),
});
export type VehicleDetail = Static<typeof VehicleDetail>;

/** GET /api/vehicles/:id/track: a period, and how many fixes at most (thinned evenly, first and last kept). */
export const TrackQuery = Type.Object(
  {
    ...periodProperties,
    maxPoints: Type.Optional(Type.Integer({ minimum: 2, maximum: 20_000, default: 5000 })),
  },
  { additionalProperties: false },
);
export type TrackQuery = Static<typeof TrackQuery>;

export const TrackPoint = Type.Object({
  gpsTime: Timestamp,
  latitude: Type.Number(),
  longitude: Type.Number(),
  speed: Nullable(Type.Number()),
  /** Null when the terminal sent one past what the column holds. */
  direction: Nullable(Type.Integer()),
  alarm: Type.String(),
  quality: Type.Integer(),
});
export type TrackPoint = Static<typeof TrackPoint>;

/** The track's terminal SIM (masked by role, as on the detail) and its fixes, oldest first. */
export const Track = Type.Object({
  phone: Type.String(),
  points: Type.Array(TrackPoint),
});
export type Track = Static<typeof Track>;
