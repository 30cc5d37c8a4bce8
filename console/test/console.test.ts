import { type AnsweringTerminalState, answerCommands, TerminalConnection } from '@jt808/simulators';
import { browserMissing, launchBrowser, newPage, screenshot, signIn } from '@jt808/test-support/browser';
import { hasPostgres } from '@jt808/test-support/postgres';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED, Stack } from './stack.js';

/**
 * The console in a real browser against the real platform: PostgreSQL, the status service,
 * a TCP gateway with terminals checking in, the API and its live feed.
 */
describe.skipIf(!hasPostgres || browserMissing !== undefined)('the console in chromium', () => {
  const stack = new Stack();
  let browser: Browser;

  /** Cookies of users signed in already: the API allows five sign-ins a minute from one address. */
  const sessions = new Map<string, Awaited<ReturnType<BrowserContext['storageState']>>>();

  /** A new page in its own browser context, signed in as `user` (through the login form the first time). */
  async function pageAs(user: { username: string; password: string }, width = 1366): Promise<Page> {
    const page = await newPage(browser, width, sessions.get(user.username));
    page.setDefaultTimeout(15_000);
    if (sessions.has(user.username)) {
      await page.goto(stack.url);
      await page.getByTestId('whoami').waitFor();
    } else {
      await signIn(page, stack.url, user);
      sessions.set(user.username, await page.context().storageState());
    }
    return page;
  }

  beforeAll(async () => {
    await stack.start();
    browser = await launchBrowser();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await stack.stop();
  });

  it('signs in and shows the seeded centers on the dashboard', async () => {
    const page = await pageAs(SEED.users.admin);
    await page.getByTestId('nav-dashboard').click();
    const centers = page.getByTestId('centers');
    await expect.poll(() => centers.locator('tbody tr').count()).toBe(2);
    await expect.poll(() => centers.textContent()).toContain('郑州监控中心');
    expect(await centers.textContent()).toContain('洛阳监控中心');
    expect(await page.getByTestId('center-1').getByTestId('never-seen').textContent()).toBe('3');
    await expect.poll(() => page.getByTestId('kpis').locator('tbody tr').count()).toBe(3);
    // The KPI export downloads as CSV with the regulator's column names.
    const csv = await page.request.get(
      `${stack.url}${await page.getByTestId('kpi-csv').getAttribute('href')}`,
    );
    expect(csv.headers()['content-type']).toMatch(/text\/csv/);
    expect(await csv.text()).toContain('入网率,上线率,轨迹完整率,数据合格率,卫星定位漂移率');
    await screenshot(page, 'dashboard-admin');
  });

  it('shows a status change live: a terminal checks in and the dashboard counts it online', async () => {
    const page = await pageAs(SEED.users.operator);
    await page.getByTestId('nav-dashboard').click();
    const center = page.getByTestId('center-1');
    await expect.poll(() => center.getByTestId('online').textContent()).toBe('0');
    await stack.terminal('13900000002', 5);
    // No reload: the status engine's transition comes over the WebSocket and the counts follow.
    await expect.poll(() => center.getByTestId('online').textContent(), { timeout: 15_000 }).toBe('1');
    expect(await center.getByTestId('never-seen').textContent()).toBe('2');
    // The hour's rollup puts the check-in on the online-rate chart.
    await stack.refreshRollup();
    await page.getByRole('button', { name: '最近7天' }).click();
    await expect.poll(() => page.getByTestId('online-chart').locator('polyline, circle').count()).toBe(1);
    await screenshot(page, 'dashboard-live');
  });

  it("shows a vehicle's state, events and its track on the map with a time slider", async () => {
    const page = await pageAs(SEED.users.operator);
    await page.getByTestId('nav-vehicles').click();
    await page.getByTestId('vehicle-2').getByRole('link').click();
    const state = page.getByTestId('vehicle-state');
    await expect.poll(() => state.getByTestId('status').getAttribute('data-status')).toBe('online');
    await expect.poll(() => page.getByTestId('track-count').textContent()).toMatch(/^5\b/);
    await expect
      .poll(() => page.getByTestId('track-map').getAttribute('data-ready'), { timeout: 20_000 })
      .toBe('true');
    const time = page.getByTestId('track-time');
    const last = await time.textContent();
    await page.getByTestId('track-slider').fill('0');
    await expect.poll(() => time.textContent()).not.toBe(last);
    await screenshot(page, 'vehicle-track');
  });

  it('moves a ticket through its workflow by clicking: the operator classifies and dispatches, service staff do the rest', async () => {
    const id = await stack.openTicket('repair', 1, 1);
    const operator = await pageAs(SEED.users.operator);
    await operator.getByTestId('nav-tickets').click();
    const card = operator.getByTestId('column-new').getByTestId(`ticket-${id}`);
    // The card names the vehicle by its plate, drawn in the plate's colour (2: yellow).
    expect(await card.getByTestId('plate').textContent()).toBe('豫A10001');
    expect(await card.getByTestId('plate').getAttribute('title')).toBe('黄牌');
    await card.click();
    const state = operator.getByTestId('ticket-state');
    await expect.poll(() => state.getAttribute('data-state')).toBe('new');
    expect(await operator.getByTestId('countdown').textContent()).toMatch(/1:5\d:\d\d/);
    // Service staff's moves are not offered to the operator.
    expect(await operator.getByTestId('action-arrive').count()).toBe(0);
    await operator.getByTestId('action-classify').locator('select[name=category]').selectOption('hardware');
    await operator.getByTestId('action-classify').getByRole('button').click();
    await expect.poll(() => state.getAttribute('data-state')).toBe('classified');
    await operator.getByTestId('action-dispatch').locator('input[name=installer]').fill('张师傅');
    await operator.getByTestId('action-dispatch').getByRole('button').click();
    await expect.poll(() => state.getAttribute('data-state')).toBe('dispatched');
    await screenshot(operator, 'ticket-dispatched');

    const service = await pageAs(SEED.users.service);
    await service.goto(`${stack.url}/#/tickets/${id}`);
    const serviceState = service.getByTestId('ticket-state');
    await expect.poll(() => serviceState.getAttribute('data-state')).toBe('dispatched');
    expect(await service.getByTestId('action-classify').count()).toBe(0);
    await service.getByTestId('action-appoint').getByRole('button').click();
    await expect.poll(() => serviceState.getAttribute('data-state')).toBe('appointed');
    await service.getByTestId('action-arrive').getByRole('button').click();
    await expect.poll(() => serviceState.getAttribute('data-state')).toBe('on-site');
    await service
      .getByTestId('action-resolve')
      .getByTestId('fault-cause-picker')
      .selectOption('gnss-antenna');
    await service.getByTestId('action-resolve').locator('input[name=faultCause]').fill('天线松动');
    await service.getByTestId('action-resolve').getByRole('button').click();
    await expect.poll(() => serviceState.getAttribute('data-state')).toBe('resolved');
    await expect.poll(() => service.getByTestId('history').locator('tr').count()).toBe(5);
    await screenshot(service, 'ticket-resolved');
    const { rows } = await stack.pool.query(
      'SELECT state, installer, fault_cause_code, fault_cause FROM tickets WHERE id = $1',
      [id],
    );
    expect(rows[0]).toEqual({
      state: 'resolved',
      installer: '张师傅',
      fault_cause_code: 'gnss-antenna',
      fault_cause: '天线松动',
    });
  });

  it('turns the installer checklist green when the terminal checks in, and accepts the installation', async () => {
    const id = await stack.openTicket('install', 3, 1);
    const page = await pageAs(SEED.users.service, 390);
    await page.getByTestId('nav-installer').click();
    await page.locator('input[name=key]').fill('豫A10003');
    await page.locator('input[name=key]').press('Enter');
    await expect.poll(() => page.getByTestId('check-connected').getAttribute('data-ok')).toBe('false');
    expect(await page.getByTestId('accept').count()).toBe(0);
    await screenshot(page, 'installer-waiting');
    await stack.terminal('13900000003', 1);
    // The page asks every 2 s: every check turns green without a reload.
    await expect.poll(() => page.getByTestId('all-green').count(), { timeout: 15_000 }).toBe(1);
    for (const check of [
      'connected',
      'registered',
      'authenticated',
      'gnss-fix',
      'satellites',
      'signal',
      'no-alarms',
    ]) {
      expect(await page.getByTestId(`check-${check}`).getAttribute('data-ok'), check).toBe('true');
    }
    await screenshot(page, 'installer-green');
    await page.getByTestId('accept').click();
    await page.getByTestId('accepted').waitFor();
    const { rows } = await stack.pool.query('SELECT state, close_reason FROM tickets WHERE id = $1', [id]);
    expect(rows[0]).toEqual({ state: 'closed', close_reason: 'verified' });
  });

  it("sends the commands the user's role allows to a terminal over TCP and shows its answers", async () => {
    const terminal = await stack.terminal('13900000001', 1);
    const terminalState: AnsweringTerminalState = {
      location: () => ({
        alarm: 0,
        status: 3,
        latitude: 34.756789,
        longitude: 113.654321,
        altitude: 110,
        speed: 36.5,
        direction: 180,
        time: new Date(),
        extras: { satellites: 11, signalStrength: 22 },
      }),
      parameters: new Map<number, number | string | Uint8Array>([[0x0001, 60]]),
      texts: [],
    };
    answerCommands(terminal, terminalState);
    const page = await pageAs(SEED.users.operator);
    await page.goto(`${stack.url}/#/vehicles/1`);
    const panel = page.getByTestId('commands');
    const status = panel.getByTestId('command-status');
    const answer = panel.getByTestId('command-answer');
    // An operator may send all four.
    await expect.poll(() => panel.getByRole('tab').count()).toBe(4);

    await panel.getByTestId('command-locationQuery').click();
    await panel.getByTestId('command-send').click();
    await expect.poll(() => status.getAttribute('data-status')).toBe('answered');
    expect(await status.textContent()).toContain('终端已应答');
    expect(await answer.textContent()).toContain('34.756789, 113.654321');
    expect(await answer.textContent()).toContain('36.5 km/h');

    await panel.getByTestId('command-textMessage').click();
    expect(await panel.getByTestId('command-send').isDisabled()).toBe(true);
    await panel.locator('input[name=text]').fill('请尽快联系监控中心');
    await panel.getByTestId('command-send').click();
    await expect.poll(() => answer.textContent()).toContain('成功');
    expect(terminalState.texts).toEqual(['请尽快联系监控中心']);

    await panel.getByTestId('command-setParameters').click();
    await panel.locator('input[name=param-id]').fill('0x0001');
    await panel.locator('input[name=param-value]').fill('30');
    await panel.getByTestId('command-send').click();
    await expect.poll(() => answer.textContent()).toContain('成功');
    expect(terminalState.parameters.get(0x0001)).toBe(30);

    await panel.getByTestId('command-queryParameters').click();
    await panel.getByTestId('command-send').click();
    await expect.poll(() => answer.textContent()).toContain('0x0001 终端心跳发送间隔');
    expect(await answer.textContent()).toContain('30 s');
    await screenshot(page, 'vehicle-commands');

    // A terminal that is not connected: the command is not sent and the panel says so.
    const admin = await pageAs(SEED.users.admin);
    await admin.goto(`${stack.url}/#/vehicles/4`);
    await admin.getByTestId('command-send').click();
    await expect.poll(() => admin.getByTestId('command-status').getAttribute('data-status')).toBe('offline');
    expect(await admin.getByTestId('command-status').textContent()).toContain('终端不在线');
  });

  it("shows a refused registration of a vehicle's terminal on its page, as an alert", async () => {
    const real = await stack.terminal('13900000005', 1);
    // Someone else registers the live terminal's phone with another terminal id.
    const impostor = new TerminalConnection({
      host: '127.0.0.1',
      port: stack.gatewayPort,
      phone: '13900000005',
      edition: '2013',
    });
    await impostor.connect();
    const refused = await impostor.request('registration', {
      edition: '2013',
      provinceId: 41,
      cityId: 100,
      manufacturerId: 'EVIL',
      model: 'M',
      terminalId: 'EVIL001',
      plateColor: 2,
      plate: '豫C20002',
    });
    impostor.destroy();
    expect(refused.body).toMatchObject({ result: 3 });
    const page = await pageAs(SEED.users.admin);
    await page.goto(`${stack.url}/#/vehicles/5`);
    const alert = page.getByTestId('events').locator('tr[data-kind="registration-refused"]');
    // Ingest stores the alert a moment after the refusal; the page shows what was stored on load.
    await expect
      .poll(
        async () => {
          await page.reload();
          await page.getByTestId('events').waitFor();
          return alert.count();
        },
        { timeout: 15_000 },
      )
      .toBe(1);
    expect(await alert.textContent()).toContain('注册被拒');
    expect(await alert.textContent()).toContain('终端在线时重复注册: EVIL001 / 豫C20002');
    await screenshot(page, 'vehicle-registration-refused');
    real.destroy();
  });

  it("keeps an operator of one center away from another center's vehicles", async () => {
    const page = await pageAs(SEED.users.operator);
    // Operators land on the map.
    await expect.poll(() => page.url()).toMatch(/#\/map$/);
    await page.getByTestId('nav-vehicles').click();
    const table = page.getByTestId('vehicles');
    await expect.poll(() => table.locator('tbody tr').count()).toBe(3);
    const text = await table.textContent();
    for (const vehicle of SEED.vehicles)
      expect(text?.includes(vehicle.plate), vehicle.plate).toBe(vehicle.center === 1);
    await page.locator('input[name=q]').fill('豫C');
    await page.locator('input[name=q]').press('Enter');
    await expect.poll(() => table.textContent()).toContain('没有找到车辆');
    // Typing another center's vehicle into the address gets the same answer as a missing one.
    await page.goto(`${stack.url}/#/vehicles/4`);
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('404');
    await page.getByTestId('nav-dashboard').click();
    await expect.poll(() => page.getByTestId('centers').locator('tbody tr').count()).toBe(1);
    expect(await page.getByTestId('centers').textContent()).not.toContain('洛阳');
    await screenshot(page, 'operator-scope');
  });

  it('switches between Chinese and English and remembers the choice', async () => {
    const page = await pageAs(SEED.users.admin);
    expect(await page.getByTestId('nav-tickets').textContent()).toBe('工单');
    await page.getByTestId('language').selectOption('en');
    await expect.poll(() => page.getByTestId('nav-tickets').textContent()).toBe('Tickets');
    expect(await page.getByTestId('nav-dashboard').textContent()).toBe('Dashboard');
    await page.reload();
    await expect.poll(() => page.getByTestId('nav-tickets').textContent()).toBe('Tickets');
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    await page.getByTestId('nav-dashboard').click();
    await page.getByTestId('centers').waitFor();
    await screenshot(page, 'dashboard-english');
    await page.getByTestId('language').selectOption('zh');
    await expect.poll(() => page.getByTestId('nav-tickets').textContent()).toBe('工单');
  });

  it('goes back to the login page on signing out', async () => {
    const page = await pageAs(SEED.users.admin);
    await page.getByRole('button', { name: '退出' }).click();
    await page.locator('input[name=username]').waitFor();
    expect(await page.getByTestId('whoami').count()).toBe(0);
  });

  it('returns to the login page when the session ends on the server', async () => {
    const page = await pageAs(SEED.users.operator);
    await page.getByTestId('nav-vehicles').click();
    await page.getByTestId('vehicles').waitFor();
    await stack.pool.query('DELETE FROM sessions');
    // The next request is answered 401: the click's, or a background one (the live feed
    // reconnecting, a poll) that takes the page to the login first and the link away with it.
    await page
      .getByTestId('nav-tickets')
      .click({ timeout: 3000 })
      .catch(() => {});
    await page.locator('input[name=username]').waitFor();
    expect(await page.getByTestId('whoami').count()).toBe(0);
  });
});
