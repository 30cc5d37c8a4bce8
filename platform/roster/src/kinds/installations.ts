import * as cells from '../cells.js';
import { optional, required } from '../columns.js';
import { defineKind, type Rejection } from '../kind.js';
import { codeReferences, storedPhones } from '../references.js';
import { stored, upsert } from '../upsert.js';
import { lookUpVehicles, vehicleReferenceColumns } from '../vehicle-reference.js';
import { SERVICE_POINT_CODE_HEADERS, TERMINAL_PHONE_HEADERS } from './shared-columns.js';

const columns = {
  ...vehicleReferenceColumns,
  planned_on: required(
    cells.date,
    ['计划安装日期', '计划日期', '预约日期'],
    'the day the job is planned for',
  ),
  phone: optional(cells.phone, TERMINAL_PHONE_HEADERS, 'phone (SIM) number of the terminal installed'),
  service_point_code: optional(
    cells.code,
    SERVICE_POINT_CODE_HEADERS,
    'code of the service point doing the job',
  ),
  installer: optional(cells.text, ['安装人员', '安装人', '安装工'], 'who installs'),
  done_at: optional(cells.timestamp, ['完成时间', '安装完成时间'], 'when the job was done (Beijing time)'),
  accepted_at: optional(cells.timestamp, ['验收时间'], 'when it was accepted'),
  accepted_by: optional(cells.text, ['验收人', '验收人员'], 'who accepted it'),
  notes: optional(cells.text, ['备注', '说明'], 'anything else'),
};

interface Installation {
  vehicle_id: string;
  planned_on: string;
  terminal_phone: string | null;
  service_point_id: number | null;
  installer: string | null;
  done_at: string | null;
  accepted_at: string | null;
  accepted_by: string | null;
  notes: string | null;
}

export const installations = defineKind<typeof columns, Installation>({
  name: 'installations',
  description: 'installation jobs, planned and done, one a row, matched by vehicle and planned day',
  columns,
  async resolve(client, rows, file) {
    const vehicles = await lookUpVehicles(client, rows, file);
    const phones = await storedPhones(
      client,
      rows.flatMap(({ row }) => row.phone ?? []),
    );
    const servicePoints = await codeReferences(client, 'service_points', 'service_point_code', rows, file);
    return rows.map(({ line, row }, i) => {
      const reject = (reason: string): Rejection => ({ line, reason });
      const named = vehicles[i] ?? null;
      if (named === null) {
        return reject(
          `no vehicle: give ${file.label('plate')} and ${file.label('plate_color')}, or ${file.label('vin')}`,
        );
      }
      if ('reason' in named) return reject(named.reason);
      if (row.phone !== null && !phones.has(row.phone)) {
        return reject(`${file.cell('phone', row.phone)}: no such terminal`);
      }
      const service_point_id =
        row.service_point_code === null ? null : servicePoints.idOf(row.service_point_code);
      // Undefined only for a code given but not stored.
      if (service_point_id === undefined) return reject(servicePoints.missing(row.service_point_code!));
      const { installer, planned_on, done_at, accepted_at, accepted_by, notes } = row;
      return {
        line,
        row: {
          vehicle_id: named.vehicle.id,
          planned_on,
          terminal_phone: row.phone,
          service_point_id,
          installer,
          done_at,
          accepted_at,
          accepted_by,
          notes,
        },
      };
    });
  },
  uniqueKeys: (job) => [{ what: 'vehicle and planned day', value: `${job.vehicle_id} ${job.planned_on}` }],
  store: (client, rows, file) =>
    upsert<Installation>(
      client,
      {
        table: 'installations',
        key: [stored('vehicle_id', 'bigint'), stored('planned_on', 'date')],
        columns: [
          stored('terminal_phone', 'text', 'phone'),
          stored('service_point_id', 'integer', 'service_point_code'),
          stored('installer', 'text', 'installer'),
          stored('done_at', 'timestamptz', 'done_at'),
          stored('accepted_at', 'timestamptz', 'accepted_at'),
          stored('accepted_by', 'text', 'accepted_by'),
          stored('notes', 'text', 'notes'),
        ],
        // installations has no unique key on (vehicle, planned day); the importer's lock keeps
        // another import from inserting the same job meanwhile.
        match: 'lookup',
      },
      rows,
      file,
    ),
});
