import { browserMissing, newPage, screenshot, signIn } from '@jt808/test-support/browser';
import { hasPostgres } from '@jt808/test-support/postgres';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED, Stack } from './stack.js';

/**
 * A service point receiving returned units on the ticket page: records the RMA form, carrier,
 * waybill and arrival, inspects the unit (exclusions, condition), quotes a paid repair in yuan,
 * records the customer's answer, and resolves with a cause from the catalogue.
 */
describe.skipIf(!hasPostgres || browserMissing !== undefined)('the warranty forms in chromium', () => {
  const stack = new Stack();
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    await stack.start();
    // Vehicle 3's unit was shipped in 2024: out of warranty. Vehicle 2's was installed this year.
    await stack.pool.query(
      `UPDATE terminals SET shipped_on = '2024-01-02', ship_mode = 'freight' WHERE phone = '13900000003'`,
    );
    await stack.pool.query(
      `UPDATE terminals SET installed_at = now() - interval '60 days' WHERE phone = '13900000002'`,
    );
    ({ browser, page } = await stack.signedInPage(SEED.users.service));
  }, 120_000);
  afterAll(() => stack.stop());

  it('records a returned unit, quotes the paid repair, takes the customer’s answer and resolves with a coded cause', async () => {
    const id = await stack.openTicket('repair', 3, 1);
    await stack.pool.query(`UPDATE tickets SET state = 'on-site' WHERE id = $1`, [id]);
    await page.goto(`${stack.url}/#/tickets/${id}`);
    const panel = page.getByTestId('rma-panel');
    await expect.poll(() => panel.getByTestId('rma-decision').getAttribute('data-rule')).toBe('paid-repair');
    expect(await panel.getByTestId('rma-freight').textContent()).toBe('运费由客户承担');

    const form = panel.getByTestId('rma-form');
    await form.locator('input[name=formNo]').fill('RMA-2026-017');
    await form.locator('input[name=carrier]').fill('顺丰速运');
    await form.locator('input[name=waybill]').fill('SF1029384756');
    await form.locator('input[name=arrivedAt]').fill('2026-12-04T16:00');
    await panel.getByTestId('rma-save').click();
    await expect.poll(() => panel.getByTestId('rma-saved').textContent()).toBe('返修登记已保存');
    // The standard's clocks from the arrival: quote within a working day, repair shipped within 4 days.
    const clocks = panel.getByTestId('rma-clocks');
    await expect.poll(() => clocks.locator('li').count()).toBe(2);
    expect(await clocks.locator('li[data-clock=quote]').textContent()).toContain('2026/12/7 16:00:00');
    expect(await clocks.locator('li[data-clock=repair-ship]').textContent()).toContain('2026/12/8 16:00:00');
    const { rows: records } = await stack.pool.query(
      `SELECT form_no, carrier, waybill, arrived_at FROM rma_records WHERE ticket_id = $1`,
      [id],
    );
    expect(records).toEqual([
      {
        form_no: 'RMA-2026-017',
        carrier: '顺丰速运',
        waybill: 'SF1029384756',
        arrived_at: new Date('2026-12-04T16:00:00+08:00'),
      },
    ]);

    // A quote in yuan, sent in fen; a malformed amount is caught before it is sent.
    const quote = panel.getByTestId('quote-form');
    await quote.locator('input[name=parts]').fill('120.555');
    expect(await quote.textContent()).toContain('金额请填写元，最多两位小数');
    expect(await panel.getByTestId('quote-save').isDisabled()).toBe(true);
    await quote.locator('input[name=parts]').fill('120.5');
    await quote.locator('input[name=visit]').fill('50');
    await quote.locator('input[name=days]').fill('2');
    await quote.locator('input[name=note]').fill('更换定位模块');
    expect(await panel.getByTestId('quote-preview').textContent()).toBe('合计 170.50 元');
    await panel.getByTestId('quote-save').click();
    const quotes = panel.getByTestId('quotes');
    await expect.poll(() => quotes.getByTestId('quote-total').textContent()).toBe('170.50');
    // One quote waits for the customer: no second form meanwhile; the quote met its clock.
    expect(await panel.getByTestId('quote-form').count()).toBe(0);
    await expect.poll(() => clocks.locator('li[data-clock=quote]').textContent()).toContain('已于');
    await quotes.getByTestId('quote-accept').click();
    await expect.poll(() => quotes.getByTestId('quote-decision').textContent()).toContain('已接受');
    expect(await quotes.textContent()).toContain('维修 2 天');
    expect(await panel.getByTestId('quote-form').count()).toBe(0); // accepted: nothing more to quote
    const { rows: stored } = await stack.pool.query(
      `SELECT parts_fen, visit_fen, repair_days, decision, decided_by FROM repair_quotes WHERE ticket_id = $1`,
      [id],
    );
    expect(stored).toEqual([
      { parts_fen: 12_050, visit_fen: 5_000, repair_days: 2, decision: 'accepted', decided_by: 'sp1' },
    ]);
    await screenshot(page, 'warranty-quote');

    // Resolving names a cause from the catalogue; the free text is a note.
    const resolve = page.getByTestId('action-resolve');
    expect(await resolve.getByRole('button').isDisabled()).toBe(true);
    await resolve.getByTestId('fault-cause-picker').selectOption({ label: '定位模块故障' });
    await resolve.locator('input[name=faultCause]').fill('模块虚焊');
    await resolve.getByRole('button').click();
    await expect.poll(() => page.getByTestId('ticket-state').getAttribute('data-state')).toBe('resolved');
    expect(await page.getByTestId('fault-cause').textContent()).toContain('定位模块故障 · 模块虚焊');
    const { rows } = await stack.pool.query(
      `SELECT fault_cause_code, fault_cause FROM tickets WHERE id = $1`,
      [id],
    );
    expect(rows).toEqual([{ fault_cause_code: 'gnss-module', fault_cause: '模块虚焊' }]);
  });

  it('inspects an in-warranty unit at receipt: an exclusion makes it paid, an intact quality fault is exchanged', async () => {
    const id = await stack.openTicket('repair', 2, 1);
    await page.goto(`${stack.url}/#/tickets/${id}`);
    const panel = page.getByTestId('rma-panel');
    const decision = panel.getByTestId('rma-decision');
    const receipt = panel.getByTestId('rma-receipt');
    // Nothing inspected yet: an in-warranty repair. Received as a quality fault, intact: an exchange.
    await expect.poll(() => decision.getAttribute('data-rule')).toBe('free-repair');
    expect(await receipt.getByLabel('质量故障').isChecked()).toBe(true);
    await panel.getByTestId('rma-save').click();
    await expect.poll(() => decision.getAttribute('data-rule')).toBe('exchange');
    expect(await panel.getByTestId('rma-freight').textContent()).toBe('单程运费由我方承担');

    await receipt.getByLabel('私自改装').check();
    await panel.getByTestId('rma-save').click();
    await expect.poll(() => decision.getAttribute('data-rule')).toBe('paid-repair');
    expect(await decision.textContent()).toContain('私自改装，有偿维修');
    expect(await panel.getByTestId('quote-form').count()).toBe(1);

    await panel.getByTestId('rma-receipt').getByLabel('私自改装').uncheck();
    await panel.getByTestId('rma-receipt').getByLabel('已拆开').check();
    await panel.getByTestId('rma-save').click();
    await expect.poll(() => decision.getAttribute('data-rule')).toBe('free-repair');
    expect(await decision.textContent()).toContain('不予退换');

    // A shipment back before the unit arrived is the platform's refusal, shown; nothing changes.
    await panel.getByTestId('rma-form').locator('input[name=shippedBackAt]').fill('2026-12-01T09:00');
    await panel.getByTestId('rma-save').click();
    await expect.poll(() => panel.textContent()).toContain('a unit is shipped back only after it arrived');
    const { rows } = await stack.pool.query(
      `SELECT opened, exclusions FROM rma_records WHERE ticket_id = $1`,
      [id],
    );
    expect(rows).toEqual([{ opened: true, exclusions: [] }]);
    await screenshot(page, 'warranty-receipt');
  });

  it('lets an administrator add, rename and retire a fault cause, which the picker then follows', async () => {
    const admin = await newPage(browser);
    try {
      await signIn(admin, stack.url, SEED.users.admin);
      await admin.goto(`${stack.url}/#/desk/causes`);
      const catalogue = admin.getByTestId('fault-causes');
      await expect.poll(() => catalogue.locator('tbody tr').count()).toBe(18);
      const form = catalogue.getByTestId('cause-form');
      await form.locator('input[name=code]').fill('relay');
      await form.locator('input[name=nameZh]').fill('继电器故障');
      await form.locator('input[name=nameEn]').fill('Relay fault');
      await catalogue.getByTestId('cause-add').click();
      const relay = catalogue.getByTestId('cause-relay');
      await expect.poll(() => relay.count()).toBe(1);
      // A code the platform refuses is said, nothing stored.
      await form.locator('input[name=code]').fill('Bad Code');
      await form.locator('input[name=nameZh]').fill('坏');
      await form.locator('input[name=nameEn]').fill('bad');
      await catalogue.getByTestId('cause-add').click();
      await expect.poll(() => catalogue.textContent()).toContain('must match pattern');
      // Renamed and retired: gone from the picker, kept in the catalogue.
      await relay.locator('input[name=nameZh]').fill('继电器损坏');
      await relay.locator('input[name=active]').uncheck();
      await relay.getByTestId('cause-save').click();
      await expect
        .poll(
          async () =>
            (await stack.pool.query(`SELECT name_zh, active FROM fault_causes WHERE code = 'relay'`)).rows,
        )
        .toEqual([{ name_zh: '继电器损坏', active: false }]);
      await screenshot(admin, 'warranty-causes');
    } finally {
      await admin.close();
    }
    // The service point's picker offers the active causes only.
    const id = await stack.openTicket('repair', 1, 1);
    await stack.pool.query(`UPDATE tickets SET state = 'on-site' WHERE id = $1`, [id]);
    await page.goto(`${stack.url}/#/tickets/${id}`);
    const picker = page.getByTestId('action-resolve').getByTestId('fault-cause-picker');
    await expect.poll(() => picker.locator('option').count()).toBe(19); // 18 and "请选择"
    expect(await picker.locator('option[value=relay]').count()).toBe(0);
  });
});
