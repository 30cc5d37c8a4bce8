import { saveUser } from '@jt808/platform';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasPostgres } from '../../platform/test/database.js';
import { browserMissing, launchBrowser, newPage, screenshot, signIn } from './browser.js';
import { Stack } from './stack.js';

/** The service desk's pages in a real browser against the real platform. */
describe.skipIf(!hasPostgres || browserMissing !== undefined)('the service desk in chromium', () => {
  const stack = new Stack();
  let browser: Browser;
  let page: Page;
  const desk = { username: 'desk1', password: 'desk1-secret' };

  beforeAll(async () => {
    await stack.start();
    await saveUser(stack.pool, { ...desk, role: 'desk' });
    await stack.pool.query(
      `UPDATE vehicles SET owner_name = '张三丰', owner_phone = '13800001111' WHERE plate = '豫A10001'`,
    );
    browser = await launchBrowser();
    page = await newPage(browser);
    page.setDefaultTimeout(15_000);
    await signIn(page, stack.url, desk);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await stack.stop();
  });

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
  });
});
