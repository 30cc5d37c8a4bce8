import type pg from 'pg';
import { TicketError } from './workflow.js';

/** What a swap needs of the ticket being resolved. */
export interface SwapTicket {
  id: string;
  phone: string | null;
  vehicle_id: string | null;
  center_id: number | null;
}

/**
 * Fits the replacement terminal a resolved ticket names to the ticket's vehicle; the vehicle's old
 * terminal leaves it (and stays in the roster, unassigned). Run inside the resolving transaction.
 *
 * The replacement must be stock of the ticket's center: a phone the roster does not know yet (a
 * new unit), or a terminal fitted to no vehicle, reserved for no other vehicle's installation,
 * whose latest ticket or installation (if it has any) was in the ticket's center. A terminal has
 * no center of its own, so that record is the only tie to one. Naming a terminal fitted elsewhere
 * would move it, with its track and its commands, to whoever holds this ticket; those are refused
 * with the reason (TicketError: 409).
 */
export async function swapTerminal(
  client: pg.PoolClient,
  ticket: SwapTicket,
  newPhone: string,
): Promise<void> {
  const vehicle = ticket.vehicle_id;
  if (vehicle === null)
    throw new TicketError(`ticket ${ticket.id} has no vehicle to fit terminal ${newPhone} to`);
  if (newPhone === ticket.phone)
    throw new TicketError(`terminal ${newPhone} is the one this ticket is about`);
  const { rows } = await client.query<{
    vehicle_id: string | null;
    reserved: boolean;
    last_center: number | null;
  }>(
    `SELECT t.vehicle_id,
            EXISTS (SELECT 1 FROM installations i WHERE i.terminal_phone = t.phone AND i.done_at IS NULL AND i.vehicle_id <> $2)
              AS reserved,
            (SELECT center_id FROM (
               SELECT x.opened_at AS at, x.center_id FROM tickets x WHERE (x.phone = t.phone OR x.replacement_phone = t.phone) AND x.id <> $3
               UNION ALL
               SELECT i.created_at, v.center_id FROM installations i JOIN vehicles v ON v.id = i.vehicle_id WHERE i.terminal_phone = t.phone
             ) history ORDER BY at DESC LIMIT 1) AS last_center
       FROM terminals t WHERE t.phone = $1 FOR UPDATE OF t`,
    [newPhone, vehicle, ticket.id],
  );
  const known = rows[0];
  if (known) {
    if (known.vehicle_id !== null) throw new TicketError(`terminal ${newPhone} is fitted to a vehicle`);
    if (known.reserved)
      throw new TicketError(`terminal ${newPhone} is reserved for another vehicle's installation`);
    if (known.last_center !== null && known.last_center !== ticket.center_id)
      throw new TicketError(`terminal ${newPhone} belongs to another center's stock`);
  }
  await client.query('UPDATE terminals SET vehicle_id = NULL WHERE vehicle_id = $1', [vehicle]);
  await client.query(
    // No warranty end is written: the warranty module reads it from the unit's shipment, else from
    // this installation (after-sales/warranty.ts), with the operator's warrantyMonths.
    `INSERT INTO terminals (phone, vehicle_id, installed_at) VALUES ($1, $2, now())
     ON CONFLICT (phone) DO UPDATE SET vehicle_id = EXCLUDED.vehicle_id, installed_at = now()`,
    [newPhone, vehicle],
  );
}
