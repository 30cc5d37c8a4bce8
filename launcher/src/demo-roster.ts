import { normalizePhone } from '@jt808/protocol';
import { CITIES, type City, identityOf } from '@jt808/simulators';
import { transaction } from '@jt808/storage';
import type pg from 'pg';

export const DEMO_CENTERS = 60;
const SERVICE_POINTS_PER_CENTER = 3;

export interface DemoRosterOptions {
  vehicles: number;
  phoneBase: string;
  share2019: number;
  seed: number;
}

/**
 * Which city each of the 60 monitoring centers sits in: every city gets one, the rest follow the
 * cities' share of the province's vehicles (Zhengzhou, with a fifth of them, gets the most).
 */
export function centerCities(): City[] {
  const cities = [...CITIES];
  const extra = DEMO_CENTERS - cities.length;
  const totalShare = cities.reduce((sum, c) => sum + c.vehicleShare, 0);
  const assigned = cities.map((c) => Math.floor((c.vehicleShare / totalShare) * extra));
  let left = extra - assigned.reduce((a, b) => a + b, 0);
  for (let i = 0; left > 0; i = (i + 1) % cities.length, left--) assigned[i]! += 1;
  return cities.flatMap((city, i) => [city, ...Array.from({ length: assigned[i]! }, () => city)]);
}

/**
 * The roster behind the demo fleet: 60 centers across Henan, three service points around each,
 * and one vehicle with its terminal per simulated terminal, in the simulator's home city. Upserts,
 * so a restart with the same settings changes nothing.
 */
export async function loadDemoRoster(pool: pg.Pool, options: DemoRosterOptions): Promise<void> {
  const cities = centerCities();
  const centersByCity = new Map<string, number[]>();
  await transaction(pool, async (client) => {
    for (const [i, city] of cities.entries()) {
      const id = i + 1;
      const sameCity = centersByCity.get(city.name) ?? [];
      sameCity.push(id);
      centersByCity.set(city.name, sameCity);
      const offset = (sameCity.length - 1) * 0.03;
      await client.query(
        `INSERT INTO centers (id, code, name, region, latitude, longitude) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (id) DO NOTHING`,
        [
          id,
          `C${String(id).padStart(2, '0')}`,
          `${city.zh}监控中心${sameCity.length}`,
          city.zh,
          city.latitude + offset,
          city.longitude + offset,
        ],
      );
      for (let s = 1; s <= SERVICE_POINTS_PER_CENTER; s++) {
        await client.query(
          `INSERT INTO service_points (code, name, center_id, latitude, longitude, capacity) VALUES ($1, $2, $3, $4, $5, 10)
           ON CONFLICT (code) DO NOTHING`,
          [
            `SP${String(id).padStart(2, '0')}-${s}`,
            `${city.zh}服务站${id}-${s}`,
            id,
            city.latitude + offset + s * 0.02,
            city.longitude - s * 0.02,
          ],
        );
      }
    }
    const plates: string[] = [];
    const colors: number[] = [];
    const centers: number[] = [];
    const phones: string[] = [];
    const terminalIds: string[] = [];
    const editions: string[] = [];
    for (let index = 0; index < options.vehicles; index++) {
      const identity = identityOf(index, options);
      const cityCenters = centersByCity.get(CITIES[identity.homeCity]!.name)!;
      plates.push(identity.plate);
      colors.push(2);
      centers.push(cityCenters[index % cityCenters.length]!);
      phones.push(normalizePhone(identity.phone));
      terminalIds.push(identity.terminalId);
      editions.push(identity.edition);
    }
    await client.query(
      `INSERT INTO vehicles (plate, plate_color, center_id)
       SELECT * FROM unnest($1::text[], $2::smallint[], $3::int[]) ON CONFLICT (plate, plate_color) DO NOTHING`,
      [plates, colors, centers],
    );
    await client.query(
      `INSERT INTO terminals (phone, terminal_id, edition, vehicle_id, installed_at, warranty_until)
       SELECT u.phone, u.terminal_id, u.edition, v.id, now(), (now() + interval '1 year')::date
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS u(phone, terminal_id, edition, plate)
         JOIN vehicles v ON v.plate = u.plate AND v.plate_color = 2
       ON CONFLICT (phone) DO NOTHING`,
      [phones, terminalIds, editions, plates],
    );
  });
}
