import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { AfterSalesError } from './errors.js';
import type { NoticeKind } from './notice-store.js';

/**
 * The outbound endpoints (notification_endpoints): where each kind of notice goes out, and the
 * secret each signs with (outbound.ts signs and delivers). Administrators set them; the secret is
 * answered once, when made or rotated, and never read back.
 */

/** An endpoint's URL is http(s), absolute, with a host; anything else is refused before it is stored. */
function checkEndpointUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new AfterSalesError(`not a URL: ${url}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    throw new AfterSalesError(`an endpoint is reached over http or https, not ${parsed.protocol}`);
  if (!parsed.hostname) throw new AfterSalesError('the endpoint URL names no host');
  return parsed.toString();
}

/** An endpoint as read back: its secret never leaves the platform once set. */
export interface Endpoint {
  id: number;
  name: string;
  url: string;
  kinds: NoticeKind[];
  active: boolean;
  updatedBy: string | null;
  updatedAt: Date;
}

/** An endpoint as written: its secret set on creation (generated when not given) and when rotated; omitted on an update, kept. */
export type EndpointInput = Pick<Endpoint, 'name' | 'url' | 'kinds' | 'active'> & { secret?: string };

const ENDPOINT_COLUMNS = `id, name, url, kinds, active, updated_by AS "updatedBy", updated_at AS "updatedAt"`;

export async function listEndpoints(db: pg.Pool): Promise<Endpoint[]> {
  const { rows } = await db.query<Endpoint>(
    `SELECT ${ENDPOINT_COLUMNS} FROM notification_endpoints ORDER BY id`,
  );
  return rows;
}

/** A secret the platform makes when the administrator gives none: 32 random bytes, hex. */
const newSecret = () => randomBytes(32).toString('hex');

/** Adds an endpoint; answers it with its secret, the one time the secret is read back. */
export async function addEndpoint(
  db: pg.Pool,
  input: EndpointInput,
  actor: string,
): Promise<Endpoint & { secret: string }> {
  const secret = input.secret ?? newSecret();
  const { rows } = await db.query<Endpoint>(
    `INSERT INTO notification_endpoints (name, url, secret, kinds, active, updated_by) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (name) DO NOTHING RETURNING ${ENDPOINT_COLUMNS}`,
    [input.name.trim(), checkEndpointUrl(input.url), secret, [...new Set(input.kinds)], input.active, actor],
  );
  if (!rows[0]) throw new AfterSalesError(`an endpoint is named ${input.name.trim()} already`, 'conflict');
  return { ...rows[0], secret };
}

/** Changes an endpoint; a new secret (rotation) is answered once, like a new endpoint's. */
export async function updateEndpoint(
  db: pg.Pool,
  id: number,
  input: EndpointInput,
  actor: string,
): Promise<Endpoint & { secret?: string }> {
  const { rows } = await db
    .query<Endpoint>(
      `UPDATE notification_endpoints SET name = $2, url = $3, kinds = $4, active = $5, secret = coalesce($6, secret),
              updated_by = $7, updated_at = now()
        WHERE id = $1 RETURNING ${ENDPOINT_COLUMNS}`,
      [
        id,
        input.name.trim(),
        checkEndpointUrl(input.url),
        [...new Set(input.kinds)],
        input.active,
        input.secret ?? null,
        actor,
      ],
    )
    .catch((error: { code?: string }) => {
      if (error.code === '23505')
        throw new AfterSalesError(`an endpoint is named ${input.name.trim()} already`, 'conflict');
      throw error;
    });
  if (!rows[0]) throw new AfterSalesError(`no endpoint ${id}`, 'not-found');
  return input.secret ? { ...rows[0], secret: input.secret } : rows[0];
}
