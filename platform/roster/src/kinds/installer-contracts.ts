import * as cells from '../cells.js';
import { optional, required } from '../columns.js';
import { defineKind, type RosterKind } from '../kind.js';
import { stored, upsert } from '../upsert.js';

const columns = {
  installer: required(
    cells.code,
    ['安装人员编号', '工号', '人员编号', 'code'],
    "the installer's code in the register",
  ),
  fee_yuan: required(cells.yuan, ['安装单价', '单价', '每台安装费'], 'fee per accepted installation, yuan'),
  min_per_day: optional(
    cells.integer(1, 1000),
    ['每日最低安装数', '日最低安装量'],
    'installations per working day the contract asks for; empty means the platform default',
  ),
};

interface InstallerContract {
  installer: string;
  name: string;
  service_point_id: number;
  fee_fen: number;
  min_per_day: number | null;
}

/**
 * Whose contracts a file may set: the installers whose service point meets `condition` (SQL on a
 * service_points row aliased `point`, its parameters from $2 on). The command line sets anyone's;
 * the API a user's scope (api/scope.ts). An installer out of it is "not in the register".
 */
export interface RegisterScope {
  condition: string;
  params: unknown[];
}

export const EVERY_INSTALLER: RegisterScope = { condition: 'TRUE', params: [] };

export function installerContractsWithin(scope: RegisterScope): RosterKind {
  return defineKind<typeof columns, InstallerContract>({
    name: 'installerContracts',
    description: "installers' contracts, one a row, matched by the installer's code in the register",
    columns,
    async resolve(client, rows, file) {
      // The contract takes its name and service point from the register (installers.ts, followRegister).
      const { rows: registered } = await client.query<{
        code: string;
        name: string;
        service_point_id: number;
      }>(
        `SELECT i.code, i.name, i.service_point_id FROM installers i
           JOIN service_points point ON point.id = i.service_point_id
          WHERE i.code = ANY ($1::text[]) AND ${scope.condition}`,
        [[...new Set(rows.map(({ row }) => row.installer))], ...scope.params],
      );
      const byCode = new Map(registered.map((installer) => [installer.code, installer]));
      return rows.map(({ line, row }) => {
        const installer = byCode.get(row.installer);
        if (installer === undefined) {
          return {
            line,
            reason: `${file.cell('installer', row.installer)}: no such installer in the register`,
          };
        }
        return {
          line,
          row: {
            installer: installer.code,
            name: installer.name,
            service_point_id: installer.service_point_id,
            fee_fen: row.fee_yuan,
            min_per_day: row.min_per_day,
          },
        };
      });
    },
    uniqueKeys: (contract) => [{ what: 'installer', value: contract.installer }],
    store: (client, rows, file) =>
      upsert<InstallerContract>(
        client,
        {
          table: 'installer_contracts',
          key: [stored('installer', 'text')],
          columns: [
            stored('name', 'text'),
            stored('service_point_id', 'integer'),
            stored('fee_fen', 'integer'),
            stored('min_per_day', 'integer', 'min_per_day'),
          ],
          match: 'constraint',
        },
        rows,
        file,
      ),
  });
}

export const installerContracts = installerContractsWithin(EVERY_INSTALLER);
