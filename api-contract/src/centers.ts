import { type Static, Type } from 'typebox';
import { Nullable } from './shared.js';

/** GET /api/centers: a center in scope with its vehicles by status, counted from the fleet index now. */
export const Center = Type.Object({
  id: Type.Integer(),
  code: Type.String(),
  name: Type.String(),
  region: Type.String(),
  latitude: Nullable(Type.Number()),
  longitude: Nullable(Type.Number()),
  vehicles: Type.Integer(),
  online: Type.Integer(),
  faulty: Type.Integer(),
  offline: Type.Integer(),
  neverSeen: Type.Integer(),
  /** Vehicles connected now (healthy or not) over vehicles whose terminal ever checked in. */
  onlineRate: Type.Number(),
});
export type Center = Static<typeof Center>;
export const Centers = Type.Array(Center);

/** GET /api/centers/hourly: one center's hour of the period. */
export const CenterHour = Type.Object({
  centerId: Type.Integer(),
  hour: Type.String({ format: 'date-time' }),
  vehiclesOnline: Type.Integer(),
  vehiclesReporting: Type.Integer(),
  fixes: Type.Integer(),
  unqualifiedFixes: Type.Integer(),
  vehicles: Type.Integer(),
  onlineRate: Type.Number(),
});
export type CenterHour = Static<typeof CenterHour>;
export const CenterHours = Type.Array(CenterHour);
