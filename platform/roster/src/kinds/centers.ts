import * as cells from '../cells.js';
import { optional, required } from '../columns.js';
import { defineKind } from '../kind.js';
import { planByCode, stored, upsert } from '../upsert.js';
import { coordinateColumns } from './shared-columns.js';

const MAX_INTEGER = 2_147_483_647;

const columns = {
  code: required(
    cells.code,
    ['中心编号', '中心代码', '编号', 'center_code'],
    'the code other files use for it',
  ),
  name: required(cells.text, ['中心名称', '名称'], 'e.g. 郑州市监控中心'),
  region: required(cells.text, ['所属地区', '地区', '区域', '辖区'], 'the region it watches over, e.g. 郑州'),
  id: optional(
    cells.integer(1, MAX_INTEGER),
    ['中心ID', '中心序号', 'center_id'],
    'numeric id (as other systems know it); new centers without one get the next free id',
  ),
  ...coordinateColumns,
};

interface Center {
  id: number;
  code: string;
  name: string;
  region: string;
  latitude: number | null;
  longitude: number | null;
}

export const centers = defineKind<typeof columns, Center>({
  name: 'centers',
  description: 'monitoring centers, one a row, matched by code',
  columns,
  async resolve(client, rows) {
    const givenIds = rows.flatMap(({ row }) => (row.id === null ? [] : [row.id]));
    const { rows: known } = await client.query<{ id: number; code: string }>(
      'SELECT id, code FROM centers WHERE code = ANY($1::text[]) OR id = ANY($2::int[])',
      [rows.map(({ row }) => row.code), givenIds],
    );
    const { rows: highest } = await client.query<{ id: number }>(
      'SELECT coalesce(max(id), 0) AS id FROM centers',
    );
    const idOfCode = new Map(known.map((center) => [center.code, center.id]));
    const codeOfId = new Map(known.map((center) => [center.id, center.code]));
    // Past every id in the table and in this batch, so a new center never takes one a row gives.
    let nextId = Math.max(highest[0]?.id ?? 0, ...givenIds) + 1;
    return rows.map(({ line, row }) => {
      const storedId = idOfCode.get(row.code);
      if (row.id !== null && storedId !== undefined && row.id !== storedId) {
        // Vehicles, service points and statistics refer to the id: an import does not move them.
        return { line, reason: `center ${row.code} has id ${storedId}, not ${row.id}` };
      }
      if (row.id !== null && storedId === undefined && codeOfId.has(row.id)) {
        return { line, reason: `id ${row.id} belongs to center ${codeOfId.get(row.id)}` };
      }
      const id = storedId ?? row.id ?? nextId++;
      return { line, row: { ...row, id } satisfies Center };
    });
  },
  uniqueKeys: (center) => [
    { what: 'center code', value: center.code },
    { what: 'center id', value: String(center.id) },
  ],
  store: (client, rows, file) =>
    upsert(
      client,
      planByCode<Center>(
        'centers',
        [
          stored('region', 'text'),
          stored('latitude', 'double precision', 'latitude'),
          stored('longitude', 'double precision', 'longitude'),
        ],
        [stored('id', 'integer')],
      ),
      rows,
      file,
    ),
});
