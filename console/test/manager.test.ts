import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runAfterSalesRound } from '@jt808/after-sales';
import { saveUser } from '@jt808/api';
import {
  ARTIFACTS,
  browserMissing,
  launchBrowser,
  newPage,
  screenshot,
  signIn,
} from '@jt808/test-support/browser';
import { hasPostgres } from '@jt808/test-support/postgres';
import ExcelJS from 'exceljs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED, Stack } from './stack.js';

/** A local date `n` days from today (Asia/Shanghai). */
const localDay = (n = 0) => new Date(Date.now() + 8 * 3_600_000 + n * 86_400_000).toISOString().slice(0, 10);

/**
 * What a center's manager reads and hands on, in a real browser against the real platform: install
 * progress on the dashboard with a plan set there, the periodic report with its recurring warning,
 * the export buttons' files, and the printed work order and acceptance sheet.
 */
describe.skipIf(!hasPostgres || browserMissing !== undefined)('manager pages in chromium', () => {
  const stack = new Stack();
  let browser: Browser;
  const desk = { username: 'desk1', password: 'desk1-secret' };
  let ticketId = '';

  const pageOf = async (user: { username: string; password: string }): Promise<Page> => {
    const page = await newPage(browser);
    page.setDefaultTimeout(20_000);
    await signIn(page, stack.url, user);
    return page;
  };

  /** Clicks a download button and reads the file it gives back with exceljs. */
  const downloadXlsx = async (page: Page, testid: string) => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testid).click()]);
    const workbook = new ExcelJS.Workbook();
    // exceljs types its input as its own Buffer (an ArrayBuffer); Node's Buffer is what it reads.
    await workbook.xlsx.load(readFileSync((await download.path())!) as unknown as ExcelJS.Buffer);
    const rows: ExcelJS.CellValue[][] = [];
    workbook.worksheets[0]!.eachRow((row) => rows.push((row.values as ExcelJS.CellValue[]).slice(1)));
    return { name: download.suggestedFilename(), header: rows[0] as string[], rows: rows.slice(1) };
  };

  beforeAll(async () => {
    await stack.start();
    await saveUser(stack.pool, { ...desk, role: 'desk', centerIds: 'all' });
    await stack.pool.query(
      `UPDATE vehicles SET owner_name = '张三丰', owner_phone = '13800001111' WHERE id = 1`,
    );
    await stack.pool.query(`UPDATE terminals SET maker = 'M1', model = 'X1', terminal_id = 'SN0001'`);
    await stack.pool.query(
      `INSERT INTO installers (code, name, service_point_id) VALUES ('inst-a', '王师傅', 1)`,
    );
    // Center 1 this month: vehicles 1 and 2 installed, accepted and signed; vehicle 3 installed
    // only. Center 2: vehicle 4 installed.
    await stack.pool.query(
      `INSERT INTO installations (id, vehicle_id, terminal_phone, installer, service_point_id, planned_on, done_at, accepted_at, owner_signed_at) VALUES
         (1, 1, '13900000001', 'inst-a', 1, $1, now() - interval '3 days', now() - interval '2 days', now() - interval '2 days'),
         (2, 2, '13900000002', 'inst-a', 1, $1, now() - interval '3 days', now() - interval '2 days', now() - interval '2 days'),
         (3, 3, '13900000003', 'inst-a', 1, $1, now() - interval '1 day', NULL, NULL),
         (4, 4, '13900000004', NULL, 2, $1, now() - interval '1 day', NULL, NULL)`,
      [localDay(-3)],
    );
    // Repairs this month: the GNSS antenna three times on model X1, twice on 豫A10001.
    for (const vehicle of [1, 1, 2]) {
      const id = await stack.openTicket('repair', vehicle, 1);
      await stack.pool.query(
        `UPDATE tickets SET fault_cause = 'gnss-antenna', state = 'closed', closed_at = now(), close_reason = 'verified', installer = 'inst-a' WHERE id = $1`,
        [id],
      );
    }
    ticketId = await stack.openTicket('repair', 1, 1);
    await stack.pool.query(`UPDATE tickets SET installer = 'inst-a', state = 'dispatched' WHERE id = $1`, [
      ticketId,
    ]);
    // Vehicles 1 and 2 check in over TCP: registered, authenticated, a fix.
    await stack.terminal(SEED.vehicles[0].phone);
    await stack.terminal(SEED.vehicles[1].phone);
    browser = await launchBrowser();
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await stack.stop();
  }, 120_000);

  it("shows each center's install progress on the dashboard, with a plan an operator sets there", async () => {
    await expect
      .poll(
        async () =>
          (await stack.pool.query(`SELECT count(*)::int AS n FROM terminals WHERE registered_at IS NOT NULL`))
            .rows[0].n,
        { timeout: 20_000 },
      )
      .toBe(2);
    await expect
      .poll(
        async () =>
          (
            await stack.pool.query(
              `SELECT count(*)::int AS n FROM terminal_state WHERE last_fix_time IS NOT NULL`,
            )
          ).rows[0].n,
        { timeout: 20_000 },
      )
      .toBe(2);
    const page = await pageOf(SEED.users.operator);
    await page.goto(`${stack.url}/#/dashboard`);
    const own = page.getByTestId('progress-1');
    await own.waitFor();
    expect(await own.textContent()).toContain('未设计划');
    expect(await own.getByTestId('installed').textContent()).toBe('3');
    expect(await own.getByTestId('checked-in').textContent()).toBe('2');
    expect(await own.getByTestId('accepted').textContent()).toBe('2');
    // The operator sees their center only: no row of center 2.
    expect(await page.getByTestId('progress-2').count()).toBe(0);

    // A plan of 10 vehicles over 30 days, 10 of them gone by today: 3 due, 1 behind.
    await page.getByTestId('plan-edit-1').click();
    const form = page.getByTestId('plan-form');
    await form.locator('input[name=target]').fill('10');
    await form.locator('input[name=startsOn]').fill(localDay(-9));
    await form.locator('input[name=dueOn]').fill(localDay(20));
    await page.getByTestId('plan-save').click();
    await expect.poll(() => own.getByTestId('target').textContent()).toBe('10');
    expect(await own.getByTestId('expected').textContent()).toBe('3');
    expect(await own.getByTestId('behind').textContent()).toBe('1');
    expect(await own.getByTestId('needed').textContent()).toBe('1'); // 8 to go over 20-odd working days
    const province = page.getByTestId('progress-province');
    expect(await province.getByTestId('target').textContent()).toBe('10');
    expect(await province.getByTestId('accepted').textContent()).toBe('2');
    const { rows } = await stack.pool.query('SELECT target, updated_by FROM install_plans');
    expect(rows).toEqual([{ target: 10, updated_by: 'op1' }]);
    await page.getByTestId('install-progress').scrollIntoViewIfNeeded();
    await screenshot(page, 'manager-install-progress');

    // The administrator sees the province: both centers, center 2 without a plan.
    const admin = await pageOf(SEED.users.admin);
    await admin.goto(`${stack.url}/#/dashboard`);
    await admin.getByTestId('progress-2').waitFor();
    expect(await admin.getByTestId('progress-2').getByTestId('installed').textContent()).toBe('1');
    expect(await admin.getByTestId('progress-province').getByTestId('installed').textContent()).toBe('4');
  }, 120_000);

  it('reads the monthly report with its recurring warning and exports it and the league', async () => {
    const page = await pageOf(desk);
    // A web enquiry taken on the intake form, settled at once: the report counts it apart from calls.
    const form = page.getByTestId('intake-form');
    await form.waitFor();
    await form.locator('input[name=callerPhone]').fill('13600000000');
    await form.locator('input[name=plate]').fill('豫A10002');
    await form.locator('select[name=channel]').selectOption('web');
    await form.locator('select[name=category]').selectOption('consultation');
    await form.locator('input[name=answeredOnCall]').check();
    await form.locator('textarea[name=description]').fill('网上咨询：如何查看轨迹');
    await page.getByTestId('intake-submit').click();
    await page.getByTestId('intake-result').waitFor();
    await page.goto(`${stack.url}/#/desk/periodic`);
    await page.getByTestId('period').fill(localDay().slice(0, 7));
    await page.getByTestId('period-query').click();
    const warnings = page.getByTestId('recurring');
    await expect.poll(() => warnings.locator('tr.warning').count()).toBe(3); // center 1 rising and same vehicle, province rising
    const own = page.getByTestId('desk-1');
    await expect.poll(() => own.textContent()).toContain('郑州监控中心');
    // Calls 0, web enquiries 1, settled at once 1.
    expect(await own.locator('td').nth(1).textContent()).toBe('0');
    expect(await own.locator('td').nth(2).textContent()).toBe('1');
    expect(await own.locator('td').nth(3).textContent()).toBe('1');
    expect(await warnings.textContent()).toContain('同车重复');
    expect(await warnings.textContent()).toContain('豫A10001');
    await screenshot(page, 'manager-periodic-report');
    const recurring = await downloadXlsx(page, 'export-recurring-xlsx');
    expect(recurring.name).toBe(`service-report-${localDay().slice(0, 7)}-recurring.xlsx`);
    expect(recurring.rows.map((row) => row[recurring.header.indexOf('rule')])).toEqual([
      'rising',
      'same-vehicle',
      'rising',
    ]);
    const league = await downloadXlsx(page, 'export-league-xlsx');
    expect(league.rows.map((row) => row[league.header.indexOf('code')])).toEqual(['SP1', 'SP2']);

    // A week: the desk's figures and no warning.
    await page.getByTestId('period').fill('2026-W37');
    await page.getByTestId('period-query').click();
    await expect.poll(() => page.getByTestId('recurring').count()).toBe(0);
    await expect.poll(() => page.getByTestId('desk-province').count()).toBe(1);
  }, 120_000);

  it("gives a center's operator a tickets export of their center only", async () => {
    const page = await pageOf(SEED.users.operator);
    await page.goto(`${stack.url}/#/tickets`);
    const tickets = await downloadXlsx(page, 'tickets-xlsx');
    expect(tickets.name).toBe('tickets.xlsx');
    expect(tickets.rows).toHaveLength(5); // 4 repairs and the web enquiry's service ticket, all of center 1
    expect(new Set(tickets.rows.map((row) => row[tickets.header.indexOf('center_id')]))).toEqual(
      new Set([1]),
    );
  }, 120_000);

  it('prints the work order from the ticket page: plate, owner masked, signature lines', async () => {
    const page = await pageOf(desk);
    await page.goto(`${stack.url}/#/tickets/${ticketId}`);
    const [sheet] = await Promise.all([
      page.waitForEvent('popup'),
      page.getByTestId('print-work-order').click(),
    ]);
    sheet.setDefaultTimeout(20_000);
    await sheet.getByTestId('sheet-work-order').waitFor();
    expect(await sheet.getByTestId('sheet-plate').textContent()).toBe('豫A10001');
    expect(await sheet.getByTestId('sheet-owner').textContent()).toBe('张**');
    const signatures = await sheet.getByTestId('signatures').textContent();
    expect(signatures).toContain('维修人员签字');
    expect(signatures).toContain('车主签字');
    const text = await sheet.locator('article').textContent();
    expect(text).toContain('派工单');
    expect(text).toContain('王师傅');
    expect(text).not.toContain('13800001111'); // the owner's phone is masked on paper
    await sheet.emulateMedia({ media: 'print' });
    expect(await sheet.locator('header').isVisible()).toBe(false); // the console's header stays off the paper
    expect(await sheet.getByTestId('print').isVisible()).toBe(false);
    await sheet.setViewportSize({ width: 794, height: 1123 }); // A4 at 96 dpi
    await sheet.screenshot({ path: join(ARTIFACTS, 'print-work-order.png'), fullPage: true });
    const pdf = await sheet.pdf({ format: 'A4', path: join(ARTIFACTS, 'print-work-order.pdf') });
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
  }, 120_000);

  it("prints the acceptance sheet the owner signs, for the installation's service point", async () => {
    const page = await pageOf(SEED.users.service);
    await page.goto(`${stack.url}/#/print/acceptance/1`);
    await page.getByTestId('sheet-acceptance').waitFor();
    expect(await page.getByTestId('sheet-plate').textContent()).toBe('豫A10001');
    expect(await page.getByTestId('sheet-owner').textContent()).toBe('张**');
    const text = await page.locator('article').textContent();
    expect(text).toContain('安装验收单');
    expect(text).toContain('车主确认');
    expect(text).toContain('✓'); // online with a fix: ticked from the platform's own check-in
    expect(await page.getByTestId('signatures').textContent()).toMatch(
      /安装人员签字.*车主签字.*服务站（盖章）/,
    );
    await page.emulateMedia({ media: 'print' });
    await page.setViewportSize({ width: 794, height: 1123 });
    await page.screenshot({ path: join(ARTIFACTS, 'print-acceptance.png'), fullPage: true });
    await page.pdf({ format: 'A4', path: join(ARTIFACTS, 'print-acceptance.pdf') });
    // Another service point's installation is not theirs to print.
    await page.goto(`${stack.url}/#/print/acceptance/4`);
    await expect.poll(() => page.locator('.error, [role=alert]').count()).toBeGreaterThan(0);
    expect(await page.getByTestId('sheet-acceptance').count()).toBe(0);
  }, 120_000);

  it('a manager reads the league with every missed clock, and finds an escalation closed by the system', async () => {
    // Center 1 today (1 s after local midnight, so always within this month and past): SP1 arrives
    // 45 minutes after an appointment, a patrol report due is missing, a quote was 1 h late and a
    // repaired unit was not shipped back in time.
    const today = `${localDay()}T00:00:01+08:00`;
    await stack.pool.query(
      `UPDATE tickets SET state = 'on-site', service_point_id = 1, appointment_at = $2, arrived_at = $2::timestamptz + interval '45 minutes' WHERE id = $1`,
      [ticketId, today],
    );
    await stack.pool.query(
      `INSERT INTO patrol_inspections (center_id, service_point_id, vehicles, inspected_at, recorded_by, report_due)
       VALUES (1, 1, 3, $1::timestamptz - interval '5 days', 'sp1', $1)`,
      [today],
    );
    await stack.pool.query(
      `INSERT INTO service_clocks (ticket_id, clock, due_at, met_at) VALUES
         ($1, 'quote', $2, $2::timestamptz + interval '1 hour'), ($1, 'repair-ship', $2, NULL)`,
      [ticketId, today],
    );
    const page = await pageOf(SEED.users.operator);
    await page.goto(`${stack.url}/#/desk/periodic`);
    await page.getByTestId('period').fill(localDay().slice(0, 7));
    await page.getByTestId('period-query').click();
    const sp1 = page.getByTestId('league-SP1');
    await expect.poll(() => sp1.count()).toBe(1);
    const cells = async () => (await sp1.locator('td').allTextContents()).slice(-5);
    // Late arrivals, patrol reports late, quotes late, returns late, missed in all.
    await expect.poll(cells).toEqual(['1', '1', '1', '1', '4']);
    expect(await page.getByTestId('league').textContent()).toContain('巡检报告逾期');
    expect(await page.getByTestId('recurring-hint').textContent()).toContain('≥3 次');
    // The report's own row of center 1 counts them too.
    expect((await page.getByTestId('desk-1').locator('td').allTextContents()).slice(-4)).toEqual([
      '1',
      '1',
      '1',
      '1',
    ]);
    await page.getByTestId('league').scrollIntoViewIfNeeded();
    await screenshot(page, 'manager-league-missed-clocks');

    // A complaint of center 1 over its time: escalated, then answered by the desk, and the next
    // round closes the escalation by itself; the header's count drops.
    await stack.pool.query(
      `INSERT INTO complaints (id, source, vehicle_id, center_id, description, opened_at, due_at, created_by)
       VALUES (900, 'desk', 2, 1, '师傅一直没来', now() - interval '30 hours', now() - interval '6 hours', 'desk1')`,
    );
    await runAfterSalesRound(stack.pool, new Date());
    await page.goto(`${stack.url}/#/inbox`);
    const badge = page.getByTestId('inbox-count');
    await expect.poll(() => badge.getAttribute('data-count')).toBe('1');
    const row = page.locator('[data-testid^=notice-]').filter({ hasText: '投诉#900' });
    await expect.poll(() => row.count()).toBe(1);
    expect(await row.textContent()).toContain('投诉超时');
    const answer = await page.request.post(`${stack.url}/api/complaints/900/answer`, {
      data: { finding: 'not-upheld', measures: '已向车主解释排期' },
    });
    expect(answer.status()).toBe(200);
    await runAfterSalesRound(stack.pool, new Date());
    await page.reload();
    await expect.poll(() => badge.getAttribute('data-count')).toBe('0');
    await expect.poll(() => row.count()).toBe(0); // gone from the open view
    await page.getByRole('button', { name: '全部', exact: true }).click();
    await expect.poll(() => row.count()).toBe(1);
    expect(await row.getByTestId('escalation-state').textContent()).toBe('已办结');
    expect(await row.getByTestId('closed-by-system').textContent()).toBe('系统自动关闭：投诉已答复');
    expect(await row.textContent()).toContain('closed by the system');
    await screenshot(page, 'inbox-closed-by-system');

    // Upheld complaint 901's measures were due two days ago: escalated once; the manager reports
    // them done on the complaints page, and the escalation closes by itself.
    await stack.pool.query(
      `INSERT INTO complaints (id, source, vehicle_id, center_id, description, opened_at, due_at, created_by, answered_at,
                               finding, measures, charged_service_point_id, measures_owner, measures_due)
       VALUES (901, 'desk', 2, 1, '接线错误', now() - interval '9 days', now() - interval '8 days', 'desk1',
               now() - interval '8 days', 'upheld', '重新培训', 1, '李站长', $1)`,
      [localDay(-2)],
    );
    await runAfterSalesRound(stack.pool, new Date());
    await page.reload(); // already on the inbox: a reload reads the count again
    await expect.poll(() => badge.getAttribute('data-count')).toBe('1');
    const measures = page.locator('[data-testid^=notice-]').filter({ hasText: '投诉#901' });
    await expect.poll(async () => (await measures.textContent()) ?? '').toContain('整改逾期');
    await page.goto(`${stack.url}/#/desk/complaints`);
    await page.getByRole('button', { name: '全部', exact: true }).click();
    const cell = page.getByTestId('measures-901');
    await expect.poll(async () => (await cell.textContent()) ?? '').toContain('李站长');
    expect(await cell.textContent()).toContain('整改逾期');
    await cell.locator('input[name=measuresReport]').fill('已组织全站重新培训');
    await cell.getByTestId('measures-done').click();
    await expect.poll(async () => (await cell.textContent()) ?? '').toContain('整改已完成');
    await runAfterSalesRound(stack.pool, new Date());
    await page.goto(`${stack.url}/#/inbox`);
    await expect.poll(() => badge.getAttribute('data-count')).toBe('0');
    await page.getByRole('button', { name: '全部', exact: true }).click();
    await expect
      .poll(async () => (await measures.getByTestId('closed-by-system').textContent()) ?? '')
      .toBe('系统自动关闭：整改措施已完成');
  }, 120_000);

  it('lets an administrator change the recurring thresholds where the warning is read', async () => {
    const page = await pageOf(SEED.users.admin);
    await page.goto(`${stack.url}/#/desk/periodic`); // this month's report by default
    const warnings = page.getByTestId('recurring');
    await expect.poll(() => warnings.locator('tr.warning').count()).toBe(3);
    const form = page.getByTestId('recurring-thresholds');
    expect(await form.locator('input[name=recurringSameVehicle]').inputValue()).toBe('2');
    // Three repairs of one vehicle before it counts: 豫A10001's two are no longer a warning.
    await form.locator('input[name=recurringSameVehicle]').fill('3');
    await page.getByTestId('thresholds-save').click();
    await expect.poll(() => warnings.locator('tr.warning').count()).toBe(2);
    expect(await warnings.textContent()).not.toContain('同车重复');
    expect(await page.getByTestId('recurring-hint').textContent()).toContain('同一原因维修 ≥3 次');
    await screenshot(page, 'manager-recurring-thresholds');
    // Operators read the warning and its thresholds but get no form.
    const operator = await pageOf(SEED.users.operator);
    await operator.goto(`${stack.url}/#/desk/periodic`);
    await operator.getByTestId('recurring-hint').waitFor();
    expect(await operator.getByTestId('recurring-thresholds').count()).toBe(0);
    await stack.pool.query(`DELETE FROM after_sales_settings WHERE name LIKE 'recurring%'`);
  }, 120_000);
});
