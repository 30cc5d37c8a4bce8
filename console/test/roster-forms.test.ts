import { saveUser } from '@jt808/api';
import { browserMissing, newPage, screenshot, signIn } from '@jt808/test-support/browser';
import { hasPostgres } from '@jt808/test-support/postgres';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Stack } from './stack.js';

/**
 * A desk clerk of center 1 entering what only SQL could write before: a vehicle's owner and its
 * terminal's shipment, an installer in the register with a contract, a contracts file; then the
 * installer signing in to the phone page, which is all they get.
 */
describe.skipIf(!hasPostgres || browserMissing !== undefined)('the roster forms in chromium', () => {
  const stack = new Stack();
  let browser: Browser;
  let page: Page;
  const desk = { username: 'desk1', password: 'desk1-secret' };

  beforeAll(async () => {
    await stack.start();
    await saveUser(stack.pool, { ...desk, role: 'desk', centerIds: [1] });
    ({ browser, page } = await stack.signedInPage(desk));
  }, 120_000);
  afterAll(() => stack.stop());

  it('enters a vehicle’s owner and its terminal’s shipment on the vehicle page', async () => {
    await page.goto(`${stack.url}/#/vehicles/1`);
    const owner = page.getByTestId('owner-form');
    await owner.locator('input[name=ownerName]').fill('张三丰');
    await owner.locator('input[name=ownerPhone]').fill('138 0000 1111');
    await owner.locator('input[name=idNumber]').fill('41010519800101123x');
    await page.getByTestId('owner-save').click();
    await expect.poll(() => page.getByTestId('roster-saved').textContent()).toBe('车主信息已保存');
    // What is stored comes back masked, as the fields' hints.
    await expect
      .poll(() => owner.locator('input[name=ownerPhone]').getAttribute('placeholder'))
      .toBe('138****1111');
    const { rows: owners } = await stack.pool.query(
      'SELECT owner_name, owner_phone, owner_id_number FROM vehicles WHERE id = 1',
    );
    expect(owners).toEqual([
      { owner_name: '张三丰', owner_phone: '13800001111', owner_id_number: '41010519800101123X' },
    ]);
    // The change history under the form: the clerk, the console's form, old → new, masked.
    const history = page.getByTestId('change-history');
    await expect.poll(() => history.getByTestId('history-row').count()).toBe(3);
    const rows = await history.getByTestId('history-row').allTextContents();
    expect(rows.find((row) => row.includes('证件号码'))).toMatch(/证件号码—4101\*{10}123Xdesk1控制台表单$/);
    expect(rows.find((row) => row.includes('车主电话'))).toMatch(/车主电话—138\*{4}1111desk1控制台表单$/);

    const shipment = page.getByTestId('shipment-form');
    await shipment.locator('input[name=shippedOn]').fill('2026-03-05');
    await shipment.locator('select[name=shipMode]').selectOption('express');
    await page.getByTestId('shipment-save').click();
    await expect.poll(() => page.getByTestId('roster-saved').textContent()).toBe('发货信息已保存');
    const { rows: shipped } = await stack.pool.query(
      `SELECT to_char(shipped_on, 'YYYY-MM-DD') AS shipped_on, ship_mode FROM terminals WHERE phone = '13900000001'`,
    );
    expect(shipped).toEqual([{ shipped_on: '2026-03-05', ship_mode: 'express' }]);
    await expect.poll(() => history.getByTestId('history-row').count()).toBe(5);
    expect(await history.textContent()).toContain('发货方式—快递desk1控制台表单');

    // A bad number is the platform's refusal, shown; nothing is stored.
    await owner.locator('input[name=ownerPhone]').fill('call me');
    await page.getByTestId('owner-save').click();
    await expect.poll(() => page.getByTestId('roster-facts').textContent()).toContain('not a phone number');
    await screenshot(page, 'roster-vehicle');
  });

  it('registers an installer, sets their contract and imports a contracts file', async () => {
    await page.goto(`${stack.url}/#/desk/installers`);
    const form = page.getByTestId('installer-form');
    await form.locator('input[name=code]').fill('W-1');
    await form.locator('input[name=name]').fill('王师傅');
    await form.locator('input[name=phone]').fill('13700001111');
    await form.locator('input[name=certificate]').fill('DG-001');
    // The desk of center 1 is offered center 1's service point only.
    expect(await form.locator('select[name=servicePoint] option').allTextContents()).toEqual(['郑州服务站']);
    await form.locator('select[name=servicePoint]').selectOption({ label: '郑州服务站' });
    await page.getByTestId('installer-save').click();
    const row = page.getByTestId('installer-W-1');
    await expect.poll(() => row.textContent()).toContain('137****1111');

    await row.getByTestId('contract').click();
    const contract = page.getByTestId('contract-fee-form');
    await contract.locator('input[name=fee]').fill('85.5');
    await contract.locator('input[name=minPerDay]').fill('3');
    await page.getByTestId('contract-fee-save').click();
    await expect.poll(() => row.getByTestId('fee').textContent()).toBe('85.50');

    await stack.pool.query(
      `INSERT INTO installers (code, name, service_point_id) VALUES ('W-4', '洛阳师傅', 2)`,
    );
    await page
      .getByTestId('contracts-import')
      .locator('input[type=file]')
      .setInputFiles({
        name: 'contracts.csv',
        mimeType: 'text/csv',
        buffer: Buffer.from('工号,安装单价（元）\nW-1,90\nW-4,90\n'),
      });
    await page.getByTestId('contracts-import-submit').click();
    const report = page.getByTestId('import-report');
    await expect.poll(() => report.textContent()).toContain('已导入 1 / 2 行');
    expect(await report.textContent()).toContain('第 3 行: 工号 "W-4": no such installer in the register');
    await expect.poll(() => row.getByTestId('fee').textContent()).toBe('90.00');
    // The installer's change history: the register form, the contract form, then the file.
    await row.getByTestId('history').click();
    const history = page.getByTestId('change-history');
    await expect.poll(() => history.textContent()).toContain('安装单价（元）85.5090.00desk1导入文件');
    expect(await history.textContent()).toContain('安装单价（元）—85.50desk1控制台表单');
    expect(await history.textContent()).toContain('手机号码—137****1111desk1控制台表单');
    const { rows } = await stack.pool.query(
      'SELECT installer, fee_fen, min_per_day FROM installer_contracts',
    );
    expect(rows).toEqual([{ installer: 'W-1', fee_fen: 9000, min_per_day: 3 }]);
    await screenshot(page, 'roster-installers');
  });

  it('enters the shipment of a terminal not yet fitted, for those who see the province only', async () => {
    await stack.pool.query(`INSERT INTO terminals (phone, edition) VALUES ('13900009999', '2013')`);
    const stored = async () =>
      (
        await stack.pool.query(
          `SELECT to_char(shipped_on, 'YYYY-MM-DD') AS shipped_on, ship_mode FROM terminals WHERE phone = '13900009999'`,
        )
      ).rows;
    const enter = async (on: Page, sim: string, day: string, mode: string) => {
      const form = on.getByTestId('terminal-shipment').getByTestId('shipment-form');
      await form.locator('input[name=terminal]').fill(sim);
      await form.locator('input[name=shippedOn]').fill(day);
      await form.locator('select[name=shipMode]').selectOption(mode);
      await form.getByTestId('shipment-save').click();
    };

    // The desk of center 1 does not reach a terminal on no vehicle: refused, nothing stored.
    await page.goto(`${stack.url}/#/desk/installers`);
    await enter(page, '13900009999', '2026-11-20', 'freight');
    await expect
      .poll(() => page.getByTestId('terminal-shipment').textContent())
      .toContain('no such terminal');
    expect(await stored()).toEqual([{ shipped_on: null, ship_mode: null }]);

    // The province's desk enters it, the number typed as a clerk types it.
    const provinceDesk = { username: 'desk-province', password: 'desk-province-secret' };
    await saveUser(stack.pool, { ...provinceDesk, role: 'desk', centerIds: 'all' });
    const province = await newPage(browser);
    try {
      province.setDefaultTimeout(15_000);
      await signIn(province, stack.url, provinceDesk);
      await province.goto(`${stack.url}/#/desk/installers`);
      await enter(province, ' 139 0000 9999 ', '2026-11-20', 'freight');
      await expect
        .poll(() => province.getByTestId('terminal-shipment-saved').textContent())
        .toContain('2026-11-20');
      expect(await stored()).toEqual([{ shipped_on: '2026-11-20', ship_mode: 'freight' }]);

      // A date without its mode is refused, and the stored shipment stays; so is an unknown terminal.
      await enter(province, '13900009999', '2026-12-01', '');
      const section = province.getByTestId('terminal-shipment');
      await expect.poll(() => section.textContent()).toContain('a shipment needs both its date and its mode');
      await enter(province, '13900008888', '2026-12-01', 'express');
      await expect.poll(() => section.textContent()).toContain('no such terminal');
      expect(await stored()).toEqual([{ shipped_on: '2026-11-20', ship_mode: 'freight' }]);
      await screenshot(province, 'roster-terminal-shipment');
    } finally {
      await province.context().close();
    }
  });

  it('lands an installer on the phone page, with nothing else in the navigation', async () => {
    const installer = { username: 'wang', password: 'wang-secret' };
    await saveUser(stack.pool, { ...installer, role: 'installer', installer: 'W-1' });
    const phone = await newPage(browser, 400);
    try {
      await signIn(phone, stack.url, installer);
      expect(await phone.getByTestId('whoami').textContent()).toContain('安装人员');
      expect(await phone.locator('header nav a').allTextContents()).toEqual(['安装验收']);
      expect(phone.url()).toContain('#/installer');
    } finally {
      await phone.context().close();
    }
  });

  it('makes an installer’s account on the register page; it signs in on the phone page until made inactive', async () => {
    await stack.pool.query(
      `INSERT INTO installers (code, name, service_point_id) VALUES ('W-5', '周师傅', 1)`,
    );
    // The page may be on this tab already: loaded afresh, the register lists the new installer.
    await page.goto(`${stack.url}/#/desk/installers`);
    await page.reload();
    const row = page.getByTestId('installer-W-5');
    await row.getByTestId('account-open').click();
    const panel = page.getByTestId('account-panel');
    // A username someone has is refused with the platform's reason.
    await panel.locator('input[name=username]').fill('desk1');
    await panel.getByTestId('account-submit').click();
    await expect.poll(() => panel.textContent()).toContain('the username desk1 is taken');
    await panel.locator('input[name=username]').fill('zhou.w5');
    await panel.getByTestId('account-submit').click();
    const shown = panel.getByTestId('account-password');
    await expect.poll(() => shown.count()).toBe(1);
    const password = (await shown.textContent())!.trim();
    expect(password).toMatch(/^[a-zA-Z2-9]{14}$/);
    await expect.poll(() => row.getByTestId('account').textContent()).toBe('zhou.w5');
    const { rows } = await stack.pool.query(`SELECT role, installer FROM users WHERE username = 'zhou.w5'`);
    expect(rows).toEqual([{ role: 'installer', installer: 'W-5' }]);
    await screenshot(page, 'roster-installer-account');

    const phone = await newPage(browser, 400);
    try {
      await signIn(phone, stack.url, { username: 'zhou.w5', password });
      expect(phone.url()).toContain('#/installer');
      expect(await phone.locator('header nav a').allTextContents()).toEqual(['安装验收']);

      // The desk makes W-5 inactive: the phone is signed out at its next request, and stays out.
      await row.getByTestId('edit').click();
      const form = page.getByTestId('installer-form');
      await form.locator('input[name=active]').uncheck();
      await page.getByTestId('installer-save').click();
      await expect.poll(() => row.textContent()).toContain('否');
      await phone.reload();
      await phone.locator('input[name=username]').waitFor();
      await phone.locator('input[name=username]').fill('zhou.w5');
      await phone.locator('input[name=password]').fill(password);
      await phone.locator('button[type=submit]').click();
      await expect
        .poll(async () => phone.locator('body').textContent())
        .toContain('inactive in the register');
      await screenshot(phone, 'roster-installer-inactive');
    } finally {
      await phone.context().close();
    }
  });
});
