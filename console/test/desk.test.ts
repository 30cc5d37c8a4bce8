import { saveUser } from '@jt808/api';
import { browserMissing, newPage, screenshot, signIn } from '@jt808/test-support/browser';
import { hasPostgres } from '@jt808/test-support/postgres';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { today } from '../src/pages/desk/desk-api.js';
import { Stack } from './stack.js';

/** The service desk's pages in a real browser against the real platform. */
describe.skipIf(!hasPostgres || browserMissing !== undefined)('the service desk in chromium', () => {
  const stack = new Stack();
  let browser: Browser;
  let page: Page;
  const desk = { username: 'desk1', password: 'desk1-secret' };

  beforeAll(async () => {
    await stack.start();
    await saveUser(stack.pool, { ...desk, role: 'desk', centerIds: 'all' });
    await stack.pool.query(
      `UPDATE vehicles SET owner_name = '张三丰', owner_phone = '13800001111' WHERE plate = '豫A10001'`,
    );
    ({ browser, page } = await stack.signedInPage(desk));
  }, 120_000);
  afterAll(() => stack.stop());

  it('intake → ticket → closed → callback', async () => {
    // The desk lands on the intake form.
    const form = page.getByTestId('intake-form');
    await form.waitFor();
    await form.locator('input[name=callerName]').fill('张三丰');
    await form.locator('input[name=callerPhone]').fill('13800001111');
    await form.locator('input[name=plate]').fill('豫A10001');
    await form.locator('select[name=category]').selectOption('consultation');
    await form.locator('input[name=answeredOnCall]').check();
    await form.locator('textarea[name=description]').fill('怎么查看轨迹回放');
    await page.getByTestId('intake-submit').click();
    const result = page.getByTestId('intake-result');
    await expect.poll(() => result.textContent()).toMatch(/已解答并关闭工单 #\d+/);
    const ticketId = (await result.textContent())!.match(/#(\d+)/)![1]!;

    // A hardware fault on another vehicle opens a ticket with its clocks.
    await form.locator('input[name=plate]').fill('豫A10002');
    await form.locator('select[name=category]').selectOption('hardware');
    await form.locator('select[name=severity]').selectOption('1');
    await form.locator('textarea[name=description]').fill('屏幕不亮');
    await page.getByTestId('intake-submit').click();
    await expect.poll(() => result.textContent()).toMatch(/已生成工单 #\d+/);
    expect(await page.getByTestId('clock-spare-parts').count()).toBe(1);
    await screenshot(page, 'desk-intake');

    // The answered consultation, closed three days ago, is due for its callback.
    await stack.pool.query(`UPDATE tickets SET closed_at = now() - interval '3 days' WHERE id = $1`, [
      ticketId,
    ]);
    await page.getByTestId('desk-callbacks').click();
    const row = page.locator('[data-testid^=callback-]').filter({ hasText: `#${ticketId}` });
    await expect.poll(() => row.count()).toBe(1);
    expect(await row.textContent()).toContain('138****1111'); // masked in the list
    await row.locator('select').selectOption('2');
    await row.locator('input').first().fill('解答太慢');
    await row.locator('button').click();
    await expect.poll(() => row.textContent()).toContain('已上报主管');
    const { rows } = await stack.pool.query('SELECT satisfaction FROM tickets WHERE id = $1', [ticketId]);
    expect(rows[0].satisfaction).toBe(2);
  });

  it('shows a settlement with its deductions, to the fen', async () => {
    await stack.pool.query(
      `INSERT INTO installers (code, name, service_point_id) VALUES ('inst-a', '安装队甲', 1)`,
    );
    await stack.pool.query(
      `INSERT INTO installer_contracts (installer, name, service_point_id, fee_fen) VALUES ('inst-a', '安装队甲', 1, 12399)`,
    );
    await stack.pool.query(
      `INSERT INTO installations (vehicle_id, installer, service_point_id, planned_on, accepted_at, owner_signed_at) VALUES
         (1, 'inst-a', 1, '2026-11-02', '2026-11-02T10:00:00+08', '2026-11-02T10:05:00+08'),
         (2, 'inst-a', 1, '2026-11-02', '2026-11-04T10:00:00+08', '2026-11-04T10:05:00+08')`,
    );
    await stack.pool.query(
      `INSERT INTO complaints (source, vehicle_id, center_id, description, opened_at, due_at, answered_at, finding, measures,
                               charged_installer, created_by)
       VALUES ('desk', 1, 1, '安装不规范', '2026-11-20T09:00:00+08', '2026-11-21T09:00:00+08', '2026-11-20T15:00:00+08',
               'upheld', '返工', 'inst-a', 'desk1')`,
    );
    // The desk role has no settlements (403); an administrator does.
    const admin = await newPage(browser);
    admin.setDefaultTimeout(15_000);
    await signIn(admin, stack.url, { username: 'admin', password: 'admin-secret' });
    await admin.goto(`${stack.url}/#/desk/settlements`);
    await admin.locator('input[name=from]').fill('2026-11-01');
    await admin.locator('input[name=to]').fill('2026-11-30');
    await admin.getByTestId('settlements-query').click();
    const card = admin.getByTestId('settlement-inst-a');
    // 2 × 123.99 = 247.98; late on 3 and 4 November and one upheld complaint: 3 × 5% = 3 × 12.40.
    await expect.poll(() => card.getByTestId('gross').textContent()).toBe('247.98');
    expect(await card.locator('tr.deduction').count()).toBe(3);
    expect(await card.getByTestId('net').textContent()).toBe('210.78');
    const csv = await admin.request.get(
      `${stack.url}${await admin.getByTestId('settlements-csv').getAttribute('href')}`,
    );
    expect(await csv.text()).toContain('inst-a,net,,,,,21078,210.78,');
    await screenshot(admin, 'desk-settlement');
    await admin.context().close();

    // The service point reads its own installers' settlements, and nothing else of the desk.
    const point = await newPage(browser);
    point.setDefaultTimeout(15_000);
    await signIn(point, stack.url, { username: 'sp1', password: 'sp1-secret' });
    await point.goto(`${stack.url}/#/desk`);
    await point.getByTestId('desk-settlements').waitFor();
    expect(await point.locator('nav.tabs a').allTextContents()).toEqual(['安装结算']);
    await point.locator('input[name=from]').fill('2026-11-01');
    await point.locator('input[name=to]').fill('2026-11-30');
    await point.getByTestId('settlements-query').click();
    await expect
      .poll(() => point.getByTestId('settlement-inst-a').getByTestId('net').textContent())
      .toBe('210.78');
    await point.goto(`${stack.url}/#/desk/intake`); // another tab's address shows the settlements
    await point.getByTestId('settlements-query').waitFor();
    expect(await point.getByTestId('intake-form').count()).toBe(0);
    await point.context().close();
  });
  it('opens a customer archive masked, shows it in full on request and records who looked', async () => {
    await stack.pool.query(
      `INSERT INTO enterprises (id, code, name, contact, phone) VALUES (1, 'E1', '郑州物流', '李四', '037112345678')`,
    );
    await stack.pool.query(
      `UPDATE vehicles SET enterprise_id = 1, owner_id_number = '410101199001011234' WHERE plate = '豫A10001'`,
    );
    await stack.pool.query(`UPDATE vehicles SET enterprise_id = 1 WHERE plate = '豫A10002'`);
    await stack.pool.query(
      `UPDATE terminals SET maker = 'M1', model = 'X1', terminal_id = 'SN0001' WHERE phone = '13900000001'`,
    );
    await stack.pool.query(
      `INSERT INTO owner_contracts (number, kind, enterprise_id, signed_on, starts_on, ends_on, vehicles_covered,
                                    fee_per_vehicle_fen, created_by)
       VALUES ('HT-2025-001', 'installation', 1, '2025-01-05', '2025-01-10', '2025-12-31', 2, 15000, 'admin')`,
    );

    // Found by plate on the customers tab, the archive opens with personal data masked.
    await page.goto(`${stack.url}/#/desk/customers`);
    await page.locator('input[name=q]').fill('豫A10001');
    await page.getByTestId('customer-search').click();
    await page.getByTestId('customer-1').click();
    await expect.poll(() => page.getByTestId('owner-phone').textContent()).toBe('138****1111');
    expect(await page.getByTestId('owner-id-number').textContent()).toBe('4101**********1234');
    expect(await page.getByTestId('enterprise-contact').textContent()).toBe('李* 037*****5678');
    const vehicles = page.getByTestId('customer-vehicles');
    expect(await vehicles.locator('tbody tr').count()).toBe(2); // the enterprise's two vehicles
    expect(await vehicles.locator('tbody tr').first().textContent()).toMatch(
      /豫A10001\s*M1\s*X1\s*SN0001\s*139\*\*\*\*0001/,
    );
    const views = async () =>
      (
        await stack.pool.query(
          `SELECT username, subject_id FROM personal_data_views WHERE subject = 'vehicle-owner' ORDER BY at`,
        )
      ).rows;
    expect(await views()).toEqual([]);

    // "Show in full": the platform records the desk user who looked.
    await page.getByTestId('show-full').click();
    await expect.poll(() => page.getByTestId('owner-phone').textContent()).toBe('13800001111');
    expect(await page.getByTestId('owner-id-number').textContent()).toBe('410101199001011234');
    expect(await vehicles.getByTestId('sim').first().textContent()).toBe('13900000001');
    expect(await page.getByTestId('full-notice').isVisible()).toBe(true);
    expect(await views()).toEqual([{ username: 'desk1', subject_id: '1' }]);

    // A contract recorded on the page, the fee typed in yuan: 2 × 360.50 = 721.00.
    const form = page.getByTestId('contract-form');
    await form.locator('input[name=number]').fill('HT-2026-100');
    await form.locator('select[name=kind]').selectOption('data-service');
    await form.locator('input[name=signedOn]').fill('2026-01-05');
    await form.locator('input[name=startsOn]').fill('2026-01-10');
    await form.locator('input[name=endsOn]').fill('2099-12-31');
    await form.locator('input[name=vehiclesCovered]').fill('2');
    await form.locator('input[name=fee]').fill('360.5');
    await page.getByTestId('contract-submit').click();
    const contract = page.getByTestId('contract-HT-2026-100');
    await expect.poll(() => contract.count()).toBe(1);
    expect(await contract.textContent()).toMatch(
      /数据服务\s*企业\s*2026-01-05.*2\s*360\.50\s*721\.00\s*有效/,
    );
    expect(await page.getByTestId('contract-HT-2025-001').textContent()).toContain('已到期');
    const { rows } = await stack.pool.query(
      `SELECT enterprise_id, fee_per_vehicle_fen, created_by FROM owner_contracts WHERE number = 'HT-2026-100'`,
    );
    expect(rows).toEqual([{ enterprise_id: 1, fee_per_vehicle_fen: 36_050, created_by: 'desk1' }]);

    // The timeline, newest first: the old contract's end comes before its signature.
    const timeline = page.getByTestId('customer-timeline');
    await expect.poll(() => timeline.locator('tr[data-what=contract]').count()).toBe(3);
    const contractEvents = await timeline.locator('tr[data-what=contract] td.summary').allTextContents();
    expect(contractEvents).toEqual([
      'HT-2026-100 data-service signed',
      'HT-2025-001 installation ended',
      'HT-2025-001 installation signed',
    ]);
    await screenshot(page, 'desk-customer');

    // The call log leads to the same archive (the first test's calls were about 豫A10001 and 豫A10002).
    await page.getByTestId('desk-calls').click();
    await page.locator('input[name=q]').fill('豫A10001');
    await page.locator('input[name=q]').press('Enter');
    const links = page.getByTestId('call-customer');
    await expect.poll(() => links.allTextContents()).toEqual(['豫A10001']);
    expect(await links.first().getAttribute('href')).toBe('#/desk/customers/1');
  });

  it("leads from a vehicle to its owner's archive and back, only for roles that have the archive", async () => {
    // The desk follows the link on 豫A10001 (owner 张三丰) to the owner's archive…
    await page.goto(`${stack.url}/#/vehicles/1`);
    await page.getByTestId('owner-archive').click();
    await expect.poll(() => page.getByTestId('owner-name').textContent()).toBe('张**');
    expect(new URL(page.url()).hash).toBe('#/desk/customers/1');
    // …and from the archive's list of vehicles back to the vehicle.
    await page.getByTestId('customer-vehicles').getByRole('link', { name: '豫A10001' }).click();
    await page.getByRole('heading', { name: '豫A10001' }).waitFor();
    expect(new URL(page.url()).hash).toBe('#/vehicles/1');

    // A viewer sees the vehicle but has no service desk (it would be sent away): no link.
    const viewer = { username: 'viewer1', password: 'viewer1-secret' };
    await saveUser(stack.pool, { ...viewer, role: 'viewer', centerIds: 'all' });
    const other = await newPage(browser);
    other.setDefaultTimeout(15_000);
    await signIn(other, stack.url, viewer);
    await other.goto(`${stack.url}/#/vehicles/1`);
    await other.getByRole('heading', { name: '豫A10001' }).waitFor();
    expect(await other.getByTestId('owner-archive').count()).toBe(0);
    await other.context().close();
    // Nor a service point (it sees the vehicle through its ticket): its desk page is its installers'
    // settlements, not the archive.
    await stack.openTicket('repair', 1, 1);
    const point = await newPage(browser);
    point.setDefaultTimeout(15_000);
    await signIn(point, stack.url, { username: 'sp1', password: 'sp1-secret' });
    await point.goto(`${stack.url}/#/vehicles/1`);
    await point.getByRole('heading', { name: '豫A10001' }).waitFor();
    expect(await point.getByTestId('owner-archive').count()).toBe(0);
    await point.context().close();
  });

  it('charts the monthly report with the seeded figures against their targets', async () => {
    // October 2026, center 1: three verified repairs (M1 X1 twice, antenna; M2 Y1 once, power),
    // dispatched after 1, 2 and 3 h, resolved after 4, 8 and 6 h, verified 2 h later; one breached.
    await stack.pool.query(
      `UPDATE terminals SET maker = CASE WHEN phone = '13900000003' THEN 'M2' ELSE 'M1' END,
                            model = CASE WHEN phone = '13900000003' THEN 'Y1' ELSE 'X1' END
        WHERE phone IN ('13900000001', '13900000002', '13900000003')`,
    );
    const repairs = [
      { vehicle: 1, day: 5, dispatch: 1, repair: 4, cause: 'antenna', breaches: '{}' },
      { vehicle: 2, day: 6, dispatch: 2, repair: 8, cause: 'antenna', breaches: '{onsite}' },
      { vehicle: 3, day: 7, dispatch: 3, repair: 6, cause: 'power', breaches: '{}' },
    ];
    const ticketIds: string[] = [];
    for (const r of repairs) {
      const opened = `2026-10-0${r.day}T10:00:00+08:00`;
      const { rows } = await stack.pool.query<{ id: string }>(
        `INSERT INTO tickets (kind, phone, vehicle_id, center_id, state, reason, opened_at, response_due, onsite_due,
                              service_point_id, breaches, fault_cause, resolved_at, verified_at, closed_at, close_reason)
         SELECT 'repair', t.phone, $1, 1, 'closed', 'offline', $2::timestamptz, $2::timestamptz + interval '2 hours',
                $2::timestamptz + interval '1 day', 1, $3::text[], $4, $2::timestamptz + make_interval(hours => $5),
                $2::timestamptz + make_interval(hours => $5 + 2), $2::timestamptz + make_interval(hours => $5 + 2), 'verified'
           FROM terminals t WHERE t.vehicle_id = $1 RETURNING id`,
        [r.vehicle, opened, r.breaches, r.cause, r.repair],
      );
      ticketIds.push(rows[0]!.id);
      await stack.pool.query(
        `INSERT INTO ticket_events (ticket_id, at, actor, from_state, to_state)
         VALUES ($1, $2::timestamptz + make_interval(hours => $3), 'sp1', 'classified', 'dispatched')`,
        [rows[0]!.id, opened, r.dispatch],
      );
    }
    // Callbacks: three due, two made (5 and 3): callback rate 2/3, satisfaction 1/2.
    await stack.pool.query(
      `INSERT INTO callbacks (kind, ticket_id, vehicle_id, center_id, service_point_id, due_at, done_at, satisfaction)
       SELECT 'ticket', id, vehicle_id, 1, 1, opened_at + interval '1 day',
              CASE WHEN id <> $1 THEN opened_at + interval '1 day' END,
              CASE WHEN id = $2 THEN 5 WHEN id = $3 THEN 3 END
         FROM tickets WHERE id = ANY ($4::bigint[])`,
      [ticketIds[2], ticketIds[0], ticketIds[1], ticketIds],
    );
    // Missed clocks: the first repair's fitter arrived 30 minutes after the appointment, the second's
    // quote was told a day late.
    await stack.pool.query(
      `UPDATE tickets SET appointment_at = opened_at + interval '1 hour', arrived_at = opened_at + interval '90 minutes'
        WHERE id = $1`,
      [ticketIds[0]],
    );
    await stack.pool.query(
      `INSERT INTO service_clocks (ticket_id, clock, due_at, met_at)
       VALUES ($1, 'quote', '2026-10-08T10:00:00+08', '2026-10-09T10:00:00+08')`,
      [ticketIds[1]],
    );
    // Center 2: an installer held to 2 a working day (22 working days in October: 44), 2 accepted.
    await stack.pool.query(
      `INSERT INTO installers (code, name, service_point_id) VALUES ('inst-b', '安装队乙', 2)`,
    );
    await stack.pool.query(
      `INSERT INTO installer_contracts (installer, name, service_point_id, fee_fen, min_per_day) VALUES ('inst-b', '安装队乙', 2, 10000, 2)`,
    );
    await stack.pool.query(
      `INSERT INTO installations (vehicle_id, installer, service_point_id, planned_on, accepted_at, owner_signed_at) VALUES
         (4, 'inst-b', 2, '2026-10-12', '2026-10-12T10:00:00+08', '2026-10-12T10:05:00+08'),
         (5, 'inst-b', 2, '2026-10-13', '2026-10-13T10:00:00+08', '2026-10-13T10:05:00+08')`,
    );

    await page.goto(`${stack.url}/#/desk/report`);
    await page.locator('input[name=month]').fill('2026-10');
    await page.getByTestId('report-query').click();
    const label = (chart: string) => page.getByTestId(chart).locator('svg').getAttribute('aria-label');
    // The province (everything the desk sees) is shown first.
    await expect.poll(() => label('chart-models')).toBe('故障数（按厂商/型号）: M1 X1 2, M2 Y1 1');
    expect(await label('chart-causes')).toBe('故障数（按原因）: antenna 2, power 1');
    expect(await label('chart-hours')).toBe(
      '平均时长（小时）: 平均响应（时） 2.0, 平均修复（时） 6.0, 平均验证（时） 2.0',
    );
    expect(await label('chart-rates')).toBe(
      '达标率、回访率、满意率: 时限达标率 66.7%, 回访率 66.7% / 100.0%, 满意率 50.0% / 98.0%',
    );
    // The values are on the chart as text, and the two targets as lines.
    expect(await page.getByTestId('chart-models').locator('text.value').allTextContents()).toEqual([
      '2',
      '1',
    ]);
    expect(await page.getByTestId('chart-rates').locator('line.target').count()).toBe(2);
    expect(await label('chart-missed')).toBe('超时与迟到: 迟到 1, 巡检报告逾期 0, 报价超时 1, 返修超时 0');
    expect(await page.getByTestId('report-missed').allTextContents()).toEqual(
      expect.arrayContaining(['1 / 0 / 1 / 0']),
    );
    await screenshot(page, 'desk-report');

    // Center 2 alone: its installations against the contract.
    await page.getByTestId('report-center').selectOption({ label: '2' });
    await expect.poll(() => label('chart-output')).toBe('安装产能（验收/合同）: 安装（验收/合同） 2 / 44');
    expect(await label('chart-models')).toBe('故障数（按厂商/型号）');
    expect(await page.getByTestId('report-csv').getAttribute('href')).toBe(
      '/api/reports/service?month=2026-10&format=csv',
    );
    expect(await page.getByTestId('report-xlsx').getAttribute('href')).toBe(
      '/api/reports/service?month=2026-10&format=xlsx',
    );
  });

  it('records a complaint about a ticket, answers it upheld with measures, an owner and a deadline', async () => {
    // A repair of center 1 and an installer under contract with its service point, to charge.
    const ticketId = await stack.openTicket('repair', 3, 1);
    await stack.pool.query(
      `INSERT INTO installers (code, name, service_point_id) VALUES ('inst-c', '安装队丙', 1)`,
    );
    await stack.pool.query(
      `INSERT INTO installer_contracts (installer, name, service_point_id, fee_fen, min_per_day) VALUES ('inst-c', '安装队丙', 1, 8000, 1)`,
    );
    await page.goto(`${stack.url}/#/desk/complaints`);
    await page.locator('input[name=ticketId]').fill(ticketId);
    await page.locator('input[name=description]').fill('师傅未按约定时间到场');
    await page.getByRole('button', { name: '登记', exact: true }).click();
    const row = page.getByTestId('complaints').locator('tr').filter({ hasText: '师傅未按约定时间到场' });
    await expect.poll(() => row.count()).toBe(1);
    expect(await row.textContent()).toContain(`#${ticketId}`);

    await row.getByRole('button', { name: '答复' }).click();
    const form = page.getByTestId('complaint-answer');
    await form.getByLabel('结论').selectOption('upheld');
    await form.getByLabel('处理措施').fill('约谈安装队，重新培训');
    await form.getByLabel('责任安装人员').fill('inst-c');
    await form.locator('input[name=measuresOwner]').fill('王站长');
    await form.locator('input[name=measuresDue]').fill(today());
    await form.getByRole('button', { name: '保存' }).click();
    // Answered, it leaves the open list; the whole list shows it with its finding.
    await expect.poll(() => row.count()).toBe(0);
    await page.getByRole('button', { name: '全部', exact: true }).click();
    await expect.poll(async () => (await row.count()) && ((await row.textContent()) ?? '')).toContain('属实');
    const complaintId = ((await row.locator('td').first().textContent()) ?? '').replace('#', '');
    const measures = page.getByTestId(`measures-${complaintId}`);
    expect(await measures.textContent()).toContain(`王站长 · 整改期限 ${today()}`);
    expect(await measures.textContent()).not.toContain('整改逾期'); // due today: not yet overdue

    // The answer schedules the complaint's own follow-up call and charges the installer.
    const { rows } = await stack.pool.query(
      `SELECT c.finding, c.charged_installer, cb.kind FROM complaints c JOIN callbacks cb ON cb.complaint_id = c.id WHERE c.id = $1`,
      [complaintId],
    );
    expect(rows).toEqual([{ finding: 'upheld', charged_installer: 'inst-c', kind: 'complaint' }]);
  });
});
