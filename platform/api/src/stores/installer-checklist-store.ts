import { type Scope, transaction } from '@jt808/storage';
import type pg from 'pg';

/** What the installer's checklist reads of a vehicle, its terminal and the terminal's state. */
export interface FittedVehicle {
  vehicle_id: string;
  plate: string;
  phone: string | null;
  registered_at: Date | null;
  online: boolean | null;
  connected_at: Date | null;
  last_fix_time: Date | null;
  /** The status and alarm words, as text (uint32 in a bigint). */
  status_word: string | null;
  alarm: string | null;
  satellites: number | null;
  signal_strength: number | null;
}

/** The vehicle in scope (n = 2) by its plate or its terminal's number (leading zeros aside). */
export async function fittedVehicle(
  pool: pg.Pool,
  scope: Scope,
  key: string,
): Promise<FittedVehicle | undefined> {
  const { rows } = await pool.query<FittedVehicle>(
    `SELECT vehicle.id AS vehicle_id, vehicle.plate, t.phone, t.registered_at, st.online, st.connected_at, st.last_fix_time,
            st.status::text AS status_word, st.alarm::text AS alarm, st.satellites, st.signal_strength
       FROM vehicles vehicle
       LEFT JOIN terminals t ON t.vehicle_id = vehicle.id
       LEFT JOIN terminal_state st ON st.phone = t.phone
      WHERE (vehicle.plate = $1 OR t.phone = ltrim($1, '0')) AND ${scope.vehicles}`,
    [key, ...scope.params],
  );
  return rows[0];
}

/**
 * Records the installation of the vehicle as accepted by `acceptor` (a user, by username and id),
 * its terminal installed, and closes its open install tickets as verified.
 */
export async function acceptInstallation(
  pool: pg.Pool,
  vehicle: { vehicleId: string; phone: string | null },
  acceptor: { username: string; id: number },
): Promise<void> {
  await transaction(pool, async (client) => {
    // An installer accepting a job no one was named for is its installer: it counts in their
    // settlement (settlement-store.ts).
    await client.query(
      `UPDATE installations SET done_at = coalesce(done_at, now()), accepted_at = now(), accepted_by = $2, terminal_phone = $3,
              installer = coalesce(installer, (SELECT installer FROM users WHERE id = $4))
      WHERE vehicle_id = $1 AND accepted_at IS NULL`,
      [vehicle.vehicleId, acceptor.username, vehicle.phone, acceptor.id],
    );
    await client.query(
      `UPDATE terminals SET pending = false, installed_at = coalesce(installed_at, now()) WHERE phone = $1`,
      [vehicle.phone],
    );
    const closed = await client.query<{ id: string; state: string }>(
      `UPDATE tickets t SET state = 'closed', closed_at = now(), verified_at = now(), close_reason = 'verified', updated_at = now()
       FROM tickets old
      WHERE old.id = t.id AND t.kind = 'install' AND t.closed_at IS NULL AND (t.vehicle_id = $1 OR t.phone = $2)
      RETURNING t.id, old.state`,
      [vehicle.vehicleId, vehicle.phone],
    );
    for (const ticket of closed.rows) {
      await client.query(
        `INSERT INTO ticket_events (ticket_id, actor, from_state, to_state, reason) VALUES ($1, $2, $3, 'closed', 'installation accepted: every check green')`,
        [ticket.id, acceptor.username, ticket.state],
      );
    }
  });
}
