import type { Queryable } from '@jt808/storage';
import * as cells from '../cells.js';
import { optional, required } from '../columns.js';
import { defineKind } from '../kind.js';
import { codeReferences } from '../references.js';
import { planByCode, stored, upsert } from '../upsert.js';
import { SERVICE_POINT_CODE_HEADERS } from './shared-columns.js';

const columns = {
  code: required(
    cells.code,
    ['安装人员编号', '工号', '人员编号', 'installer'],
    'the name installations, tickets and contracts use for the installer',
  ),
  name: required(cells.text, ['姓名', '安装人员姓名'], "the installer's name"),
  phone: optional(cells.contactPhone, ['手机号码', '联系电话', '电话'], "the installer's phone"),
  certificate: optional(
    cells.code,
    ['证书编号', '资格证书编号', '上岗证号'],
    'qualification certificate number',
  ),
  service_point_code: required(
    cells.code,
    SERVICE_POINT_CODE_HEADERS,
    'code of the service point they work for',
  ),
  active: optional(cells.yesNo, ['在职', '状态', '是否在职'], 'still installing (是/否); empty means yes'),
};

interface Installer {
  code: string;
  name: string;
  phone: string | null;
  certificate: string | null;
  service_point_id: number;
  active: boolean;
}

export const installers = defineKind<typeof columns, Installer>({
  name: 'installers',
  description: 'the installer register, one installer a row, matched by code',
  columns,
  async resolve(client, rows, file) {
    const servicePoints = await codeReferences(client, 'service_points', 'service_point_code', rows, file);
    return rows.map(({ line, row: { service_point_code, active, ...row } }) => {
      const service_point_id = servicePoints.idOf(service_point_code);
      if (service_point_id === undefined) return { line, reason: servicePoints.missing(service_point_code) };
      return { line, row: { ...row, service_point_id, active: active ?? true } };
    });
  },
  uniqueKeys: (installer) => [{ what: 'installer code', value: installer.code }],
  store: async (client, rows, file) => {
    await upsert(
      client,
      planByCode<Installer>('installers', [
        stored('phone', 'text', 'phone'),
        stored('certificate', 'text', 'certificate'),
        stored('service_point_id', 'integer'),
        stored('active', 'boolean', 'active'),
      ]),
      rows,
      file,
    );
    await followRegister(
      client,
      rows.map((row) => row.code),
    );
  },
});

/**
 * What follows a change of the register. A contract is held at its installer's service point
 * (settlements and complaint charges are scoped by it): an installer moving moves their contract,
 * and the register's name is its name. An inactive installer's account signs nobody in: its
 * sessions end (a reactivation must not revive them).
 */
export async function followRegister(client: Queryable, codes: readonly string[]): Promise<void> {
  await client.query(
    `DELETE FROM sessions s USING users u, installers i
      WHERE s.user_id = u.id AND u.installer = i.code AND NOT i.active AND i.code = ANY ($1::text[])`,
    [codes],
  );
  await client.query(
    `UPDATE installer_contracts c SET service_point_id = i.service_point_id, name = i.name
       FROM installers i
      WHERE i.code = c.installer AND c.installer = ANY ($1::text[])
        AND (c.service_point_id, c.name) IS DISTINCT FROM (i.service_point_id, i.name)`,
    [codes],
  );
}
