import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ServicePoints } from '@jt808/api-contract';
import { scopeOf } from '@jt808/storage';
import { ANYONE } from '../guard.js';
import { servicePointsIn } from '../stores/service-points-store.js';

/** Service points in scope with their SLA figures (stores/service-points-store.ts). */
export const servicePointRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/service-points',
    { config: { roles: ANYONE }, schema: { response: { 200: ServicePoints } } },
    async (request) => servicePointsIn(app.pool, scopeOf(request.user, 1)),
  );
};
