import * as cells from '../cells.js';
import { optional, type RowValues, required } from '../columns.js';
import { defineKind } from '../kind.js';
import { planByCode, stored, upsert } from '../upsert.js';

const columns = {
  code: required(
    cells.code,
    ['企业编号', '企业代码', '业户编号', '编号', 'enterprise_code'],
    'the code vehicles use for it',
  ),
  name: required(cells.text, ['企业名称', '业户名称', '单位名称', '名称'], 'e.g. 河南顺达物流有限公司'),
  contact: optional(cells.text, ['联系人', '负责人'], 'who to call'),
  phone: optional(cells.text, ['联系电话', '电话'], 'their number, as written'),
};

type Enterprise = RowValues<typeof columns>;

export const enterprises = defineKind<typeof columns, Enterprise>({
  name: 'enterprises',
  description: 'transport enterprises owning vehicles, one a row, matched by code',
  columns,
  // Nothing to look up: an enterprise refers to nothing.
  resolve: async (_client, rows) => rows,
  uniqueKeys: (enterprise) => [{ what: 'enterprise code', value: enterprise.code }],
  store: (client, rows, file) =>
    upsert(
      client,
      planByCode<Enterprise>('enterprises', [
        stored('contact', 'text', 'contact'),
        stored('phone', 'text', 'phone'),
      ]),
      rows,
      file,
    ),
});
