import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { advanceTicket, deliverDue, webhookSender } from '@jt808/after-sales';
import { saveUser } from '@jt808/api';
import { browserMissing, launchBrowser, newPage, screenshot, signIn } from '@jt808/test-support/browser';
import { hasPostgres } from '@jt808/test-support/postgres';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED, Stack } from './stack.js';

/**
 * The loop that closes, in a real browser against the real platform, as a center's manager works
 * it: the open count in the header, an escalation acknowledged and resolved on the inbox page, a
 * ticket reassigned on its page, the replace-after-three-repairs flag on the ticket and the vehicle
 * worked off (its return record opened and shipped by the service point first); and an administrator
 * routing kinds to a signed endpoint and reading its delivery log.
 */
describe.skipIf(!hasPostgres || browserMissing !== undefined)('the manager’s inbox in chromium', () => {
  const stack = new Stack();
  let browser: Browser;
  let manager: Page;
  let receiver: Server;
  const answers: number[] = [];
  /** Whether each request's signature held, with the secret the console showed once. */
  const verified: boolean[] = [];
  let secret = '';

  const signedIn = async (user: { username: string; password: string }) => {
    const page = await newPage(browser);
    page.setDefaultTimeout(15_000);
    await signIn(page, stack.url, user);
    return page;
  };

  beforeAll(async () => {
    await stack.start();
    await saveUser(stack.pool, { username: 'desk1', password: 'desk1-secret', role: 'desk', centerIds: [1] });
    await saveUser(stack.pool, { username: 'op2', password: 'op2-secret', role: 'operator', centerIds: [2] });
    await stack.pool.query(
      `INSERT INTO service_points (id, code, name, center_id) VALUES (3, 'SP3', '郑州二站', 1)`,
    );
    await stack.pool.query(
      `INSERT INTO installers (code, name, phone, service_point_id) VALUES ('W-1', '王师傅', '13700001111', 1)`,
    );
    // The SMS gateway: refuses the first message, takes the rest.
    receiver = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => {
        body += chunk;
      });
      request.on('end', () => {
        const timestamp = String(request.headers['x-jt808-timestamp']);
        const expected = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
        verified.push(request.headers['x-jt808-signature'] === `sha256=${expected}`);
        answers.push(answers.length === 0 ? 503 : 200);
        response.writeHead(answers.at(-1)!).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    browser = await launchBrowser();
    manager = await signedIn(SEED.users.operator);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => receiver?.close(resolve));
    await stack.stop();
  });

  it('shows an escalation in the header and the inbox, and works it off with notes', async () => {
    // The desk records a callback with satisfaction 2: escalated to center 1's managers.
    await stack.pool.query(
      `INSERT INTO callbacks (id, kind, vehicle_id, month, center_id, due_at) VALUES (1, 'monthly', 1, '2026-12-01', 1, now())`,
    );
    const desk = await signedIn({ username: 'desk1', password: 'desk1-secret' });
    const recorded = await desk.request.post(`${stack.url}/api/callbacks/1`, {
      data: { satisfaction: 2, reason: '师傅迟到两小时' },
    });
    expect(await recorded.json()).toEqual({ escalated: true });

    await manager.reload();
    const badge = manager.getByTestId('inbox-count');
    await expect.poll(() => badge.getAttribute('data-count')).toBe('1');
    await badge.click();
    const row = manager
      .locator('[data-testid^=notice-]')
      .filter({ hasText: '回访满意度2分：师傅迟到两小时' });
    await expect.poll(() => row.count()).toBe(1);
    expect(await row.textContent()).toContain('回访不满意');
    // Nothing to work off without a note.
    expect(await row.getByTestId('resolve').isDisabled()).toBe(true);
    await row.locator('input[name=note]').fill('已致电车主道歉');
    await row.getByTestId('acknowledge').click();
    await expect.poll(() => row.getByTestId('escalation-state').textContent()).toBe('已接手');
    await row.locator('input[name=note]').fill('安排复修，车主认可');
    await screenshot(manager, 'inbox-escalation');
    await row.getByTestId('resolve').click();
    // Resolved, it leaves the open view and the count.
    await expect.poll(() => row.count()).toBe(0);
    await expect.poll(() => badge.getAttribute('data-count')).toBe('0');
    const { rows } = await stack.pool.query(
      `SELECT state, acknowledged_by, resolved_by, note FROM notices WHERE kind = 'escalation'`,
    );
    expect(rows).toEqual([
      {
        state: 'resolved',
        acknowledged_by: 'op1',
        resolved_by: 'op1',
        note: '已致电车主道歉\n安排复修，车主认可',
      },
    ]);

    // Another center's manager never saw it.
    const other = await signedIn({ username: 'op2', password: 'op2-secret' });
    await other.goto(`${stack.url}/#/inbox`);
    await other.getByTestId('inbox').waitFor();
    expect(await other.getByTestId('inbox').textContent()).toContain('没有消息');
    expect(await other.getByTestId('inbox-count').getAttribute('data-count')).toBe('0');
  }, 90_000);

  it('reassigns a ticket on its page, and flags the vehicle for replacement on its third repair', async () => {
    // Vehicle 2 was repaired twice this year; now it has a dispatched ticket.
    await stack.pool.query(
      `INSERT INTO tickets (kind, phone, vehicle_id, center_id, state, reason, opened_at, response_due, onsite_due, resolved_at,
                            closed_at, close_reason)
       SELECT 'repair', '13900000002', 2, 1, 'closed', 'offline', now() - d * interval '1 day', now(), now(),
              now() - d * interval '1 day', now() - d * interval '1 day', 'verified' FROM unnest(ARRAY[100, 50]) d`,
    );
    const { rows } = await stack.pool.query<{ id: string }>(
      `INSERT INTO tickets (kind, phone, vehicle_id, center_id, state, reason, opened_at, response_due, onsite_due,
                            category, severity, service_point_id, installer)
       VALUES ('repair', '13900000002', 2, 1, 'dispatched', 'offline', now(), now() + interval '1 hour', now() + interval '1 day',
               'hardware', 2, 1, 'W-1') RETURNING id`,
    );
    const id = rows[0]!.id;

    await manager.goto(`${stack.url}/#/tickets/${id}`);
    const form = manager.getByTestId('action-reassign');
    await form.locator('select[name=servicePoint]').selectOption('3');
    await form.locator('input[name=reason]').fill('郑州站今日无人');
    await form.locator('button[type=submit]').click();
    await expect
      .poll(
        async () =>
          (await stack.pool.query('SELECT service_point_id, installer FROM tickets WHERE id = $1', [id]))
            .rows,
      )
      .toEqual([{ service_point_id: 3, installer: null }]);
    await expect.poll(() => manager.getByTestId('history').textContent()).toContain('reassign');

    // Service point 3 appoints, arrives and resolves: the third repair within 12 months.
    for (const action of [
      { action: 'appoint', at: new Date() },
      { action: 'arrive' },
      { action: 'resolve', faultCause: '主机损坏' },
    ] as const) {
      await advanceTicket(stack.pool, id, action, 'sp3');
    }
    await manager.reload();
    const flag = manager.getByTestId('replace-flag');
    await expect.poll(() => flag.textContent()).toContain(`需更换终端：近期第3次维修（工单 #${id}）`);
    await manager.goto(`${stack.url}/#/vehicles/2`);
    await expect.poll(() => flag.count()).toBe(1);
    await screenshot(manager, 'vehicle-replace-flag');
    // Not done before the replacement has shipped on the exchange's return record.
    expect(await flag.getByTestId('exchange-rma').textContent()).toContain('尚无RMA记录');
    await flag.locator('input[name=exchangeNote]').fill('已换新机');
    await flag.getByTestId('exchange-done').click();
    await expect.poll(() => flag.textContent()).toContain('409: the replacement has not been shipped');
    const { rows: open } = await stack.pool.query('SELECT state FROM replacement_flags');
    expect(open).toEqual([{ state: 'open' }]);
    // The exchange was in the manager's inbox too.
    await manager.goto(`${stack.url}/#/inbox`);
    await expect
      .poll(() => manager.getByTestId('inbox').textContent())
      .toContain('车辆 豫A10002 12个月内第3次维修，需更换终端');
  }, 90_000);

  it('lets the service point open the exchange’s RMA record from the ticket page and ship it; then the manager closes the exchange', async () => {
    await saveUser(stack.pool, {
      username: 'sp3',
      password: 'sp3-secret',
      role: 'service',
      servicePointId: 3,
    });
    const { rows } = await stack.pool.query<{ id: string; ticket_id: string }>(
      `SELECT id, ticket_id FROM replacement_flags WHERE state = 'open'`,
    );
    const { id: flagId, ticket_id: ticketId } = rows[0]!;
    const point = await signedIn({ username: 'sp3', password: 'sp3-secret' });
    await point.goto(`${stack.url}/#/tickets/${ticketId}`);
    const flag = point.getByTestId('replace-flag');
    await expect.poll(() => flag.textContent()).toContain('尚无RMA记录');
    // Service-point staff record the unit; closing the exchange is a manager's.
    expect(await flag.getByTestId('exchange-done').count()).toBe(0);
    await flag.getByTestId('exchange-open-rma').click();
    await expect
      .poll(() => flag.locator('[data-state=recorded]').textContent())
      .toContain(`工单 #${ticketId}`);
    const panel = point.getByTestId('rma-panel');
    await expect.poll(() => panel.getByTestId('rma-exchange').count()).toBe(1);

    // The shipment, in the browser's local time (any time of day: an hour and two ago).
    const local = (agoMs: number) =>
      point.evaluate((ago) => {
        const at = new Date(Date.now() - ago);
        return new Date(at.getTime() - at.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
      }, agoMs);
    const form = panel.getByTestId('rma-form');
    await form.locator('input[name=formNo]').fill('RMA-EX-1');
    await form.locator('input[name=carrier]').fill('顺丰');
    await form.locator('input[name=waybill]').fill('SF2026120701');
    await form.locator('input[name=arrivedAt]').fill(await local(7_200_000));
    await form.locator('input[name=shippedBackAt]').fill(await local(3_600_000));
    await panel.getByTestId('rma-save').click();
    await expect.poll(() => panel.getByTestId('rma-saved').count()).toBe(1);
    // The exchange on the page shows its record shipped, with the waybill.
    await expect
      .poll(async () => (await flag.locator('[data-state=shipped]').textContent()) ?? '')
      .toContain('顺丰 SF2026120701');
    await screenshot(point, 'exchange-rma-shipped');
    const { rows: records } = await stack.pool.query(
      'SELECT exchange_id, carrier, waybill, shipped_back_at IS NOT NULL AS shipped FROM rma_records WHERE ticket_id = $1',
      [ticketId],
    );
    expect(records).toEqual([
      { exchange_id: flagId, carrier: '顺丰', waybill: 'SF2026120701', shipped: true },
    ]);

    // The manager sees it shipped on the vehicle page and closes the exchange.
    await manager.goto(`${stack.url}/#/vehicles/2`);
    await manager.reload();
    const managerFlag = manager.getByTestId('replace-flag');
    await expect.poll(async () => (await managerFlag.textContent()) ?? '').toContain('已发货');
    await managerFlag.locator('input[name=exchangeNote]').fill('已换新机');
    await managerFlag.getByTestId('exchange-done').click();
    await expect.poll(() => managerFlag.count()).toBe(0);
    const { rows: flags } = await stack.pool.query('SELECT state, done_by, note FROM replacement_flags');
    expect(flags).toEqual([{ state: 'done', done_by: 'op1', note: '已换新机' }]);
  }, 90_000);

  it('lets an administrator route kinds to an endpoint, and shows the delivery log with the endpoint and each attempt', async () => {
    const admin = await signedIn(SEED.users.admin);
    await admin.goto(`${stack.url}/#/inbox`);
    const retries = admin.getByTestId('sender-form');
    await retries.locator('input[name=backoffMs]').fill('100');
    await retries.locator('button[type=submit]').click();
    await admin.getByTestId('sender-saved').waitFor();
    const form = admin.getByTestId('endpoint-form');
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/sms`;
    await form.locator('input[name=name]').fill('短信网关');
    await form.locator('input[name=url]').fill(url);
    await form.locator('input[name=kind-dispatch]').check();
    await form.locator('input[name=kind-reschedule]').check();
    await form.locator('button[type=submit]').click();
    // The generated secret is shown once, and is the one deliveries are signed with.
    const shown = admin.getByTestId('endpoint-secret');
    await expect.poll(async () => (await shown.textContent()) ?? '').toMatch(/[0-9a-f]{64}/);
    secret = (await shown.locator('code').textContent())!;
    const row = admin.getByTestId('endpoint-短信网关');
    await expect.poll(() => row.locator('input[name=kind-dispatch]').isChecked()).toBe(true);
    expect(await row.locator('input[name=kind-escalation]').isChecked()).toBe(false);
    const { rows: endpoints } = await stack.pool.query(
      'SELECT name, url, kinds, active FROM notification_endpoints',
    );
    expect(endpoints).toEqual([{ name: '短信网关', url, kinds: ['dispatch', 'reschedule'], active: true }]);
    // Exchanges go there too, ticked on the list.
    await row.locator('input[name=kind-exchange]').check();
    await expect
      .poll(async () => (await stack.pool.query('SELECT kinds FROM notification_endpoints')).rows[0].kinds)
      .toEqual(['dispatch', 'reschedule', 'exchange']);

    // A dispatch now goes out too: refused once, delivered on the retry.
    const { rows } = await stack.pool.query<{ id: string }>(
      `INSERT INTO tickets (kind, phone, vehicle_id, center_id, state, reason, opened_at, response_due, onsite_due, category, severity)
       VALUES ('repair', '13900000003', 3, 1, 'classified', 'offline', now(), now() + interval '1 hour', now() + interval '1 day',
               'hardware', 2) RETURNING id`,
    );
    await advanceTicket(
      stack.pool,
      rows[0]!.id,
      { action: 'dispatch', installer: 'W-1', servicePointId: 1 },
      'op1',
    );
    const now = Date.now();
    expect(await deliverDue(stack.pool, webhookSender, new Date(now))).toBe(1);
    expect(await deliverDue(stack.pool, webhookSender, new Date(now + 100))).toBe(1);
    expect(answers).toEqual([503, 200]);
    expect(verified).toEqual([true, true]);

    await admin.getByTestId('deliveries-refresh').click();
    const delivery = admin.locator('[data-testid^=delivery-]').first();
    await expect.poll(() => delivery.getAttribute('data-state')).toBe('sent');
    const text = await delivery.textContent();
    expect(text).toContain('已送达');
    expect(text).toContain('尝试 2');
    expect(text).toContain('通道 短信网关');
    expect(text).toMatch(/503 HTTP 503[\s\S]*200/);
    await screenshot(admin, 'inbox-deliveries');
  }, 90_000);
});
