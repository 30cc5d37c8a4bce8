import * as cells from '../cells.js';
import { optional, required } from '../columns.js';
import { defineKind } from '../kind.js';
import { codeReferences } from '../references.js';
import { planByCode, stored, upsert } from '../upsert.js';
import { CENTER_CODE_HEADERS, coordinateColumns } from './shared-columns.js';

/** service_points.capacity's default in the schema (0001_roster.sql), for an empty cell. */
const DEFAULT_CAPACITY = 10;

const columns = {
  code: required(
    cells.code,
    ['服务站编号', '服务网点编号', '网点编号', '编号', 'service_point_code'],
    'the code installations use for it',
  ),
  name: required(cells.text, ['服务站名称', '网点名称', '名称'], 'e.g. 郑州金水服务站'),
  center_code: required(cells.code, CENTER_CODE_HEADERS, 'code of the center it works for'),
  address: optional(cells.text, ['地址', '详细地址'], 'street address'),
  phone: optional(cells.text, ['联系电话', '电话'], 'its number, as written'),
  ...coordinateColumns,
  capacity: optional(
    cells.integer(0, 2_147_483_647),
    ['接单上限', '同时处理工单数', '容量'],
    `open tickets it can work on at once; empty means ${DEFAULT_CAPACITY}`,
  ),
};

interface ServicePoint {
  code: string;
  name: string;
  center_id: number;
  address: string | null;
  phone: string | null;
  latitude: number | null;
  longitude: number | null;
  capacity: number;
}

export const servicePoints = defineKind<typeof columns, ServicePoint>({
  name: 'servicePoints',
  description: 'authorized service points around each center, one a row, matched by code',
  columns,
  async resolve(client, rows, file) {
    const centers = await codeReferences(client, 'centers', 'center_code', rows, file);
    return rows.map(({ line, row: { center_code, capacity, ...row } }) => {
      const center_id = centers.idOf(center_code);
      if (center_id === undefined) return { line, reason: centers.missing(center_code) };
      return { line, row: { ...row, center_id, capacity: capacity ?? DEFAULT_CAPACITY } };
    });
  },
  uniqueKeys: (point) => [{ what: 'service point code', value: point.code }],
  store: (client, rows, file) =>
    upsert(
      client,
      planByCode<ServicePoint>('service_points', [
        stored('center_id', 'integer'),
        stored('address', 'text', 'address'),
        stored('phone', 'text', 'phone'),
        stored('latitude', 'double precision', 'latitude'),
        stored('longitude', 'double precision', 'longitude'),
        stored('capacity', 'integer', 'capacity'),
      ]),
      rows,
      file,
    ),
});
