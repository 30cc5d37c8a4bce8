import type { User } from '@jt808/api-contract';

/**
 * What a user may see, as SQL conditions used by every query (scoping is enforced in the queries,
 * not by filtering results): administrators and unrestricted viewers see everything, operators and
 * restricted viewers their centers (so does the service desk: a province-wide desk has no centers
 * and sees everything; users.ts stores no centers only for CENTERS=ALL), service-point staff the vehicles on their service point's
 * tickets, installers those and the vehicles of their service point's installations (an inactive
 * installer has no service point, so nothing). `params` continues the query's own parameter list.
 */
export interface Scope {
  /** A condition on a vehicles row aliased `vehicle`. */
  vehicles: string;
  /** A condition on a tickets row aliased `ticket`. */
  tickets: string;
  /** A condition on a centers row aliased `center`. */
  centers: string;
  /** A condition on a service_points row aliased `point`. */
  servicePoints: string;
  params: unknown[];
}

export function scopeOf(user: User, firstParam: number): Scope {
  const p = `$${firstParam}`;
  if (seesEverything(user)) {
    return { vehicles: 'TRUE', tickets: 'TRUE', centers: 'TRUE', servicePoints: 'TRUE', params: [] };
  }
  if (user.role === 'service' || user.role === 'installer') {
    // Installers also reach the vehicles their service point is to fit, which have no ticket yet.
    const installations =
      user.role === 'installer'
        ? ` OR vehicle.id IN (SELECT vehicle_id FROM installations WHERE service_point_id = ${p})`
        : '';
    return {
      vehicles: `(vehicle.id IN (SELECT vehicle_id FROM tickets WHERE service_point_id = ${p} AND vehicle_id IS NOT NULL)${installations})`,
      tickets: `ticket.service_point_id = ${p}`,
      centers: `center.id = (SELECT center_id FROM service_points WHERE id = ${p})`,
      servicePoints: `point.id = ${p}`,
      params: [user.servicePointId],
    };
  }
  return {
    vehicles: `vehicle.center_id = ANY (${p}::int[])`,
    tickets: `ticket.center_id = ANY (${p}::int[])`,
    centers: `center.id = ANY (${p}::int[])`,
    servicePoints: `point.center_id = ANY (${p}::int[])`,
    params: [user.centerIds],
  };
}

/** Administrators, and viewers and desk staff not limited to some centers. */
export function seesEverything(user: User): boolean {
  return (
    user.role === 'admin' || ((user.role === 'viewer' || user.role === 'desk') && user.centerIds.length === 0)
  );
}
