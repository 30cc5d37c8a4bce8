import * as cells from '../cells.js';
import { optional, required } from '../columns.js';
import { defineKind, type Rejection } from '../kind.js';
import { codeReferences, plateKey, vehiclesByVin } from '../references.js';
import { stored, upsert } from '../upsert.js';
import {
  PLATE_COLOR_HEADERS,
  PLATE_COLOR_MEANING,
  PLATE_HEADERS,
  PLATE_MEANING,
  VIN_HEADERS,
  VIN_MEANING,
} from '../vehicle-reference.js';
import { CENTER_CODE_HEADERS, ENTERPRISE_CODE_HEADERS } from './shared-columns.js';

/** JT/T 808: plate colour 0 means the vehicle has no plate yet and the plate field holds its VIN. */
const VIN_AS_PLATE = 0;

const columns = {
  plate: required(cells.plate, PLATE_HEADERS, PLATE_MEANING),
  plate_color: required(cells.plateColor, PLATE_COLOR_HEADERS, PLATE_COLOR_MEANING),
  vin: optional(cells.vin, VIN_HEADERS, VIN_MEANING),
  vehicle_type: optional(cells.text, ['车辆类型', '车型', '车辆类别'], 'e.g. 重型半挂牵引车'),
  center_code: required(cells.code, CENTER_CODE_HEADERS, 'code of the center watching it'),
  enterprise_code: optional(cells.code, ENTERPRISE_CODE_HEADERS, 'code of the enterprise owning it'),
  // The private owner (personal data, docs/security.md): the desk finds a vehicle by the owner's
  // phone and the monthly callbacks call it.
  owner_name: optional(cells.text, ['车主姓名', '车主', '车主名称'], "the owner's name"),
  owner_phone: optional(
    cells.contactPhone,
    ['车主电话', '车主手机', '车主联系电话'],
    "the owner's phone, as dialled",
  ),
  owner_id_number: optional(
    cells.idNumber,
    ['证件号码', '车主证件号码', '身份证号', '身份证号码'],
    "the owner's identity number",
  ),
};

interface Vehicle {
  plate: string;
  plate_color: number;
  vin: string | null;
  vehicle_type: string | null;
  center_id: number;
  enterprise_id: number | null;
  owner_name: string | null;
  owner_phone: string | null;
  owner_id_number: string | null;
}

export const vehicles = defineKind<typeof columns, Vehicle>({
  name: 'vehicles',
  description: 'vehicles, one a row, matched by plate and plate colour',
  columns,
  async resolve(client, rows, file) {
    // One after another: queries on one connection queue anyway (and pg warns of overlapping ones).
    const centers = await codeReferences(client, 'centers', 'center_code', rows, file);
    const enterprises = await codeReferences(client, 'enterprises', 'enterprise_code', rows, file);
    const vinHolders = await vehiclesByVin(
      client,
      rows.flatMap(({ row }) => row.vin ?? []),
    );
    return rows.map(({ line, row }) => {
      const reject = (reason: string): Rejection => ({ line, reason });
      const {
        plate,
        plate_color,
        vin,
        center_code,
        enterprise_code,
        owner_name,
        owner_phone,
        owner_id_number,
      } = row;
      if (plate_color === VIN_AS_PLATE) {
        if (!isVin(plate)) return reject(`plate colour 0 means the plate is the VIN, and ${plate} is no VIN`);
        if (vin !== null && vin !== plate)
          return reject(`plate colour 0 means the plate is the VIN, but the VIN is ${vin}`);
      }
      const center_id = centers.idOf(center_code);
      if (center_id === undefined) return reject(centers.missing(center_code));
      const enterprise_id = enterprise_code === null ? null : enterprises.idOf(enterprise_code);
      // Undefined only for a code given but not stored.
      if (enterprise_id === undefined) return reject(enterprises.missing(enterprise_code!));
      const holder = vin === null ? undefined : vinHolders.get(vin);
      if (holder !== undefined && (holder.plate !== plate || holder.plateColor !== plate_color)) {
        return reject(`VIN ${vin} belongs to vehicle ${holder.plate} (plate colour ${holder.plateColor})`);
      }
      return {
        line,
        row: {
          plate,
          plate_color,
          vin,
          vehicle_type: row.vehicle_type,
          center_id,
          enterprise_id,
          owner_name,
          owner_phone,
          owner_id_number,
        },
      };
    });
  },
  uniqueKeys: (vehicle) => [
    { what: 'plate and colour', value: plateKey(vehicle.plate, vehicle.plate_color) },
    ...(vehicle.vin === null ? [] : [{ what: 'VIN', value: vehicle.vin }]),
  ],
  store: (client, rows, file) =>
    upsert<Vehicle>(
      client,
      {
        table: 'vehicles',
        key: [stored('plate', 'text'), stored('plate_color', 'smallint')],
        columns: [
          stored('vin', 'text', 'vin'),
          stored('vehicle_type', 'text', 'vehicle_type'),
          stored('center_id', 'integer'),
          stored('enterprise_id', 'integer', 'enterprise_code'),
          stored('owner_name', 'text', 'owner_name'),
          stored('owner_phone', 'text', 'owner_phone'),
          stored('owner_id_number', 'text', 'owner_id_number'),
        ],
        match: 'constraint',
      },
      rows,
      file,
    ),
});

function isVin(text: string): boolean {
  try {
    cells.vin(text);
    return true;
  } catch {
    return false;
  }
}
