import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { migratedDatabase } from '@jt808/test-support/platform-database';
import { hasPostgres, type TestDatabase } from '@jt808/test-support/postgres';
import iconv from 'iconv-lite';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importRoster, type RosterFiles } from '../src/import-roster.js';

/** The sample roster of docs/roster-import.md: Chinese headers, the centers file UTF-8 with BOM and CRLF. */
const FIXTURES = fileURLToPath(new URL('fixtures/roster/', import.meta.url));
const SAMPLE: RosterFiles = {
  centers: join(FIXTURES, 'centers.csv'),
  enterprises: join(FIXTURES, 'enterprises.csv'),
  servicePoints: join(FIXTURES, 'service-points.csv'),
  vehicles: join(FIXTURES, 'vehicles.csv'),
  terminals: join(FIXTURES, 'terminals.csv'),
  installations: join(FIXTURES, 'installations.csv'),
};

describe.skipIf(!hasPostgres)('roster import (real PostgreSQL)', () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  let dir: string;

  beforeAll(async () => {
    ({ db, pool } = await migratedDatabase('roster'));
    dir = await mkdtemp(join(tmpdir(), 'roster-import-'));
  });
  afterAll(async () => {
    await pool?.end();
    await db?.drop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function file(name: string, content: string | Buffer): Promise<string> {
    const path = join(dir, name);
    await writeFile(path, content);
    return path;
  }

  async function rows(sql: string): Promise<Record<string, unknown>[]> {
    return (await pool.query(sql)).rows;
  }

  it('loads the sample roster, each kind after what it refers to', async () => {
    const report = await importRoster(pool, SAMPLE);
    expect(report.files.map((f) => [f.kind, f.encoding, f.read, f.loaded, f.rejected, f.error])).toEqual([
      ['centers', 'utf-8', 3, 3, [], undefined],
      ['enterprises', 'utf-8', 2, 2, [], undefined],
      ['servicePoints', 'utf-8', 2, 2, [], undefined],
      ['vehicles', 'utf-8', 4, 4, [], undefined],
      ['terminals', 'utf-8', 4, 4, [], undefined],
      ['installations', 'utf-8', 2, 2, [], undefined],
    ]);
    expect(report.files[3]?.ignoredColumns).toEqual(['序号']);
    expect(await rows('SELECT id, code, name, region, latitude FROM centers ORDER BY id')).toEqual([
      { id: 1, code: 'ZZ', name: '郑州市监控中心', region: '郑州', latitude: 34.7466 },
      { id: 2, code: 'LY', name: '洛阳市监控中心', region: '洛阳', latitude: 34.6197 },
      // No id in the file: the next free one.
      { id: 3, code: 'KF', name: '开封市监控中心', region: '开封', latitude: 34.7971 },
    ]);
    expect(await rows('SELECT code, center_id, address, capacity FROM service_points ORDER BY code')).toEqual(
      [
        { code: 'SP-LY-01', center_id: 2, address: '洛阳市西工区中州路2号,东门', capacity: 10 },
        { code: 'SP-ZZ-01', center_id: 1, address: '郑州市金水区花园路1号', capacity: 12 },
      ],
    );
    expect(
      await rows(`SELECT v.plate, v.plate_color, v.vin, e.code AS enterprise, c.code AS center
                  FROM vehicles v JOIN centers c ON c.id = v.center_id LEFT JOIN enterprises e ON e.id = v.enterprise_id
                  ORDER BY v.id`),
    ).toEqual([
      { plate: '豫A12345', plate_color: 2, vin: 'LFWSRXSJ5M1A00001', enterprise: 'E001', center: 'ZZ' },
      { plate: '豫A23456', plate_color: 2, vin: 'LFWSRXSJ5M1A00002', enterprise: 'E001', center: 'ZZ' },
      { plate: '豫C34567', plate_color: 1, vin: null, enterprise: 'E002', center: 'LY' },
      { plate: 'LFWSRXSJ5M1A00004', plate_color: 0, vin: null, enterprise: null, center: 'KF' },
    ]);
    expect(
      await rows(`SELECT t.phone, v.plate, t.edition, t.installed_at, t.warranty_until::text, t.pending
                  FROM terminals t LEFT JOIN vehicles v ON v.id = t.vehicle_id ORDER BY t.phone`),
    ).toEqual([
      // 12 BCD digits in the file, without the leading zero in the table.
      {
        phone: '13800138001',
        plate: '豫A12345',
        edition: '2013',
        installed_at: new Date('2024-03-05T01:30:00Z'),
        warranty_until: '2027-03-04',
        pending: false,
      },
      // 20 digits, and the vehicle named by VIN.
      {
        phone: '13800138002',
        plate: '豫A23456',
        edition: '2019',
        installed_at: new Date('2024-03-06T02:00:00Z'),
        warranty_until: '2027-03-05',
        pending: false,
      },
      {
        phone: '13800138003',
        plate: '豫C34567',
        edition: '2013',
        installed_at: null,
        warranty_until: null,
        pending: false,
      },
      {
        phone: '13800138004',
        plate: null,
        edition: '2013',
        installed_at: null,
        warranty_until: null,
        pending: false,
      },
    ]);
    expect(
      await rows(`SELECT v.plate, i.planned_on::text, i.terminal_phone, s.code AS point, i.installer, i.notes
                  FROM installations i JOIN vehicles v ON v.id = i.vehicle_id
                  LEFT JOIN service_points s ON s.id = i.service_point_id ORDER BY i.planned_on`),
    ).toEqual([
      {
        plate: '豫A12345',
        planned_on: '2024-03-05',
        terminal_phone: '13800138001',
        point: 'SP-ZZ-01',
        installer: '王师傅',
        notes: null,
      },
      {
        plate: '豫C34567',
        planned_on: '2024-03-10',
        terminal_phone: '13800138003',
        point: 'SP-LY-01',
        installer: '刘师傅',
        notes: '待安装',
      },
    ]);
  });

  it('imports the same files again without a duplicate and without rewriting a row', async () => {
    const tables = ['centers', 'service_points', 'enterprises', 'vehicles', 'terminals', 'installations'];
    const snapshot = async () =>
      Promise.all(tables.map((table) => rows(`SELECT xmin::text AS version, * FROM ${table} ORDER BY 2`)));
    const before = await snapshot();
    const report = await importRoster(pool, SAMPLE);
    expect(report.files.every((f) => f.rejected.length === 0 && f.error === undefined)).toBe(true);
    // Same rows, same row versions: nothing was inserted, nothing updated.
    expect(await snapshot()).toEqual(before);
  });

  it('reports every bad row with its line and reason and loads the good ones', async () => {
    const lines = [
      /* 1 */ '车牌号,车牌颜色,车架号,车辆类型,中心编号',
      /* 2 */ '豫A10001,黄,,重型货车,ZZ',
      /* 3 */ '豫A10002,绿,,重型货车,ZZ',
      /* 4 */ '豫A10003,2,,重型货车,XX',
      /* 5 */ '豫A10004,2,重型货车,ZZ',
      /* 6 */ '豫A10001,2,,轻型货车,LY',
      /* 7 */ '豫B10009,1,,"重型',
      /* 8 */ '半挂牵引车",LY',
      /* 9 */ '豫A10006,蓝,,,ZZ',
      /* 10 */ ',2,,,ZZ',
      /* 11 */ '',
      /* 12 */ '豫A10007,2,LFWSRXSJ5M1A0000I,,ZZ',
      /* 13 */ '豫A10008,2,LFWSRXSJ5M1A00001,,ZZ',
      /* 14 */ '豫A10010,2,"LFWSRXSJ5M1A00010,,ZZ',
      /* 15 */ '豫A10011,2,"LFWSRXSJ5M1A00011",,ZZ',
      /* 16 */ '"豫A10005,2,,,ZZ',
      /* 17 */ '豫B10008,1,LFWSRXSJ5M1A00008,,LY',
      /* 18 */ ',,,,',
    ];
    const path = await file('broken.csv', `${lines.join('\r\n')}\r\n`);
    const [report] = (await importRoster(pool, { vehicles: path })).files;
    expect(report?.rejected).toEqual([
      {
        line: 3,
        reason:
          '车牌颜色 "绿": not a plate colour (1 蓝 blue, 2 黄 yellow, 3 黑 black, 4 白 white, 9 其他 other, 0 VIN)',
      },
      { line: 4, reason: '中心编号 "XX": no such center' },
      { line: 5, reason: '4 fields where the header has 5' },
      { line: 6, reason: 'duplicate of line 2 (same plate and colour)' },
      { line: 10, reason: 'missing 车牌号' },
      {
        line: 12,
        reason: '车架号 "LFWSRXSJ5M1A0000I": not a VIN (17 letters and digits, without I, O and Q)',
      },
      { line: 13, reason: 'VIN LFWSRXSJ5M1A00001 belongs to vehicle 豫A12345 (plate colour 2)' },
      {
        // A stray quote pairs with the next one, making one row of two lines.
        line: 14,
        reason:
          '车架号 "\\"LFWSRXSJ5M1A00010,,ZZ\\n豫A10011,2,\\"LFWSRXSJ5M1A00011\\"": not a VIN (17 letters and digits, ' +
          'without I, O and Q) (the row runs over lines 14-15: are its quotes right?)',
      },
      { line: 16, reason: 'a quote opens a field here and is never closed' },
    ]);
    expect(report?.read).toBe(13);
    expect(report?.loaded).toBe(4);
    expect(
      await rows(
        `SELECT plate, plate_color, vehicle_type FROM vehicles WHERE plate LIKE '豫_1000%' ORDER BY plate`,
      ),
    ).toEqual([
      { plate: '豫A10001', plate_color: 2, vehicle_type: '重型货车' },
      { plate: '豫A10006', plate_color: 1, vehicle_type: null },
      { plate: '豫B10008', plate_color: 1, vehicle_type: null },
      { plate: '豫B10009', plate_color: 1, vehicle_type: '重型\n半挂牵引车' },
    ]);
  });

  it('explains what is wrong with a terminal row', async () => {
    const path = await file(
      'terminals-broken.csv',
      [
        'SIM卡号,车牌号,车牌颜色,车架号,协议版本',
        '1.38001E+10,,,,2013',
        '13800138009,豫Z99999,2,,2013',
        '13800138010,豫A12345,,,2013',
        '13800138011,豫A12345,2,LFWSRXSJ5M1A00002,2013',
        '13800138012,,,,2016',
        '013800138001,,,LFWSRXSJ5M1A99999,2013',
        '13800138013,,,,2013',
        '00000000013800138013,,,,2019',
      ].join('\n'),
    );
    const [report] = (await importRoster(pool, { terminals: path })).files;
    expect(report?.rejected).toEqual([
      {
        line: 2,
        reason:
          'SIM卡号 "1.38001E+10": the spreadsheet turned it into a rounded number; format the column as text',
      },
      { line: 3, reason: 'no vehicle 豫Z99999 (plate colour 2) in the roster' },
      { line: 4, reason: 'plate 豫A12345 without its colour (车牌颜色)' },
      {
        line: 5,
        reason: 'vehicle 豫A12345 (plate colour 2) has VIN LFWSRXSJ5M1A00001, not LFWSRXSJ5M1A00002',
      },
      { line: 6, reason: '协议版本 "2016": not a JT/T 808 edition (2011, 2013 or 2019)' },
      { line: 7, reason: 'no vehicle with VIN LFWSRXSJ5M1A99999 in the roster' },
      // The 2013 and the 2019 form of one phone number.
      { line: 9, reason: 'duplicate of line 8 (same phone)' },
    ]);
    expect(report?.loaded).toBe(1);
  });

  it('moves a vehicle to the terminal the file names, taking the old one off', async () => {
    const path = await file('swap.csv', '终端手机号,车牌号,车牌颜色\n13800138004,豫A12345,黄\n');
    const [report] = (await importRoster(pool, { terminals: path })).files;
    expect(report?.rejected).toEqual([]);
    expect(
      await rows(`SELECT t.phone, v.plate FROM terminals t LEFT JOIN vehicles v ON v.id = t.vehicle_id
                  WHERE t.phone IN ('13800138001', '13800138004') ORDER BY 1`),
    ).toEqual([
      { phone: '13800138001', plate: null },
      { phone: '13800138004', plate: '豫A12345' },
    ]);
  });

  it('leaves alone what a file has no column for', async () => {
    // A stock list: no vehicle columns, so terminals stay on their vehicles.
    const path = await file('stock.csv', 'phone,model\n13800138004,ZK-900\n');
    await importRoster(pool, { terminals: path });
    expect(
      await rows(
        `SELECT phone, model, vehicle_id IS NOT NULL AS placed FROM terminals WHERE phone = '13800138004'`,
      ),
    ).toEqual([{ phone: '13800138004', model: 'ZK-900', placed: true }]);
    // An empty cell in a column the file has clears the value.
    const cleared = await file('cleared.csv', 'phone,model\n13800138004,\n');
    await importRoster(pool, { terminals: cleared });
    expect(await rows(`SELECT model FROM terminals WHERE phone = '13800138004'`)).toEqual([{ model: null }]);
  });

  it('loads owners and shipments, and refuses a half shipment or a malformed number', async () => {
    const owners = await file(
      'owners.csv',
      '车牌号,车牌颜色,中心编号,车主姓名,车主电话,证件号码\n' +
        '豫A12345,黄,ZZ,张三,138-0013 8111,41010519800101123x\n' +
        '豫A23456,黄,ZZ,李四,call me,\n',
    );
    const [vehicles] = (await importRoster(pool, { vehicles: owners })).files;
    expect(vehicles?.rejected).toEqual([
      { line: 3, reason: '车主电话 "call me": not a phone number (5 to 20 digits, + allowed)' },
    ]);
    expect(
      await rows(`SELECT owner_name, owner_phone, owner_id_number FROM vehicles WHERE plate = '豫A12345'`),
    ).toEqual([{ owner_name: '张三', owner_phone: '13800138111', owner_id_number: '41010519800101123X' }]);
    // A vehicles file without the owner columns keeps the owners.
    await importRoster(pool, { vehicles: SAMPLE.vehicles! });
    expect(await rows(`SELECT owner_name FROM vehicles WHERE plate = '豫A12345'`)).toEqual([
      { owner_name: '张三' },
    ]);

    const shipped = await file(
      'shipped.csv',
      '终端手机号,发货日期,发货方式\n13800138001,2024/3/1,快递\n13800138003,2024-03-02,物流\n13800138004,2024-03-02,\n',
    );
    const [terminals] = (await importRoster(pool, { terminals: shipped })).files;
    expect(terminals?.rejected).toEqual([{ line: 4, reason: 'a shipment needs both 发货日期 and 发货方式' }]);
    expect(
      await rows(`SELECT phone, to_char(shipped_on, 'YYYY-MM-DD') AS shipped_on, ship_mode FROM terminals
                  WHERE shipped_on IS NOT NULL ORDER BY phone`),
    ).toEqual([
      { phone: '13800138001', shipped_on: '2024-03-01', ship_mode: 'express' },
      { phone: '13800138003', shipped_on: '2024-03-02', ship_mode: 'freight' },
    ]);
  });

  it('loads the installer register and then the contracts, which follow an installer who moves', async () => {
    const register = await file(
      'installers.csv',
      '工号,姓名,手机号码,证书编号,服务站编号,在职\nW-1,王师傅,137 0000 1111,DG-1,SP-ZZ-01,是\nW-2,李师傅,,,SP-XX,\n',
    );
    const contracts = await file('contracts.csv', '工号,安装单价（元）\nW-1,¥80.5\nW-2,80\n');
    const report = await importRoster(pool, { installers: register, installerContracts: contracts });
    expect(report.files.map((f) => [f.kind, f.loaded, f.rejected])).toEqual([
      ['installers', 1, [{ line: 3, reason: '服务站编号 "SP-XX": no such service point' }]],
      ['installerContracts', 1, [{ line: 3, reason: '工号 "W-2": no such installer in the register' }]],
    ]);
    const moved = await file('moved.csv', 'code,name,service_point_code,active\nW-1,王师傅,SP-LY-01,否\n');
    await importRoster(pool, { installers: moved });
    expect(
      await rows(`SELECT i.phone, i.active, c.fee_fen, p.code AS contract_point
                  FROM installers i JOIN installer_contracts c ON c.installer = i.code
                  JOIN service_points p ON p.id = c.service_point_id`),
    ).toEqual([{ phone: '13700001111', active: false, fee_fen: 8050, contract_point: 'SP-LY-01' }]);
  });

  it('reads GBK files, detected or named', async () => {
    const text = '车牌号,车牌颜色,中心编号\r\n豫D20001,黄,KF\r\n豫D20002,蓝色,KF\r\n';
    const detected = await file('gbk.csv', iconv.encode(text, 'gbk'));
    const [first] = (await importRoster(pool, { vehicles: detected })).files;
    expect([first?.encoding, first?.loaded, first?.rejected]).toEqual(['gbk', 2, []]);
    const [named] = (await importRoster(pool, { vehicles: detected }, { encoding: 'gbk' })).files;
    expect([named?.encoding, named?.loaded]).toEqual(['gbk', 2]);
    expect(
      await rows(`SELECT plate, plate_color FROM vehicles WHERE plate LIKE '豫D%' ORDER BY plate`),
    ).toEqual([
      { plate: '豫D20001', plate_color: 2 },
      { plate: '豫D20002', plate_color: 1 },
    ]);
  });

  it('checks centers ids, plate colour 0 and references of installations', async () => {
    const centers = await file('centers-bad.csv', 'code,name,region,id\nZZ,郑州,郑州,7\nXC,许昌,许昌,2\n');
    const vehicles = await file(
      'vin-plates.csv',
      'plate,plate_color,vin,center\n豫E1,0,,ZZ\nLFWSRXSJ5M1A00005,0,LFWSRXSJ5M1A00006,ZZ\n',
    );
    const installations = await file(
      'jobs.csv',
      'plate,plate_color,vin,planned_on,phone,service_point_code\n' +
        '豫A12345,2,,2024-04-01,13899999999,\n' +
        '豫A12345,2,,2024-04-02,,SP-XX\n' +
        ',,,2024-04-03,,\n' +
        '豫A12345,2,,2024-04-04,,\n' +
        ',,LFWSRXSJ5M1A00001,2024-04-04,,\n',
    );
    const report = await importRoster(pool, { centers, vehicles, installations });
    expect(report.files.map((f) => f.rejected)).toEqual([
      [
        { line: 2, reason: 'center ZZ has id 1, not 7' },
        { line: 3, reason: 'id 2 belongs to center LY' },
      ],
      [
        { line: 2, reason: 'plate colour 0 means the plate is the VIN, and 豫E1 is no VIN' },
        { line: 3, reason: 'plate colour 0 means the plate is the VIN, but the VIN is LFWSRXSJ5M1A00006' },
      ],
      [
        { line: 2, reason: 'phone "13899999999": no such terminal' },
        { line: 3, reason: 'service_point_code "SP-XX": no such service point' },
        { line: 4, reason: 'no vehicle: give plate and plate_color, or vin' },
        // The same vehicle by plate, then by VIN, on the same day.
        { line: 6, reason: 'duplicate of line 5 (same vehicle and planned day)' },
      ],
    ]);
  });

  it('loads nothing of a file whose header lacks a required column', async () => {
    const path = await file('no-center.csv', '车牌号,车牌颜色\n豫F30001,2\n');
    const [report] = (await importRoster(pool, { vehicles: path })).files;
    expect(report?.error).toBe(
      'header: missing column 中心编号 (center_code); the header has "车牌号", "车牌颜色"',
    );
    expect([report?.read, report?.loaded]).toEqual([0, 0]);
    const missing = (await importRoster(pool, { vehicles: join(dir, 'nowhere.csv') })).files[0];
    expect(missing?.error).toMatch(/ENOENT/);
  });

  it('loads 20,000 vehicles within a few seconds', async () => {
    const header = '车牌号,车牌颜色,车架号,车辆类型,中心编号\n';
    const body = Array.from(
      { length: 20_000 },
      (_, i) =>
        `豫G${String(i).padStart(5, '0')},${1 + (i % 2)},LGW${String(i).padStart(14, '0')},重型货车,${['ZZ', 'LY', 'KF'][i % 3]}\n`,
    ).join('');
    const path = await file('big.csv', header + body);
    const started = performance.now();
    const [report] = (await importRoster(pool, { vehicles: path })).files;
    const seconds = (performance.now() - started) / 1000;
    expect([report?.read, report?.loaded, report?.rejected.length]).toEqual([20_000, 20_000, 0]);
    expect(seconds).toBeLessThan(5);
    expect(await rows(`SELECT count(*)::int AS n FROM vehicles WHERE plate LIKE '豫G%'`)).toEqual([
      { n: 20_000 },
    ]);
  });
});
