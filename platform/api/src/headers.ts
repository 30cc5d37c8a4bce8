import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';

export interface HeaderOptions {
  /** Served over HTTPS (behind the TLS proxy): HSTS and upgrade-insecure-requests. */
  https: boolean;
  /** The origin of the map's tile server, when one is configured (MAP_TILE_URL). */
  tileOrigin: string | null;
}

/**
 * Security headers on every answer, the console's and the API's (docs/security.md, "Headers"). The
 * console is built to need nothing from elsewhere: its scripts, styles, basemap and fonts are its
 * own; maplibre starts its workers from blob: URLs and draws from data: and blob: images. Styles
 * allow 'unsafe-inline' because Svelte and maplibre set style attributes; scripts never run inline.
 */
export async function securityHeaders(app: FastifyInstance, { https, tileOrigin }: HeaderOptions) {
  const tiles = tileOrigin ? [tileOrigin] : [];
  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        baseUri: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:', ...tiles],
        connectSrc: ["'self'", ...tiles],
        workerSrc: ["'self'", 'blob:'],
        fontSrc: ["'self'"],
        objectSrc: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        ...(https ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'same-origin' },
    // Only where the API is reached over HTTPS; not for subdomains, which may be other services.
    strictTransportSecurity: https ? { maxAge: 180 * 86_400, includeSubDomains: false } : false,
  });
}
