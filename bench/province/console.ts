import { chromium } from 'playwright-core';
import { chromiumArgs } from '../console-map/chromium.js';

/**
 * The console open on the map in headless chromium, signed in as an administrator, as an operator
 * on duty keeps it: it loads the whole fleet and then follows the live feed for as long as it is
 * open. `read()` returns what the map's legend counts by status at that moment.
 */
export interface OpenConsole {
  read(): Promise<Record<string, number>>;
  close(): Promise<void>;
}

const STATUSES = ['never-seen', 'moving', 'parked', 'offline', 'faulty'] as const;

export async function openConsole(
  executablePath: string,
  apiPort: number,
  admin: { username: string; password: string },
): Promise<OpenConsole> {
  const url = `http://127.0.0.1:${apiPort}`;
  const browser = await chromium.launch({
    executablePath,
    headless: true,
    // As bench:console-map runs it by default: software WebGL through SwiftShader.
    args: chromiumArgs('software'),
  });
  try {
    const context = await browser.newContext();
    const signIn = await context.request.post(`${url}/api/login`, { data: admin });
    if (!signIn.ok()) throw new Error(`console sign-in: ${signIn.status()}`);
    const page = await context.newPage();
    await page.goto(`${url}/#/map`);
    // The fleet is loaded once the legend counts every vehicle in scope.
    await page.waitForFunction(
      () => {
        const { document } = globalThis as unknown as {
          document: { querySelector(selector: string): { getAttribute(name: string): string | null } | null };
        };
        return Number(document.querySelector('[data-testid=map-in-scope]')?.getAttribute('data-count')) > 0;
      },
      undefined,
      { timeout: 180_000, polling: 500 },
    );
    return {
      async read() {
        const counts: Record<string, number> = {};
        for (const status of STATUSES) {
          const text = await page.getByTestId(`map-total-${status}`).textContent();
          counts[status] = Number((text ?? '').replace(/\D/g, ''));
        }
        counts.inScope = Number(await page.getByTestId('map-in-scope').getAttribute('data-count'));
        return counts;
      },
      close: () => browser.close(),
    };
  } catch (error) {
    await browser.close();
    throw error;
  }
}
