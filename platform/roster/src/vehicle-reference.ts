import type { Queryable } from '@jt808/storage';
import * as cells from './cells.js';
import { optional } from './columns.js';
import { plateKey, type StoredVehicle, vehiclesByPlate, vehiclesByVin } from './references.js';

/** Headers of the columns naming a vehicle; the vehicles file and the files referring to one share them. */
export const PLATE_HEADERS = ['车牌号', '车牌号码', '车牌', 'plate_number', 'license_plate'];
export const PLATE_COLOR_HEADERS = ['车牌颜色', '车牌颜色代码', 'plate_colour'];
export const VIN_HEADERS = ['车架号', '车架号码', '车辆识别代号', '车辆识别代码', 'VIN码'];

export const PLATE_MEANING = 'as registered, e.g. 豫A12345 (spaces, · and - are dropped)';
export const PLATE_COLOR_MEANING = `${cells.PLATE_COLOR_CHOICES} (0: the plate is the VIN)`;
export const VIN_MEANING = 'vehicle identification number, 17 characters';

/** The columns by which terminals and installations name their vehicle: plate and colour, or VIN. */
export const vehicleReferenceColumns = {
  plate: optional(cells.plate, PLATE_HEADERS, `the vehicle's plate ${PLATE_MEANING}`),
  plate_color: optional(cells.plateColor, PLATE_COLOR_HEADERS, `with the plate: ${PLATE_COLOR_MEANING}`),
  vin: optional(cells.vin, VIN_HEADERS, "the vehicle's VIN, instead of or besides the plate"),
};

export interface VehicleReference {
  plate: string | null;
  plate_color: number | null;
  vin: string | null;
}

type ReferenceLabels = { label(column: keyof VehicleReference): string };

/** The vehicle each row names, null for rows naming none, or why the name is no good. */
export type VehicleLookup = { vehicle: StoredVehicle } | { reason: string } | null;

/**
 * Finds the stored vehicles the rows name, in their order. A row may give the plate with its
 * colour, the VIN, or both (then both must name the same vehicle).
 */
export async function lookUpVehicles(
  client: Queryable,
  rows: ReadonlyArray<{ row: VehicleReference }>,
  file: ReferenceLabels,
): Promise<VehicleLookup[]> {
  const references = rows.map(({ row }) => row);
  const plates = references.flatMap((ref) =>
    ref.plate !== null && ref.plate_color !== null ? [{ plate: ref.plate, color: ref.plate_color }] : [],
  );
  const vins = references.flatMap((ref) => (ref.vin === null ? [] : [ref.vin]));
  const byPlate = await vehiclesByPlate(client, plates);
  const byVin = await vehiclesByVin(client, vins);
  return references.map(({ plate, plate_color: color, vin }): VehicleLookup => {
    if (plate === null && vin === null) {
      return color === null ? null : { reason: `${file.label('plate_color')} without a plate` };
    }
    if (plate !== null && color === null) {
      return { reason: `plate ${plate} without its colour (${file.label('plate_color')})` };
    }
    const viaPlate = plate === null || color === null ? undefined : byPlate.get(plateKey(plate, color));
    if (plate !== null && viaPlate === undefined) {
      return { reason: `no vehicle ${plate} (plate colour ${color}) in the roster` };
    }
    const viaVin = vin === null ? undefined : byVin.get(vin);
    if (vin !== null && viaVin === undefined) return { reason: `no vehicle with VIN ${vin} in the roster` };
    if (viaPlate !== undefined && viaVin !== undefined && viaPlate.id !== viaVin.id) {
      return {
        reason: `vehicle ${plate} (plate colour ${color}) has VIN ${viaPlate.vin ?? '(none)'}, not ${vin}`,
      };
    }
    // One of the two was given and found.
    return { vehicle: (viaPlate ?? viaVin)! };
  });
}
