import { type Static, Type } from 'typebox';
import { Nullable, OneOf } from './shared.js';

/**
 * `desk`: the 7×24 service desk (after-sales intake, complaints, callbacks); its centers, or all with
 * none. `installer`: an installer of the register (installers), on the phone page only.
 */
export const ROLES = ['admin', 'operator', 'service', 'viewer', 'desk', 'installer'] as const;
export type Role = (typeof ROLES)[number];

/** GET /api/me: the signed-in user and their scope (centers, or the service point they work for). */
export const User = Type.Object({
  id: Type.Integer(),
  username: Type.String(),
  role: OneOf(ROLES),
  centerIds: Type.Array(Type.Integer()),
  servicePointId: Nullable(Type.Integer()),
});
export type User = Static<typeof User>;
