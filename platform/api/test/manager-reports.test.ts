import { type ApiServer, startApiServer } from '@jt808/test-support/api-server';
import { closeAll, storedDatabase } from '@jt808/test-support/platform-database';
import { hasPostgres, type TestDatabase } from '@jt808/test-support/postgres';
import ExcelJS from 'exceljs';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveUser } from '../src/users.js';

/**
 * What a center's manager reads and hands on (issue 21, items 7 and 9): the periodic reports with
 * their recurring-problem warning, every list's CSV/XLSX export, the printable sheets' data and
 * the install progress, on a seeded history over HTTP.
 */
const at = (local: string) => `${local}:00+08:00`;

describe.skipIf(!hasPostgres)(
  'manager reports, exports, sheets and install progress (real PostgreSQL)',
  () => {
    let db: TestDatabase;
    let pool: pg.Pool;
    let api: ApiServer;
    let base: string;

    /** A raw download: status, headers and bytes. */
    const download = async (user: string, path: string) => {
      const response = await fetch(`${base}${path}`, { headers: { cookie: cookieOf(user) } });
      return { response, bytes: Buffer.from(await response.arrayBuffer()) };
    };
    const cookies = new Map<string, string>();
    const cookieOf = (user: string) => cookies.get(user)!;

    /** The first sheet of an XLSX, read back with exceljs: header and rows of plain values. */
    const readXlsx = async (bytes: Buffer) => {
      const workbook = new ExcelJS.Workbook();
      // exceljs types its input as its own Buffer (an ArrayBuffer); Node's Buffer is what it reads.
      await workbook.xlsx.load(bytes as unknown as ExcelJS.Buffer);
      const sheet = workbook.worksheets[0]!;
      const rows: ExcelJS.CellValue[][] = [];
      sheet.eachRow((row) => rows.push((row.values as ExcelJS.CellValue[]).slice(1)));
      return { sheet, header: rows[0] as string[], rows: rows.slice(1) };
    };
    const column = (x: { header: string[]; rows: ExcelJS.CellValue[][] }, name: string) =>
      x.rows.map((row) => row[x.header.indexOf(name)]);

    beforeAll(async () => {
      ({ db, pool } = await storedDatabase('manager'));
      await pool.query(
        `INSERT INTO centers (id, code, name, region) VALUES (1, 'C1', '郑州中心', '郑州'), (2, 'C2', '洛阳中心', '洛阳')`,
      );
      await pool.query(
        `INSERT INTO service_points (id, code, name, center_id, phone, address) VALUES
         (1, 'SP1', '郑州服务站', 1, '037100000001', '郑州市金水路1号'), (2, 'SP2', '洛阳服务站', 2, NULL, NULL)`,
      );
      await pool.query(
        `INSERT INTO vehicles (id, plate, plate_color, center_id, owner_name, owner_phone, vin) VALUES
         (1, '豫A10001', 2, 1, '张三丰', '13800001111', 'LVIN0000000000001'), (2, '豫A10002', 2, 1, '王五', '13800002222', NULL),
         (3, '豫A10003', 2, 1, '=HYPERLINK("http://evil","x")', '13800003333', NULL), (4, '豫A10004', 2, 1, NULL, NULL, NULL),
         (5, '豫C50005', 2, 2, '赵六', '13800005555', NULL)`,
      );
      await pool.query(
        `INSERT INTO terminals (phone, vehicle_id, maker, model, terminal_id, registered_at) VALUES
         ('13900000001', 1, 'M1', 'X1', 'SN1', '${at('2026-09-03T10:00')}'), ('13900000002', 2, 'M1', 'X1', 'SN2', '${at('2026-09-04T10:00')}'),
         ('13900000003', 3, 'M1', 'X1', 'SN3', '${at('2026-09-21T10:00')}'), ('13900000004', 4, 'M1', 'X1', 'SN4', NULL),
         ('13900000005', 5, 'M2', 'Y1', 'SN5', '${at('2026-09-08T10:00')}')`,
      );
      await pool.query(
        `INSERT INTO terminal_state (phone, last_fix_time) VALUES
         ('13900000001', now()), ('13900000002', now()), ('13900000003', now()), ('13900000005', now())`,
      );
      // Repairs: GNSS antenna on X1 rises in September 2026 (4 after 1 a month, twice on vehicle 1);
      // power on X1 stays at its level (3 after 2 a month). One August repair is still open.
      const repair = async (vehicle: number, cause: string, opened: string, open = false) =>
        pool.query(
          `INSERT INTO tickets (kind, phone, vehicle_id, center_id, state, reason, opened_at, response_due, onsite_due,
                              fault_cause, service_point_id, closed_at, close_reason)
         SELECT 'repair', t.phone, v.id, v.center_id, $4, 'offline', $3::timestamptz, $3::timestamptz + interval '2 hours',
                $3::timestamptz + interval '1 day', $2, v.center_id, CASE WHEN $5 THEN NULL ELSE $3::timestamptz + interval '1 day' END,
                CASE WHEN $5 THEN NULL ELSE 'verified' END
           FROM vehicles v JOIN terminals t ON t.vehicle_id = v.id WHERE v.id = $1`,
          [vehicle, cause, at(opened), open ? 'dispatched' : 'closed', open],
        );
      for (const [month, n] of [
        ['06', 1],
        ['07', 1],
        ['08', 1],
      ] as const) {
        for (let i = 0; i < n; i++) await repair(4, 'gnss-antenna', `2026-${month}-10T09:00`, month === '08');
      }
      for (const month of ['06', '07', '08']) {
        await repair(2, 'power', `2026-${month}-11T09:00`);
        await repair(3, 'power', `2026-${month}-12T09:00`);
      }
      await repair(1, 'gnss-antenna', '2026-09-15T09:00');
      await repair(1, 'gnss-antenna', '2026-09-22T09:00');
      await repair(2, 'gnss-antenna', '2026-09-16T09:00');
      await repair(3, 'gnss-antenna', '2026-09-17T09:00');
      for (const v of [2, 3]) await repair(v, 'power', '2026-09-18T09:00');
      await repair(1, 'power', '2026-09-19T09:00');
      await repair(5, 'gnss-antenna', '2026-09-16T10:00');
      // A complaint whose text would run as a formula in a spreadsheet.
      await pool.query(
        `INSERT INTO complaints (source, vehicle_id, center_id, service_point_id, description, opened_at, due_at, created_by) VALUES
         ('desk', 1, 1, 1, '=1+2', now(), now() + interval '1 day', 'test'),
         ('desk', 5, 2, 2, '洛阳的投诉', now(), now() + interval '1 day', 'test')`,
      );
      await pool.query(
        `INSERT INTO callbacks (kind, vehicle_id, month, center_id, service_point_id, due_at) VALUES
         ('monthly', 1, '2026-09-01', 1, 1, '2026-09-01T10:00:00+08:00'), ('monthly', 5, '2026-09-01', 2, 2, '2026-09-01T10:00:00+08:00')`,
      );
      // Installations: vehicles 1–4 of center 1 in September (1 and 2 accepted and signed by the
      // 5th, 3 accepted without the owner's signature), vehicle 5 of center 2.
      await pool.query(
        `INSERT INTO installers (code, name, phone, service_point_id) VALUES ('inst-1', '王师傅', '13700001111', 1), ('inst-2', '李师傅', NULL, 2)`,
      );
      await pool.query(
        `INSERT INTO installer_contracts (installer, name, service_point_id, fee_fen, min_per_day) VALUES ('inst-1', '王师傅', 1, 8000, 1), ('inst-2', '李师傅', 2, 9000, 1)`,
      );
      await pool.query(
        `INSERT INTO installations (id, vehicle_id, terminal_phone, installer, service_point_id, planned_on, done_at, accepted_at, owner_signed_at) VALUES
         (1, 1, '13900000001', 'inst-1', 1, '2026-09-02', '${at('2026-09-02T15:00')}', '${at('2026-09-05T09:00')}', '${at('2026-09-05T09:00')}'),
         (2, 2, '13900000002', 'inst-1', 1, '2026-09-03', '${at('2026-09-03T15:00')}', '${at('2026-09-05T10:00')}', '${at('2026-09-05T10:00')}'),
         (3, 3, '13900000003', 'inst-1', 1, '2026-09-04', '${at('2026-09-04T15:00')}', '${at('2026-09-06T10:00')}', NULL),
         (4, 4, '13900000004', 'inst-1', 1, '2026-09-20', '${at('2026-09-20T15:00')}', NULL, NULL),
         (5, 5, '13900000005', 'inst-2', 2, '2026-09-08', '${at('2026-09-08T15:00')}', '${at('2026-09-09T10:00')}', '${at('2026-09-09T10:00')}')`,
      );
      await saveUser(pool, { username: 'admin', password: 'admin-secret', role: 'admin' });
      await saveUser(pool, { username: 'desk', password: 'desk-secret', role: 'desk', centerIds: 'all' });
      await saveUser(pool, { username: 'op1', password: 'op1-secret', role: 'operator', centerIds: [1] });
      await saveUser(pool, { username: 'sp1', password: 'sp1-secret', role: 'service', servicePointId: 1 });
      await saveUser(pool, {
        username: 'viewer',
        password: 'viewer-secret',
        role: 'viewer',
        centerIds: 'all',
      });
      api = await startApiServer(pool);
      base = api.base;
      for (const user of ['admin', 'desk', 'op1', 'sp1', 'viewer']) {
        const response = await fetch(`${base}/api/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ username: user, password: `${user}-secret` }),
        });
        cookies.set(user, response.headers.getSetCookie()[0]!.split(';')[0]!);
        await api.login(user, `${user}-secret`);
      }
      // The week of 7–13 September 2026 (2026-W37) at the desk: two calls and a web enquiry about
      // center 1's vehicles, one call about center 2's, all settled on the spot.
      for (const [plate, channel, day] of [
        ['豫A10001', 'phone', '07'],
        ['豫A10002', 'phone', '09'],
        ['豫A10003', 'web', '13'],
        ['豫C50005', 'phone', '08'],
      ] as const) {
        const call = await api.post('desk', '/api/desk/calls', {
          receivedAt: new Date(at(`2026-09-${day}T10:00`)).toISOString(),
          callerPhone: '13600000000',
          vehicle: { plate },
          description: '怎么查看轨迹回放',
          category: 'consultation',
          severity: 3,
          answeredOnCall: true,
          channel,
        });
        expect(call.status).toBe(201);
      }
    }, 60_000);
    afterAll(async () => {
      await closeAll(api, pool, db);
    }, 30_000);

    it('names the periods: ISO weeks in Asia/Shanghai, months, quarters, years; bad ones are a 400', async () => {
      const week = await api.get('op1', '/api/reports/periodic?period=2026-W37');
      expect(week.status).toBe(200);
      expect(week.body.period).toEqual({
        kind: 'week',
        name: '2026-W37',
        from: '2026-09-07',
        to: '2026-09-13',
      });
      // 2026 begins on a Thursday: it has a week 53, reaching into 2027; 2025 has 52.
      expect((await api.get('op1', '/api/reports/periodic?period=2026-W53')).body.period).toMatchObject({
        from: '2026-12-28',
        to: '2027-01-03',
      });
      expect((await api.get('op1', '/api/reports/periodic?period=2025-W53')).status).toBe(400);
      expect((await api.get('op1', '/api/reports/periodic?period=2025-W00')).status).toBe(400);
      expect((await api.get('op1', '/api/reports/periodic?period=2026-13')).status).toBe(400);
      // A week has the desk's figures only: no summary or faults to export.
      expect(
        (await api.get('op1', '/api/reports/periodic?period=2026-W37&part=summary&format=csv')).status,
      ).toBe(400);
      expect((await api.get('op1', '/api/reports/periodic?period=2026-Q5')).status).toBe(400);
      expect((await api.get('op1', '/api/reports/periodic?period=26')).status).toBe(400);
      expect((await api.get('op1', '/api/reports/periodic?period=2026-Q3')).body.period).toMatchObject({
        from: '2026-07-01',
        to: '2026-09-30',
      });
    });

    it('weekly: calls, web enquiries and service demands per center and for the province, in scope', async () => {
      const week = (await api.get('desk', '/api/reports/periodic?period=2026-W37')).body;
      expect(week.recurring).toBeUndefined(); // the weekly report has no recurring-problem warning
      const byCenter = Object.fromEntries(week.desk.map((d: { center: number | string }) => [d.center, d]));
      expect(byCenter[1]).toMatchObject({
        calls: 2,
        webEnquiries: 1,
        answeredOnContact: 3,
        demands: 3,
        services: 3,
        closed: 3,
        openAtEnd: 1,
      });
      expect(byCenter[2]).toMatchObject({ calls: 1, webEnquiries: 0, demands: 1, openAtEnd: 0 });
      expect(byCenter.province).toMatchObject({ calls: 3, webEnquiries: 1, demands: 4, openAtEnd: 1 });
      // A center's operator sees their center and a province of it alone.
      const own = (await api.get('op1', '/api/reports/periodic?period=2026-W37')).body;
      expect(own.desk.map((d: { center: unknown }) => d.center)).toEqual([1, 'province']);
      expect(own.desk[1]).toMatchObject({ calls: 2, webEnquiries: 1 });
    });

    it('monthly, quarterly, annual: the recurring-problem warning by its rules', async () => {
      const month = (await api.get('desk', '/api/reports/periodic?period=2026-09')).body;
      expect(month.centers.find((c: { center: unknown }) => c.center === 1)).toMatchObject({ tickets: 10 });
      expect(month.recurring).toEqual([
        // 4 after a mean of 1: rising; power's 3 after a mean of 2 is not (needs more than 3).
        {
          center: 1,
          rule: 'rising',
          maker: 'M1',
          model: 'X1',
          cause: 'gnss-antenna',
          repairs: 4,
          baseline: 1,
          plate: null,
        },
        {
          center: 1,
          rule: 'same-vehicle',
          maker: 'M1',
          model: 'X1',
          cause: 'gnss-antenna',
          repairs: 2,
          baseline: null,
          plate: '豫A10001',
        },
        {
          center: 'province',
          rule: 'rising',
          maker: 'M1',
          model: 'X1',
          cause: 'gnss-antenna',
          repairs: 4,
          baseline: 1,
          plate: null,
        },
      ]);
      const quarter = (await api.get('desk', '/api/reports/periodic?period=2026-Q3')).body;
      const rising = quarter.recurring.filter(
        (w: { center: unknown; rule: string }) => w.center === 1 && w.rule === 'rising',
      );
      expect(rising).toEqual([
        {
          center: 1,
          rule: 'rising',
          maker: 'M1',
          model: 'X1',
          cause: 'power',
          repairs: 7,
          baseline: 0.67,
          plate: null,
        },
        {
          center: 1,
          rule: 'rising',
          maker: 'M1',
          model: 'X1',
          cause: 'gnss-antenna',
          repairs: 6,
          baseline: 0.33,
          plate: null,
        },
      ]);
      const year = (await api.get('desk', '/api/reports/periodic?period=2026')).body;
      expect(
        year.recurring.find(
          (w: { center: unknown; cause: string }) => w.center === 'province' && w.cause === 'gnss-antenna',
        ),
      ).toMatchObject({ repairs: 7, baseline: 0 });
      // Center 2 has one antenna repair (on another model): below the minimum of 3, no warning of its own.
      expect(year.recurring.some((w: { center: unknown }) => w.center === 2)).toBe(false);
      // The operator of center 1 gets no other center's warning.
      const own = (await api.get('op1', '/api/reports/periodic?period=2026')).body;
      expect(own.recurring.every((w: { center: unknown }) => w.center === 1 || w.center === 'province')).toBe(
        true,
      );
    });

    it('judges the recurring warning by the thresholds an administrator sets, and refuses bad ones', async () => {
      const month = async () => (await api.get('desk', '/api/reports/periodic?period=2026-09')).body;
      expect((await month()).recurringThresholds).toEqual({
        recurringMinRepairs: 3,
        recurringMarginPercent: 50,
        recurringBaselinePeriods: 3,
        recurringSameVehicle: 2,
      });
      const put = (user: string, body: object) => api.put(user, '/api/after-sales/settings', body);
      expect((await put('op1', { recurringSameVehicle: 3 })).status).toBe(403);
      expect((await put('desk', { recurringSameVehicle: 3 })).status).toBe(403);
      for (const bad of [
        { recurringBaselinePeriods: 0 },
        { recurringBaselinePeriods: 13 },
        { recurringSameVehicle: 1 },
        { recurringMinRepairs: 0 },
        { recurringMarginPercent: 2.5 },
        { recurringMarginPercent: -10 },
        { recurringMarginPercent: 'many' },
        { recurringSameVehicle: 3, recurringMinRepairs: 0 }, // one bad value changes nothing
      ]) {
        expect((await put('admin', bad)).status, JSON.stringify(bad)).toBe(400);
      }
      expect((await month()).recurringThresholds.recurringSameVehicle).toBe(2);
      // A 300 % margin: September's 4 antenna repairs after a mean of 1 are not over 4; the same
      // vehicle twice is no longer enough at 3.
      expect((await put('admin', { recurringMarginPercent: 300, recurringSameVehicle: 3 })).status).toBe(200);
      expect((await month()).recurring).toEqual([]);
      // One period before (August: 1 repair) and a 100 % margin: 4 after 1 rises again.
      await put('admin', { recurringMarginPercent: 100, recurringBaselinePeriods: 1 });
      expect((await month()).recurring.filter((w: { rule: string }) => w.rule === 'rising')).toHaveLength(2);
      await put('admin', {
        recurringMarginPercent: 50,
        recurringBaselinePeriods: 3,
        recurringSameVehicle: 2,
      });
      expect((await month()).recurring).toHaveLength(3);
    });

    it('exports every list as CSV and XLSX through one module: content type, file name, rows', async () => {
      const lists = [
        ['/api/tickets?', 'tickets'],
        ['/api/desk/calls?', 'calls'],
        ['/api/complaints?', 'complaints'],
        ['/api/callbacks/due?day=2026-09-30&', 'callbacks-due-2026-09-30'],
        ['/api/service-points/league?from=2026-09-01&to=2026-09-30&', 'league-2026-09-01-2026-09-30'],
        [`/api/customers?q=${encodeURIComponent('豫')}&`, 'customers'],
        ['/api/settlements?from=2026-09-01&to=2026-09-30&', 'settlements-2026-09-01-2026-09-30'],
        ['/api/reports/periodic?period=2026-09&part=recurring&', 'service-report-2026-09-recurring'],
        ['/api/install-progress?day=2026-09-10&', 'install-progress-2026-09-10'],
        ['/api/reports/periodic?period=2026-W37&part=desk&', 'service-report-2026-W37-desk'],
        ['/api/reports/periodic?period=2026-Q3&part=summary&', 'service-report-2026-Q3-summary'],
        ['/api/reports/service?month=2026-09&part=faults&', 'service-report-2026-09-faults'],
      ] as const;
      for (const [path, name] of lists) {
        const csv = await download('admin', `${path}format=csv`);
        expect(csv.response.status, path).toBe(200);
        expect(csv.response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
        expect(csv.response.headers.get('content-disposition')).toBe(`attachment; filename="${name}.csv"`);
        expect(csv.bytes.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
        const xlsx = await download('admin', `${path}format=xlsx`);
        expect(xlsx.response.status, path).toBe(200);
        expect(xlsx.response.headers.get('content-type')).toBe(
          'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        );
        expect(xlsx.response.headers.get('content-disposition')).toBe(`attachment; filename="${name}.xlsx"`);
        const sheet = await readXlsx(xlsx.bytes);
        // The same rows in both formats.
        const csvLines = csv.bytes.toString('utf8').trimEnd().split('\r\n');
        expect(sheet.header.join(','), path).toBe(csvLines[0]!.replace('\uFEFF', ''));
        expect(sheet.rows.length, path).toBe(csvLines.length - 1);
      }
      expect((await api.get('admin', '/api/tickets?format=pdf')).status).toBe(400);

      const tickets = await readXlsx((await download('admin', '/api/tickets?format=xlsx')).bytes);
      expect(tickets.rows).toHaveLength(17 + 4); // 17 repairs and the desk's 4 service tickets: the whole list, not a page
      const league = await readXlsx(
        (await download('admin', '/api/service-points/league?from=2026-09-01&to=2026-09-30&format=xlsx'))
          .bytes,
      );
      expect(column(league, 'code')).toEqual(['SP1', 'SP2']); // no breaches, complaints upheld or ratings: by id
      const settlements = await readXlsx(
        (await download('admin', '/api/settlements?from=2026-09-01&to=2026-09-30&format=xlsx')).bytes,
      );
      const gross = settlements.rows.find((row) => row[0] === 'inst-1' && row[1] === 'accepted');
      expect(gross?.[6]).toBe(16000); // two accepted and signed × 80.00 yuan; the unsigned one is not counted
    });

    it("a center user's export holds no other center's rows", async () => {
      const tickets = await readXlsx((await download('op1', '/api/tickets?format=xlsx')).bytes);
      expect(new Set(column(tickets, 'center_id'))).toEqual(new Set([1]));
      expect(tickets.rows).toHaveLength(16 + 3);
      const complaints = await readXlsx((await download('op1', '/api/complaints?format=xlsx')).bytes);
      expect(column(complaints, 'center_id')).toEqual([1]);
      const callbacks = await readXlsx(
        (await download('op1', '/api/callbacks/due?day=2026-09-30&format=xlsx')).bytes,
      );
      // Every closed ticket's callback and the monthly ones: center 1's vehicles only.
      expect(new Set(column(callbacks, 'plate'))).toEqual(new Set(['豫A10001', '豫A10002', '豫A10003']));
      const all = await readXlsx(
        (await download('admin', '/api/callbacks/due?day=2026-09-30&format=xlsx')).bytes,
      );
      expect(column(all, 'plate')).toContain('豫C50005');
      const customers = await readXlsx(
        (await download('op1', `/api/customers?q=${encodeURIComponent('豫')}&format=xlsx`)).bytes,
      );
      expect(column(customers, 'plate')).toEqual(['豫A10001', '豫A10002', '豫A10003', '豫A10004']);
      const league = await readXlsx(
        (await download('op1', '/api/service-points/league?from=2026-09-01&to=2026-09-30&format=xlsx')).bytes,
      );
      expect(column(league, 'code')).toEqual(['SP1']);
      const settlements = await readXlsx(
        (await download('sp1', '/api/settlements?from=2026-09-01&to=2026-09-30&format=xlsx')).bytes,
      );
      expect(new Set(column(settlements, 'installer'))).toEqual(new Set(['inst-1']));
      const calls = (await download('op1', '/api/desk/calls?format=csv')).bytes.toString('utf8');
      expect(calls).not.toContain('豫C50005');
      const progress = await readXlsx(
        (await download('op1', '/api/install-progress?day=2026-09-10&format=xlsx')).bytes,
      );
      expect(column(progress, 'center')).toEqual([1, 'province']);
    });

    it('masks the archive in its export and neutralises formulas in both formats', async () => {
      const customers = await readXlsx(
        (await download('admin', `/api/customers?q=${encodeURIComponent('豫A1000')}&format=xlsx`)).bytes,
      );
      expect(column(customers, 'owner_name')[0]).toBe('张**');
      expect(column(customers, 'owner_phone')[0]).toBe('138****1111');
      expect(column(customers, 'phone')[0]).toBe('139****0001');
      // Vehicle 3's owner "name" is a formula: masked it is no longer one, but the complaint's is.
      const complaints = await download('admin', '/api/complaints?format=xlsx');
      const sheet = await readXlsx(complaints.bytes);
      const description = sheet.sheet
        .getRow(2 + column(sheet, 'description').indexOf("'=1+2"))
        .getCell(sheet.header.indexOf('description') + 1);
      expect(description.value).toBe("'=1+2");
      expect(description.type).toBe(ExcelJS.ValueType.String);
      let formulas = 0;
      sheet.sheet.eachRow((row) =>
        row.eachCell((cell) => void (cell.type === ExcelJS.ValueType.Formula && formulas++)),
      );
      expect(formulas).toBe(0);
      const csv = (await download('admin', '/api/complaints?format=csv')).bytes.toString('utf8');
      expect(csv).toContain(",'=1+2,");
      expect(csv).not.toMatch(/,=1\+2,/);
    });

    it('gives the work order and the acceptance sheet their data, owner masked, in scope', async () => {
      const { rows } = await pool.query(
        `SELECT id FROM tickets WHERE vehicle_id = 1 AND kind = 'repair' ORDER BY opened_at LIMIT 1`,
      );
      const id = rows[0].id;
      const desk = await api.get('desk', `/api/tickets/${id}/work-order`);
      expect(desk.status).toBe(200);
      expect(desk.body).toMatchObject({
        plate: '豫A10001',
        ownerName: '张**',
        ownerPhone: '138****1111',
        phone: '13900000001', // the SIM in full for the desk, as on the ticket's detail
        servicePoint: '郑州服务站',
        centerName: '郑州中心',
        printedBy: 'desk',
      });
      expect((await api.get('sp1', `/api/tickets/${id}/work-order`)).body.phone).toBe('139****0001');
      const other = (await pool.query(`SELECT id FROM tickets WHERE vehicle_id = 5 LIMIT 1`)).rows[0].id;
      expect((await api.get('op1', `/api/tickets/${other}/work-order`)).status).toBe(404);
      expect((await api.get('viewer', `/api/tickets/${id}/work-order`)).status).toBe(403);

      const sheet = await api.get('sp1', '/api/installations/1/acceptance-sheet');
      expect(sheet.status).toBe(200);
      expect(sheet.body).toMatchObject({
        id: '1',
        plate: '豫A10001',
        vin: 'LVIN0000000000001',
        ownerName: '张**',
        installer: 'inst-1',
        installerName: '王师傅',
        serial: 'SN1',
        plannedOn: '2026-09-02',
      });
      expect((await api.get('sp1', '/api/installations/5/acceptance-sheet')).status).toBe(404);
      expect((await api.get('op1', '/api/installations/999/acceptance-sheet')).status).toBe(404);
      expect((await api.get('op1', '/api/installations/x/acceptance-sheet')).status).toBe(400);
    });

    it('install progress: plan against installed, checked-in and accepted, per center and province', async () => {
      // Before any plan: the counts, no target.
      const bare = (await api.get('admin', '/api/install-progress?day=2026-09-10')).body;
      expect(bare.centers[0]).toMatchObject({
        center: 1,
        installed: 3,
        checkedIn: 2,
        accepted: 2,
        target: null,
      });

      expect(
        (
          await api.put('op1', '/api/install-plans/1', {
            target: 10,
            startsOn: '2026-09-01',
            dueOn: '2026-09-30',
          })
        ).status,
      ).toBe(200);
      expect(
        (
          await api.put('admin', '/api/install-plans/2', {
            target: 4,
            startsOn: '2026-09-01',
            dueOn: '2026-10-31',
          })
        ).status,
      ).toBe(200);
      const progress = (await api.get('admin', '/api/install-progress?day=2026-09-10')).body;
      expect(progress.day).toBe('2026-09-10');
      expect(progress.centers).toEqual([
        {
          center: 1,
          target: 10,
          startsOn: '2026-09-01',
          dueOn: '2026-09-30',
          installed: 3,
          checkedIn: 2,
          accepted: 2, // vehicle 3 accepted without the owner's signature; vehicle 4 not yet
          expected: 3,
          behind: 1,
          remaining: 8,
          rate: 0.2, // 10 × 10/30 days
          workingDaysLeft: 15,
          neededPerDay: 1,
          overdue: false, // 10–30 September, Monday to Friday
        },
        {
          center: 2,
          target: 4,
          startsOn: '2026-09-01',
          dueOn: '2026-10-31',
          installed: 1,
          checkedIn: 1,
          accepted: 1,
          expected: 0,
          behind: 0,
          remaining: 3,
          rate: 0.25, // 4 × 10/61 days rounds down to 0
          workingDaysLeft: 37,
          neededPerDay: 1,
          overdue: false,
        },
        {
          center: 'province',
          target: 14,
          startsOn: '2026-09-01',
          dueOn: '2026-10-31',
          installed: 4,
          checkedIn: 3,
          accepted: 3,
          expected: 3,
          behind: 0,
          remaining: 11,
          rate: 0.2143,
          workingDaysLeft: 37,
          neededPerDay: 1,
          overdue: false,
        },
      ]);
      // Later: vehicle 3 registered on the 21st, vehicle 4 was installed on the 20th; past the due date, overdue.
      const after = (await api.get('op1', '/api/install-progress?day=2026-10-08')).body.centers;
      expect(after).toHaveLength(2);
      expect(after[0]).toMatchObject({
        installed: 4,
        checkedIn: 3,
        accepted: 2,
        expected: 10,
        behind: 8,
        workingDaysLeft: 0,
        neededPerDay: null,
        overdue: true,
      });

      // Guards: another center's plan, another role, bad bodies.
      expect(
        (
          await api.put('op1', '/api/install-plans/2', {
            target: 1,
            startsOn: '2026-09-01',
            dueOn: '2026-09-30',
          })
        ).status,
      ).toBe(404);
      expect(
        (
          await api.put('sp1', '/api/install-plans/1', {
            target: 1,
            startsOn: '2026-09-01',
            dueOn: '2026-09-30',
          })
        ).status,
      ).toBe(403);
      expect(
        (
          await api.put('desk', '/api/install-plans/1', {
            target: 1,
            startsOn: '2026-09-01',
            dueOn: '2026-09-30',
          })
        ).status,
      ).toBe(403);
      expect(
        (
          await api.put('admin', '/api/install-plans/1', {
            target: 1,
            startsOn: '2026-09-30',
            dueOn: '2026-09-01',
          })
        ).status,
      ).toBe(400);
      expect(
        (
          await api.put('admin', '/api/install-plans/1', {
            target: 0,
            startsOn: '2026-09-01',
            dueOn: '2026-09-30',
          })
        ).status,
      ).toBe(400);
      expect(
        (
          await api.put('admin', '/api/install-plans/1', {
            target: 1,
            startsOn: '2026-02-30',
            dueOn: '2026-09-30',
          })
        ).status,
      ).toBe(400);
      expect(
        (
          await api.put('admin', '/api/install-plans/99', {
            target: 1,
            startsOn: '2026-09-01',
            dueOn: '2026-09-30',
          })
        ).status,
      ).toBe(404);
      expect((await api.get('admin', '/api/install-progress?day=2026-13-01')).status).toBe(400);
      const kept = await pool.query('SELECT target, updated_by FROM install_plans WHERE center_id = 1');
      expect(kept.rows).toEqual([{ target: 10, updated_by: 'op1' }]);
    });
  },
);
