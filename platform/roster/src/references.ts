import type { Queryable } from '@jt808/storage';

// Lookups join against the unnested batch instead of testing `= ANY(array)`: for a few thousand
// values PostgreSQL then probes the unique index per value, where ANY tends to scan the table.

/** The tables other roster files refer to by code. */
export type CodedTable = 'centers' | 'enterprises' | 'service_points';

/** Ids of the stored records with these codes (a code not stored is absent from the map). */
async function idsByCode(
  client: Queryable,
  table: CodedTable,
  codes: Iterable<string>,
): Promise<Map<string, number>> {
  const { rows } = await client.query<{ code: string; id: number }>(
    `SELECT t.code, t.id FROM ${table} t JOIN unnest($1::text[]) AS wanted (code) ON t.code = wanted.code`,
    [[...new Set(codes)]],
  );
  return new Map(rows.map((row) => [row.code, row.id]));
}

/** What a record of each coded table is, in the reason a row naming none is rejected. */
const RECORD_NAME: Record<CodedTable, string> = {
  centers: 'center',
  enterprises: 'enterprise',
  service_points: 'service point',
};

/** The records one column of a batch names by code. */
export interface CodeReferences {
  /** The id of the stored record with `code`; undefined when there is none. */
  idOf(code: string): number | undefined;
  /** Why a row is rejected whose cell gives `code` and no stored record has it. */
  missing(code: string): string;
}

/** Looks up the codes `column` gives in the rows (empty cells skipped), for the whole batch at once. */
export async function codeReferences<K extends string>(
  client: Queryable,
  table: CodedTable,
  column: K,
  rows: ReadonlyArray<{ row: Record<K, string | null> }>,
  file: { cell(name: NoInfer<K>, text: string): string },
): Promise<CodeReferences> {
  const ids = await idsByCode(
    client,
    table,
    rows.flatMap(({ row }) => row[column] ?? []),
  );
  return {
    idOf: (code) => ids.get(code),
    missing: (code) => `${file.cell(column, code)}: no such ${RECORD_NAME[table]}`,
  };
}

export interface StoredVehicle {
  /** bigint, as pg gives it. */
  id: string;
  plate: string;
  plateColor: number;
  vin: string | null;
  /** The phone of the terminal on it, if any. */
  terminalPhone: string | null;
}

const VEHICLE_FIELDS = `v.id, v.plate, v.plate_color AS "plateColor", v.vin,
  (SELECT t.phone FROM terminals t WHERE t.vehicle_id = v.id) AS "terminalPhone"`;

/** How a vehicle is named by plate: the plate and its colour (the same plate may come in two colours). */
export function plateKey(plate: string, color: number): string {
  return `${plate}/${color}`;
}

/** Stored vehicles by plateKey. */
export async function vehiclesByPlate(
  client: Queryable,
  plates: ReadonlyArray<{ plate: string; color: number }>,
): Promise<Map<string, StoredVehicle>> {
  const { rows } = await client.query<StoredVehicle>(
    `SELECT ${VEHICLE_FIELDS}
     FROM vehicles v JOIN unnest($1::text[], $2::smallint[]) AS wanted (plate, color)
       ON v.plate = wanted.plate AND v.plate_color = wanted.color`,
    [plates.map((p) => p.plate), plates.map((p) => p.color)],
  );
  return new Map(rows.map((vehicle) => [plateKey(vehicle.plate, vehicle.plateColor), vehicle]));
}

/** Stored vehicles by VIN. */
export async function vehiclesByVin(
  client: Queryable,
  vins: Iterable<string>,
): Promise<Map<string, StoredVehicle>> {
  const { rows } = await client.query<StoredVehicle>(
    `SELECT ${VEHICLE_FIELDS} FROM vehicles v JOIN unnest($1::text[]) AS wanted (vin) ON v.vin = wanted.vin`,
    [[...new Set(vins)]],
  );
  return new Map(rows.map((vehicle) => [vehicle.vin as string, vehicle]));
}

/** Which of these terminal phones are stored. */
export async function storedPhones(client: Queryable, phones: Iterable<string>): Promise<Set<string>> {
  const { rows } = await client.query<{ phone: string }>(
    'SELECT t.phone FROM terminals t JOIN unnest($1::text[]) AS wanted (phone) ON t.phone = wanted.phone',
    [[...new Set(phones)]],
  );
  return new Set(rows.map((row) => row.phone));
}
