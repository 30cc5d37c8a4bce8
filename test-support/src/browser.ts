import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContextOptions, chromium, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Why browser tests cannot run here, or undefined when they can. Under CI they must run. */
export const browserMissing = existsSync(CHROMIUM)
  ? undefined
  : `no chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`;
if (browserMissing && process.env.CI) throw new Error(`CI needs a browser: ${browserMissing}`);

/**
 * Screenshots of every browser test, kept as test artifacts (git-ignored). They all land in the
 * console's folder, whichever package's test took them: the console is what they show.
 */
export const ARTIFACTS = fileURLToPath(new URL('../../console/test-artifacts/', import.meta.url));

/**
 * Headless Debian chromium with no traffic of its own (updates, sync, background networking): the
 * console must work without internet. Playwright gives every launch a new, empty profile directory.
 * `webgl` is for the map: WebGL on the CPU (SwiftShader), as the machines running tests have no GPU.
 */
export function launchBrowser({ webgl = false } = {}): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      ...(webgl ? ['--use-gl=angle', '--use-angle=swiftshader', '--enable-unsafe-swiftshader'] : []),
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/** A page in a browser context of its own (own cookies and localStorage), Chinese and Beijing time. */
export async function newPage(
  browser: Browser,
  width = 1366,
  storageState?: BrowserContextOptions['storageState'],
): Promise<Page> {
  const context = await browser.newContext({
    viewport: { width, height: 900 },
    storageState,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
  });
  return context.newPage();
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/** Signs in through the login form. */
export async function signIn(
  page: Page,
  url: string,
  user: { username: string; password: string },
): Promise<void> {
  await page.goto(url);
  await page.locator('input[name=username]').fill(user.username);
  await page.locator('input[name=password]').fill(user.password);
  await page.locator('button[type=submit]').click();
  await page.getByTestId('whoami').waitFor();
}

/** A browser of its own and a page in it signed in as `user`, waiting 15 s at most for each step. */
export async function signedInPage(
  url: string,
  user: { username: string; password: string },
): Promise<{ browser: Browser; page: Page }> {
  const browser = await launchBrowser();
  const page = await newPage(browser);
  page.setDefaultTimeout(15_000);
  await signIn(page, url, user);
  return { browser, page };
}
