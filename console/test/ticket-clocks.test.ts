import { saveUser } from '@jt808/api';
import { browserMissing, launchBrowser, newPage, screenshot, signIn } from '@jt808/test-support/browser';
import { hasPostgres } from '@jt808/test-support/postgres';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED, Stack } from './stack.js';

/**
 * The clocks tied to the work, in chromium: the desk answers a caller from the ticket page (the
 * first-answer clock), the operator dispatches a crew with its distance class, the service point
 * appoints, arrives (the visit clock, lateness against the appointment) and ships a spare part
 * (the spare-parts clock) — each a button, each checked in the database.
 */
describe.skipIf(!hasPostgres || browserMissing !== undefined)('ticket clocks in chromium', () => {
  const stack = new Stack();
  let browser: Browser;
  const desk = { username: 'desk1', password: 'desk1-secret' };
  let ticketId: string;

  const pageAs = async (user: { username: string; password: string }): Promise<Page> => {
    const page = await newPage(browser);
    page.setDefaultTimeout(15_000);
    await signIn(page, stack.url, user);
    return page;
  };
  const clock = async (name: string) =>
    (
      await stack.pool.query<{ met_at: Date | null }>(
        'SELECT met_at FROM service_clocks WHERE ticket_id = $1 AND clock = $2',
        [ticketId, name],
      )
    ).rows[0]!.met_at;

  beforeAll(async () => {
    await stack.start();
    await saveUser(stack.pool, { ...desk, role: 'desk', centerIds: [1] });
    browser = await launchBrowser();
    // A severity-1 hardware fault called in to the desk: first answer, visit and spare-parts clocks.
    const login = await stack.api.inject({ method: 'POST', url: '/api/login', payload: desk });
    const cookie = `jt808_session=${login.cookies.find((c) => c.name === 'jt808_session')!.value}`;
    const call = await stack.api.inject({
      method: 'POST',
      url: '/api/desk/calls',
      headers: { cookie },
      payload: {
        callerPhone: '13800001111',
        vehicle: { plate: SEED.vehicles[0].plate },
        description: '主机不开机',
        category: 'hardware',
        severity: 1,
      },
    });
    expect(call.statusCode).toBe(201);
    ticketId = call.json().ticketId;
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await stack.stop();
  });

  it('the desk answers the caller from the ticket page', async () => {
    const page = await pageAs(desk);
    await page.goto(`${stack.url}/#/tickets/${ticketId}`);
    const clocks = page.getByTestId('ticket-clocks');
    await expect.poll(() => clocks.locator('tbody tr').count()).toBe(3);
    expect(await page.getByTestId('clock-first-answer').getAttribute('data-state')).toBe('running');
    await page.getByTestId('clock-action-answer').click();
    await expect
      .poll(() => page.getByTestId('clock-first-answer').getAttribute('data-state'))
      .toBe('metInTime');
    expect(await page.getByTestId('clock-action-answer').count()).toBe(0);
    expect(await clock('first-answer')).not.toBeNull();
    await screenshot(page, 'ticket-clocks-answered');
  });

  it('the operator dispatches a crew coming from nearby: the on-site deadline follows', async () => {
    const page = await pageAs(SEED.users.operator);
    await page.goto(`${stack.url}/#/tickets/${ticketId}`);
    const dispatch = page.getByTestId('action-dispatch');
    await dispatch.locator('input[name=installer]').fill('王师傅');
    await dispatch.locator('select[name=distance]').selectOption({ label: '周边' });
    await dispatch.getByRole('button').click();
    await expect.poll(() => page.getByTestId('ticket-state').getAttribute('data-state')).toBe('dispatched');
    const { rows } = await stack.pool.query(
      `SELECT distance, (extract(epoch FROM onsite_due - opened_at) / 3600)::int AS hours, service_point_id FROM tickets WHERE id = $1`,
      [ticketId],
    );
    expect(rows[0]).toEqual({ distance: 'nearby', hours: 24, service_point_id: 1 });
    // The first answer is met: its button is gone for everyone.
    expect(await page.getByTestId('clock-action-answer').count()).toBe(0);
  });

  it('the service point appoints, arrives late and ships a spare part', async () => {
    const page = await pageAs(SEED.users.service);
    await page.goto(`${stack.url}/#/tickets/${ticketId}`);
    // The first answer is the desk's: no answer button for a service point.
    await page.getByTestId('ticket-clocks').waitFor();
    expect(await page.getByTestId('clock-action-answer').count()).toBe(0);

    // Appointed for 40 minutes ago: the page counts the wait past it until someone arrives.
    const appointment = new Date(Date.now() - 40 * 60_000);
    const local = new Date(appointment.getTime() + 8 * 3_600_000).toISOString().slice(0, 16);
    await page.getByTestId('action-appoint').locator('input[name=at]').fill(local);
    await page.getByTestId('action-appoint').getByRole('button').click();
    await expect.poll(() => page.getByTestId('ticket-state').getAttribute('data-state')).toBe('appointed');
    await expect
      .poll(() => page.getByTestId('arrival-lateness').textContent())
      .toMatch(/已过预约 (39|40|41) 分钟/);

    await page.getByTestId('action-arrive').getByRole('button').click();
    await expect.poll(() => page.getByTestId('ticket-state').getAttribute('data-state')).toBe('on-site');
    await expect.poll(() => page.getByTestId('clock-visit').getAttribute('data-state')).toBe('metInTime');
    await expect
      .poll(() => page.getByTestId('arrival-lateness').textContent())
      .toMatch(/迟到 (39|40|41) 分钟/);
    const { rows } = await stack.pool.query('SELECT arrived_at FROM tickets WHERE id = $1', [ticketId]);
    expect(await clock('visit')).toEqual(rows[0].arrived_at);

    await page.getByTestId('clock-action-ship-spare').click();
    await expect
      .poll(() => page.getByTestId('clock-spare-parts').getAttribute('data-state'))
      .toBe('metInTime');
    expect(await page.getByTestId('clock-action-ship-spare').count()).toBe(0);
    expect(await clock('spare-parts')).not.toBeNull();
    await screenshot(page, 'ticket-clocks-service-point');
  });

  it('the service point records a patrol and hands in its report; an overdue one shows', async () => {
    // A patrol made ten days ago and never reported: overdue.
    const { rows } = await stack.pool.query<{ id: string }>(
      `INSERT INTO patrol_inspections (center_id, service_point_id, vehicles, inspected_at, note, recorded_by, report_due)
       VALUES (1, 1, 5, now() - interval '10 days', '上次巡检', 'sp1', now() - interval '5 days') RETURNING id`,
    );
    const page = await pageAs(SEED.users.service);
    await page.getByTestId('nav-patrols').click();
    const overdue = page.getByTestId(`patrol-${rows[0]!.id}`);
    await expect.poll(() => overdue.getAttribute('data-state')).toBe('overdue');
    expect(await overdue.textContent()).toContain('报告逾期');

    const form = page.getByTestId('patrol-form');
    // A service point is offered its own service point only.
    expect(await form.locator('select[name=servicePoint] option').allTextContents()).toEqual(['郑州服务站']);
    await form.locator('input[name=vehicles]').fill('12');
    await form.locator('input[name=note]').fill('郑州物流车队终端巡检');
    await form.getByRole('button').click();
    await expect.poll(() => page.getByTestId('patrol-saved').textContent()).toMatch(/已登记巡检，报告截止/);
    const { rows: made } = await stack.pool.query<{
      id: string;
      vehicles: number;
      three_days_or_more: boolean;
    }>(
      `SELECT id, vehicles, report_due > inspected_at + interval '3 days' - interval '1 minute' AS three_days_or_more
         FROM patrol_inspections WHERE note = '郑州物流车队终端巡检'`,
    );
    expect(made).toEqual([expect.objectContaining({ vehicles: 12, three_days_or_more: true })]);
    const row = page.getByTestId(`patrol-${made[0]!.id}`);
    await expect.poll(() => row.getAttribute('data-state')).toBe('waiting');
    await row.locator('textarea').fill('12台终端全部在线，1台天线松动已紧固');
    await row.getByRole('button').click();
    // Reported: it leaves the list of patrols without a report, and shows with all of them.
    await expect.poll(() => row.count()).toBe(0);
    await page.locator('input[name=openOnly]').uncheck();
    await expect.poll(() => row.getAttribute('data-state')).toBe('reported');
    const { rows: reported } = await stack.pool.query(
      'SELECT report, reported_by FROM patrol_inspections WHERE id = $1',
      [made[0]!.id],
    );
    expect(reported).toEqual([{ report: '12台终端全部在线，1台天线松动已紧固', reported_by: 'sp1' }]);
    // The on-site hours are read here, not changed: a service point sees its center's, no inputs.
    const hours = page.getByTestId('onsite-hours');
    await expect.poll(() => hours.locator('tbody tr').count()).toBe(1);
    expect(await hours.locator('input').count()).toBe(0);
    expect(await page.getByTestId('onsite-1').textContent()).toContain('12');
    await screenshot(page, 'patrols-service-point');
  });

  it("an administrator sets a center's on-site hours by distance", async () => {
    const page = await pageAs(SEED.users.admin);
    await page.goto(`${stack.url}/#/patrols`);
    const row = page.getByTestId('onsite-1');
    await expect.poll(() => row.locator('input[name=local]').inputValue()).toBe('12');
    await row.locator('input[name=local]').fill('10');
    await row.locator('input[name=other-region]').fill('72');
    await row.getByRole('button').click();
    await expect.poll(() => row.getByRole('status').textContent()).toBe('已保存');
    const { rows } = await stack.pool.query(
      'SELECT onsite_hours_local, onsite_hours_nearby, onsite_hours_other_region FROM center_settings WHERE center_id = 1',
    );
    expect(rows).toEqual([
      { onsite_hours_local: 10, onsite_hours_nearby: 24, onsite_hours_other_region: 72 },
    ]);
    // Both centers for the province's administrator.
    expect(await page.getByTestId('onsite-hours').locator('tbody tr').count()).toBe(2);
    await screenshot(page, 'onsite-hours-admin');
  });
});
