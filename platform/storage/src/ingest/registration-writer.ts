import type pg from 'pg';
import { byPhone, columns, rounds } from './rounds.js';
import type { RegistrationRefusal, RegistrationRow } from './rows.js';
import { insertEvents } from './terminal-events.js';

/**
 * Fills in each terminal's roster entry (creating it, marked pending, when the roster did not know
 * it) and links it to the vehicle with the registered plate when that vehicle has no terminal yet.
 */
const REGISTER = `
  INSERT INTO terminals AS t (phone, terminal_id, maker, model, edition, registered_at, pending, vehicle_id)
  SELECT r.phone, r.terminal_id, r.maker, r.model, r.edition, r.registered_at, r.pending,
         (SELECT v.id FROM vehicles v WHERE v.plate = r.plate AND v.plate_color = r.plate_color
             AND NOT EXISTS (SELECT 1 FROM terminals x WHERE x.vehicle_id = v.id))
    FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[], $7::bool[],
                $8::text[], $9::smallint[])
      AS r(phone, terminal_id, maker, model, edition, registered_at, pending, plate, plate_color)
  ON CONFLICT (phone) DO UPDATE SET terminal_id = EXCLUDED.terminal_id, maker = EXCLUDED.maker, model = EXCLUDED.model,
    edition = EXCLUDED.edition, registered_at = EXCLUDED.registered_at,
    vehicle_id = coalesce(t.vehicle_id, EXCLUDED.vehicle_id)`;

/**
 * Registrations, one statement per round (see rounds). A vehicle takes one terminal: within a
 * statement every row sees the vehicle still free, so only the first registration of a plate in a
 * round may claim it, as it would have one by one. Decided: when a terminal registers twice in one
 * batch and another terminal registers the same plate in it, the plate may go to the other one
 * first; that takes three registrations within one batch (at most 250 ms apart by default).
 */
export async function applyRegistrations(
  client: pg.PoolClient,
  registrations: RegistrationRow[],
  refusals: RegistrationRefusal[],
): Promise<number> {
  for (const round of rounds(registrations, (r) => r.phone)) {
    const claimed = new Set<string>();
    // Ordered by arrival, then cleared of second claims, then by phone for the row locks.
    const plates = round.map((r) => {
      const plate = `${r.plateColor}/${r.plate}`;
      if (claimed.has(plate)) return null;
      claimed.add(plate);
      return r.plate;
    });
    const rows = byPhone(round.map((r, i) => ({ ...r, plate: plates[i] })));
    await client.query(
      REGISTER,
      columns(rows, [
        'phone',
        'terminalId',
        'maker',
        'model',
        'edition',
        'at',
        'pending',
        'plate',
        'plateColor',
      ]),
    );
  }
  return insertEvents(client, [
    ...registrations.map((r) => ({
      phone: r.phone,
      at: r.at,
      kind: 'registered',
      detail: { terminalId: r.terminalId, plate: r.plate, pending: r.pending },
      source: r.source,
    })),
    ...refusals.map(({ phone, at, source, ...detail }) => ({
      phone,
      at,
      kind: 'registration-refused',
      detail,
      source,
    })),
  ]);
}
