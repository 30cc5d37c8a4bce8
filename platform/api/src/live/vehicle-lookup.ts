import type pg from 'pg';

export interface VehicleOfPhone {
  id: number;
  centerId: number;
}

/**
 * Which vehicle (and center) each terminal phone belongs to, for the live feed: asked of the
 * database once per phone, in one query for all phones not yet known, and remembered (a phone
 * without a vehicle too, so it is not asked for again every second).
 */
export class VehicleLookup {
  private known = new Map<string, VehicleOfPhone | null>();

  constructor(private readonly pool: pg.Pool) {}

  /** The roster changed (or its announcements may have been missed): ask again for every phone. */
  forget(): void {
    this.known = new Map();
  }

  async resolve(phones: string[]): Promise<Map<string, VehicleOfPhone | null>> {
    const unknown = [...new Set(phones.filter((phone) => !this.known.has(phone)))];
    if (unknown.length > 0) {
      const { rows } = await this.pool.query<{ phone: string; id: string; center_id: number }>(
        `SELECT t.phone, v.id, v.center_id FROM terminals t JOIN vehicles v ON v.id = t.vehicle_id
          WHERE t.phone = ANY($1::text[])`,
        [unknown],
      );
      for (const phone of unknown) this.known.set(phone, null);
      for (const row of rows) this.known.set(row.phone, { id: Number(row.id), centerId: row.center_id });
    }
    return this.known;
  }
}
