import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { browserMissing, launchBrowser, newPage, screenshot, signIn } from '@jt808/test-support/browser';
import { freePort } from '@jt808/test-support/ports';
import type { Browser, Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { built, start } from './launcher-process.js';

/**
 * The one-command demo as a user meets it: `npm start -- --speed 60` with the default scenario,
 * watched in chromium through the console. Within two minutes the map must show faulty and offline
 * terminals, the tickets page repair tickets the platform opened, and the dashboard figures.
 */
const consoleBuilt = existsSync(fileURLToPath(new URL('../../console/dist/index.html', import.meta.url)));
if (!browserMissing && !(built && consoleBuilt)) {
  throw new Error('the demo test runs the built platform and console: run npm run build first');
}

const dirs: string[] = [];
let browser: Browser | undefined;
afterAll(async () => {
  await browser?.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const count = async (page: Page, testId: string) => Number(await page.getByTestId(testId).textContent());

describe.skipIf(browserMissing !== undefined)('the demo in chromium (npm start -- --speed 60)', () => {
  it('shows faulty and offline terminals on the map, opens tickets and fills the dashboard within two minutes', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'jt808-demo-'));
    dirs.push(dataDir);
    const apiPort = await freePort();
    const seen = { faulty: 0, offline: 0, tickets: 0, centersFaulty: 0, slaTickets: 0, networked: '' };
    const run = await start(
      [
        // Enough terminals for the scenario's 1-2 % shares (drawn from the seed) to hit some of each.
        '--fleet',
        '200',
        '--speed',
        '60',
        '--port',
        String(await freePort()),
        '--http-port',
        String(await freePort()),
        '--api-port',
        String(apiPort),
        '--data-dir',
        dataDir,
        '--pg-port',
        String(await freePort()),
        // A bound; it is stopped as soon as the checks below pass.
        '--exit-after',
        '170',
      ],
      { DATABASE_URL: undefined, REDIS_URL: undefined },
      async (banner) => {
        // The embedded PostgreSQL's directory, when it is not under dataDir (run as root), goes too.
        const directory = /embedded PostgreSQL 15 in (\S+)/.exec(banner)?.[1];
        if (directory && !directory.startsWith(dataDir)) dirs.push(directory);
        expect(banner).toContain("the platform runs on the simulation's clock");
        const password = /user admin, password (\S+)/.exec(banner)?.[1] ?? '';
        const url = `http://127.0.0.1:${apiPort}/`;
        browser = await launchBrowser({ webgl: true });
        const page = await newPage(browser);
        await signIn(page, url, { username: 'admin', password });

        // The map: faulty and offline vehicles in the legend's totals, live.
        await page.getByTestId('nav-map').click();
        await page.getByTestId('fleet-map').waitFor();
        await expect
          .poll(
            async () =>
              Math.min(await count(page, 'map-total-faulty'), await count(page, 'map-total-offline')),
            {
              timeout: 60_000,
              interval: 1000,
            },
          )
          .toBeGreaterThan(0);
        seen.faulty = await count(page, 'map-total-faulty');
        seen.offline = await count(page, 'map-total-offline');
        await screenshot(page, 'demo-map');

        // Tickets: the status engine opens repair tickets for the faults that lasted (the page refreshes itself).
        await page.getByTestId('nav-tickets').click();
        const opened = page.getByTestId('column-new').locator('a.ticket');
        await expect.poll(() => opened.count(), { timeout: 60_000, interval: 1000 }).toBeGreaterThan(0);
        seen.tickets = await opened.count();
        await screenshot(page, 'demo-tickets');

        // The dashboard: centers with faulty vehicles, the open tickets by deadline, and the KPIs,
        // whose 入网率 counts from the hourly rollup that the housekeeping refreshes every minute.
        await page.getByTestId('nav-dashboard').click();
        const faultyCells = page.getByTestId('centers').getByTestId('faulty');
        await expect
          .poll(async () =>
            (await faultyCells.allTextContents()).reduce((sum, cell) => sum + Number(cell), 0),
          )
          .toBeGreaterThan(0);
        seen.centersFaulty = (await faultyCells.allTextContents()).reduce(
          (sum, cell) => sum + Number(cell),
          0,
        );
        const sla = await page.getByTestId('sla').locator('strong').allTextContents();
        seen.slaTickets = sla.reduce((sum, cell) => sum + Number(cell), 0);
        await expect
          .poll(
            async () => {
              await page.reload();
              const province = page.getByTestId('kpis').locator('tbody tr.province td');
              await province.first().waitFor();
              return province.nth(2).textContent();
            },
            { timeout: 90_000, interval: 5000 },
          )
          .not.toBe('0.0%');
        seen.networked =
          (await page.getByTestId('kpis').locator('tbody tr.province td').nth(2).textContent()) ?? '';
        await expect
          .poll(() => page.getByTestId('online-chart').locator('polyline, circle').count())
          .toBeGreaterThan(0);
        await screenshot(page, 'demo-dashboard');
      },
      { stopWhenDone: true },
    );
    expect(run.output).not.toContain('jt808-start:');
    expect(seen.faulty).toBeGreaterThan(0);
    expect(seen.offline).toBeGreaterThan(0);
    expect(seen.tickets).toBeGreaterThan(0);
    expect(seen.centersFaulty).toBeGreaterThan(0);
    expect(seen.slaTickets).toBeGreaterThan(0);
    expect(seen.networked).toMatch(/^[1-9]\d*\.\d%$/);
  }, 240_000);
});
