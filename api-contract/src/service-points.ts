import { type Static, Type } from 'typebox';
import { Nullable } from './shared.js';

/** GET /api/service-points: a service point in scope with its SLA figures. */
export const ServicePoint = Type.Object({
  id: Type.Integer(),
  code: Type.String(),
  name: Type.String(),
  center_id: Type.Integer(),
  capacity: Type.Integer(),
  open_tickets: Type.Integer(),
  tickets: Type.Integer(),
  response_breaches: Type.Integer(),
  onsite_breaches: Type.Integer(),
  median_hours_to_site: Nullable(Type.Number()),
  median_hours_to_close: Nullable(Type.Number()),
  satisfaction: Nullable(Type.Number()),
});
export type ServicePoint = Static<typeof ServicePoint>;
export const ServicePoints = Type.Array(ServicePoint);
