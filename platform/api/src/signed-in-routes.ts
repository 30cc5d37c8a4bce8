import type { CommandClient } from '@jt808/bus';
import type { FastifyPluginAsync } from 'fastify';
import pLimit from 'p-limit';
import type { CachePolicy } from './answer-cache.js';
import { answerRouteError } from './errors.js';
import { requireSession } from './guard.js';
import type { LiveFeed } from './live/live-feed.js';
import type { SocketSessions } from './live/socket-sessions.js';
import type { FleetKeeper } from './map/fleet-keeper.js';
import { afterSalesConfigRoutes } from './routes/after-sales-config.js';
import { userRoutes } from './routes/auth.js';
import { callbackRoutes } from './routes/callbacks.js';
import { centerRoutes } from './routes/centers.js';
import { clockRoutes } from './routes/clocks.js';
import { commandRoutes } from './routes/commands.js';
import { complaintRoutes } from './routes/complaints.js';
import { contractRoutes } from './routes/contracts.js';
import { customerRoutes } from './routes/customers.js';
import { deskRoutes } from './routes/desk.js';
import { faultCauseRoutes } from './routes/fault-causes.js';
import { installProgressRoutes } from './routes/install-progress.js';
import { installerRoutes } from './routes/installer.js';
import { installerAccountRoutes } from './routes/installer-accounts.js';
import { installerRegisterRoutes } from './routes/installers.js';
import { kpiRoutes } from './routes/kpis.js';
import { liveRoutes } from './routes/live.js';
import { type MapRouteOptions, mapRoutes } from './routes/map.js';
import { noticeRoutes } from './routes/notices.js';
import { periodicReportRoutes } from './routes/periodic-reports.js';
import { printSheetRoutes } from './routes/print-sheets.js';
import { replacementRoutes } from './routes/replacement.js';
import { rmaRoutes } from './routes/rma.js';
import { rosterHistoryRoutes } from './routes/roster-history.js';
import { rosterRecordRoutes } from './routes/roster-records.js';
import { servicePointRoutes } from './routes/service-points.js';
import { serviceReportRoutes } from './routes/service-report.js';
import { settlementRoutes } from './routes/settlements.js';
import { ticketRoutes } from './routes/tickets.js';
import { vehicleRoutes } from './routes/vehicles.js';
import type { SessionPolicy } from './sessions.js';
import type { WarmUps } from './warm-up.js';

export interface SignedInOptions {
  commands: CommandClient | undefined;
  cache: CachePolicy;
  feed: LiveFeed;
  fleet: FleetKeeper;
  /** The plugins add what they compute ahead (warm-up.ts). */
  warmUps: WarmUps;
  sockets: SocketSessions;
  sessions: SessionPolicy;
  tiles: Pick<MapRouteOptions, 'tileUrl' | 'tileAttribution'>;
}

/**
 * Period aggregates (KPIs, hourly series) computed at once, at most: each reads a center's rollups
 * and fixes for seconds when its answer is not cached, and with the API's pool of 10 (one of them
 * the live feed's listener) the lookups, tracks and tickets keep the other connections.
 */
const AGGREGATE_QUERIES = 3;

/**
 * Everything under /api but sign-in: each route names the roles it allows, and the session check
 * (guard.ts) runs before any of them, for HTTP and WebSocket alike.
 */
export const signedInPlugin: FastifyPluginAsync<SignedInOptions> = async (app, options) => {
  const { cache, feed } = options;
  // The routes read `app.pool` (plugins on the contract take no pool option).
  requireSession(app, app.pool, options.sessions);
  app.setErrorHandler(answerRouteError);
  const aggregates = pLimit(AGGREGATE_QUERIES);
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({ error: `no route ${request.method} ${request.url.split('?')[0]}` }),
  );
  await app.register(userRoutes);
  await app.register(centerRoutes, {
    cache,
    aggregates,
    fleet: options.fleet,
    warmUps: options.warmUps,
  });
  await app.register(vehicleRoutes);
  await app.register(ticketRoutes);
  await app.register(installerRoutes);
  await app.register(kpiRoutes, { cache, aggregates, warmUps: options.warmUps });
  await app.register(servicePointRoutes);
  await app.register(commandRoutes, { commands: options.commands });
  // After-sales operations (docs/after-sales.md).
  for (const routes of [
    afterSalesConfigRoutes,
    clockRoutes,
    noticeRoutes,
    replacementRoutes,
    faultCauseRoutes,
    rmaRoutes,
    printSheetRoutes,
    deskRoutes,
    complaintRoutes,
    callbackRoutes,
    customerRoutes,
    serviceReportRoutes,
    periodicReportRoutes,
    settlementRoutes,
    contractRoutes,
    rosterRecordRoutes,
    rosterHistoryRoutes,
    installerRegisterRoutes,
    installerAccountRoutes,
    installProgressRoutes,
  ]) {
    await app.register(routes);
  }
  await app.register(liveRoutes, { feed, fleet: options.fleet, sockets: options.sockets });
  await app.register(mapRoutes, { fleet: options.fleet, ...options.tiles });
};
