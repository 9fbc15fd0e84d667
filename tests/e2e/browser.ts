// Launches Chromium through playwright-core in a fresh profile. The browser comes from the npm
// registry (@sparticuz/chromium ships a packed headless Chromium inside the package), so
// `npm install` is the whole set-up; CHROMIUM_PATH overrides it. Nothing is downloaded at run time.
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/**
 * The Chromium the tests and the benchmark drive: CHROMIUM_PATH when set, else the one the npm
 * package ships (unpacked into the temp folder on first use, ~2 s). A system Chromium is not
 * preferred: every machine then runs the same pinned version, whatever its distribution has.
 */
export async function findChromium(): Promise<string> {
  const override = process.env.CHROMIUM_PATH;
  if (override) {
    if (!existsSync(override)) throw new Error(`CHROMIUM_PATH points to ${override}, which does not exist.`);
    return override;
  }
  const { default: packaged } = await import('@sparticuz/chromium');
  return packaged.executablePath();
}

export const screenshotDir = resolve(import.meta.dirname, '../../test-results/screenshots');

export interface BrowserSession {
  context: BrowserContext;
  page: Page;
  /** Messages the page logged as errors, and uncaught exceptions: tests assert there are none. */
  pageErrors: string[];
  close(): Promise<void>;
}

export async function openBrowser(
  executablePath: string,
  options: { profileDir?: string; locale?: string; extraArgs?: string[]; colorScheme?: 'light' | 'dark' } = {},
): Promise<BrowserSession> {
  const profileDir = options.profileDir ?? mkdtempSync(join(tmpdir(), 'clozelab-e2e-'));
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath,
    headless: true,
    locale: options.locale ?? 'en-US',
    colorScheme: options.colorScheme ?? 'light',
    viewport: { width: 1440, height: 900 },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      ...(options.extraArgs ?? []),
    ],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(String(error)));
  return {
    context,
    page,
    pageErrors,
    close: () => context.close(),
  };
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(screenshotDir, { recursive: true });
  const path = join(screenshotDir, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
