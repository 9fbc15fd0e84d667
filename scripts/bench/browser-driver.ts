// Runs the suite in headless Chromium: builds the bench page with Vite, serves it cross-origin
// isolated (WASM threads), and calls window.bench (scripts/bench/page/main.ts) through playwright-core.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { findChromium, openBrowser, type BrowserSession } from '../../tests/e2e/browser.ts';
import { REPO_ROOT, startServer, type BenchServer } from './server.ts';
import type { Driver } from './suite.ts';

type BenchApi = Record<string, unknown> & { ref: Record<string, unknown> };

export function buildBenchPage(): void {
  const r = spawnSync(
    join(REPO_ROOT, 'node_modules/.bin/vite'),
    ['build', '--config', 'scripts/bench/vite.config.ts'],
    {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'inherit', 'inherit'],
    },
  );
  if (r.status !== 0) throw new Error('building the benchmark page failed');
}

export interface BrowserContextHandle {
  driver: Driver;
  session: BrowserSession;
  server: BenchServer;
  close(): Promise<void>;
}

export async function openBrowserDriver(options: { extraArgs?: string[] } = {}): Promise<BrowserContextHandle> {
  const chromium = await findChromium();
  const server = await startServer({
    root: join(REPO_ROOT, '.cache/bench-dist'),
    modelDirs: [join(REPO_ROOT, '.cache/models'), join(REPO_ROOT, 'public/models')],
  });
  const session = await openBrowser(chromium, { extraArgs: options.extraArgs });
  const page: Page = session.page;
  const consoleErrors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().includes('favicon')) consoleErrors.push(m.text());
  });
  page.on('crash', () => consoleErrors.push('page crashed'));
  await page.goto(`${server.url}/`);
  await page.waitForFunction(() => document.title === 'bench ready', undefined, { timeout: 60_000 });

  const call = async <T>(path: string, ...args: unknown[]): Promise<T> => {
    try {
      return (await page.evaluate(
        ([p, a]) => {
          const parts = p.split('.');
          let target: unknown = (globalThis as unknown as { bench: BenchApi }).bench;
          let owner: unknown = null;
          for (const part of parts) {
            owner = target;
            target = (target as Record<string, unknown>)[part];
          }
          return (target as (...x: unknown[]) => unknown).apply(owner, a);
        },
        [path, args] as const,
      )) as T;
    } catch (error) {
      const extra = consoleErrors.length ? `\npage errors:\n${consoleErrors.slice(-5).join('\n')}` : '';
      throw new Error(`bench.${path} failed: ${error instanceof Error ? error.message : String(error)}${extra}`);
    }
  };

  const driver: Driver = {
    name: 'browser',
    env: () => call('env'),
    clearModelCache: async () => {
      await call('clearModelCache');
    },
    modelBytesSent: () => server.modelBytesSent(),
    storeLoad: (dtype, fresh, firstInput, verbalizerText) =>
      call('storeLoad', dtype, fresh, firstInput, verbalizerText),
    chooseWords: (inputs, edits) => call('chooseWords', inputs, edits),
    live: (kind, texts) => call('live', kind, texts),
    evaluate: (from, to, o) => call('evaluate', from, to, o),
    before: {
      load: (dtype) => call('beforeLoad', dtype),
      evaluate: (from, to, o) => call('beforeEvaluate', from, to, o),
      close: async () => {
        await call('beforeClose');
      },
    },
    labelIds: (v) => call('labelIds', v),
    labelRanks: (inputs, ids, k) => call('labelRanks', inputs, ids, k),
    renderTexts: (inputs, mask) => call('renderTexts', inputs, mask),
    ref: {
      fresh: async () => {
        await call('ref.terminate');
      },
      create: (dtype, variant) => call('ref.create', dtype, variant),
      release: async (variant) => {
        await call('ref.release', variant);
      },
      shapes: (variant, shapes) => call('ref.shapes', variant, shapes),
      singles: (variant, lengths) => call('ref.singles', variant, lengths),
      naiveLoad: (dtype) => call('ref.naiveLoad', dtype),
      naive: (texts, topK, labelIds) => call('ref.naive', texts, topK, labelIds),
      naiveDispose: async () => {
        await call('ref.naiveDispose');
      },
      close: async () => {
        await call('ref.terminate');
      },
    },
  };
  return {
    driver,
    session,
    server,
    close: async () => {
      await session.close().catch(() => undefined);
      await server.close();
    },
  };
}
