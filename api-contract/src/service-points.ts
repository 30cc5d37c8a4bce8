import { type Static, Type } from 'typebox';
import { Nullable } from './shared.js';

/** GET /api/service-points: a service point in scope with its SLA figures. */
export const ServicePoint = Type.Object({
  id: Type.Integer(),
  code: Type.String(),
  name: Type.String(),
  centerId: Type.Integer(),
  capacity: Type.Integer(),
  openTickets: Type.Integer(),
  tickets: Type.Integer(),
  responseBreaches: Type.Integer(),
  onsiteBreaches: Type.Integer(),
  medianHoursToSite: Nullable(Type.Number()),
  medianHoursToClose: Nullable(Type.Number()),
  satisfaction: Nullable(Type.Number()),
});
export type ServicePoint = Static<typeof ServicePoint>;
export const ServicePoints = Type.Array(ServicePoint);
