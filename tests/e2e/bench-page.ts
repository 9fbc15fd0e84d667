// The benchmark page (scripts/bench/page) built, served cross-origin isolated and open in Chromium:
// the e2e tests that drive the app's runtime worker directly (window.bench) start from here.
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { inject } from 'vitest';
import { startServer, type BenchServer } from '../../scripts/bench/server.ts';
import { openBrowser, type BrowserSession } from './browser';

export const REPO_ROOT = resolve(import.meta.dirname, '../..');

export interface BenchPage {
  server: BenchServer;
  browser: BrowserSession;
  close(): Promise<void>;
}

/** Builds the page, serves it with the test models and waits until it says it is ready. */
export async function openBenchPage(options: { extraArgs?: string[] } = {}): Promise<BenchPage> {
  const built = spawnSync(
    join(REPO_ROOT, 'node_modules/.bin/vite'),
    ['build', '--config', 'scripts/bench/vite.config.ts'],
    { cwd: REPO_ROOT, stdio: 'inherit' },
  );
  if (built.status !== 0) throw new Error('building the benchmark page failed');
  const server = await startServer({
    root: join(REPO_ROOT, '.cache/bench-dist'),
    modelDirs: [join(REPO_ROOT, 'public/models')],
  });
  const closeAll = async (session?: BrowserSession): Promise<void> => {
    await session?.close();
    await server.close();
  };
  const browser = await openBrowser(inject('chromiumPath'), options).catch(async (error: unknown) => {
    await closeAll();
    throw error;
  });
  try {
    await browser.page.goto(`${server.url}/`);
    await browser.page.waitForFunction(() => document.title === 'bench ready', undefined, { timeout: 60_000 });
  } catch (error) {
    await closeAll(browser);
    throw error;
  }
  return {
    server,
    browser,
    close: () => closeAll(browser),
  };
}
