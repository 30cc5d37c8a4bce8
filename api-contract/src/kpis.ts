import { type Static, Type } from 'typebox';
import { periodProperties } from './shared.js';

/** GET /api/kpis's query: the period, the longest gap a complete track may have, json or csv. */
export const KpiQuery = Type.Object(
  {
    ...periodProperties,
    gapSeconds: Type.Optional(Type.Integer({ minimum: 10, maximum: 86_400, default: 180 })),
    format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('csv')], { default: 'json' })),
  },
  { additionalProperties: false },
);
export type KpiQuery = Static<typeof KpiQuery>;

/** What each rate is the ratio of (docs/api.md, "KPIs"). */
export const KpiCounts = Type.Object({
  networked: Type.Integer(),
  online: Type.Integer(),
  drifting: Type.Integer(),
  fixes: Type.Number(),
  qualifiedFixes: Type.Number(),
  trackKm: Type.Number(),
  completeTrackKm: Type.Number(),
});

/** One center's rates, or the province's (`center: 'province'`). */
export const Kpi = Type.Object({
  center: Type.Union([Type.Integer(), Type.Literal('province')]),
  vehicles: Type.Integer(),
  networkedRate: Type.Number(),
  onlineRate: Type.Number(),
  trackCompleteness: Type.Number(),
  dataQualificationRate: Type.Number(),
  driftRate: Type.Number(),
  counts: KpiCounts,
});
export type Kpi = Static<typeof Kpi>;

/** GET /api/kpis (format json). */
export const KpiReport = Type.Object({
  from: Type.String(),
  to: Type.String(),
  gapSeconds: Type.Integer(),
  kpis: Type.Array(Kpi),
});
export type KpiReport = Static<typeof KpiReport>;
