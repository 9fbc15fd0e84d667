// Hosting anywhere (docs/hosting.md): the built dist/ on a plain static server that sends no COOP,
// COEP or CSP header. The service worker (src/sw/service-worker.ts) gets the page cross-origin
// isolated after one reload, keeps the app's CSP in force, and keeps the shell so that the app
// opens and scores offline; a new deploy replaces the old shell cache.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page, Response } from 'playwright-core';
import { afterEach, describe, expect, inject, test } from 'vitest';
import { contentSecurityPolicy } from '../../scripts/csp';
import { ISOLATION_RELOAD_KEY } from '../../src/sw/register';
import { openBrowser, screenshot, type BrowserSession } from './browser';
import { expectDistribution, loadTestModel, readDistribution, waitForFreshResults } from './helpers';
import { startStaticServer, type StaticServer } from './static-server';
import { startTlsHub, type TlsHub } from './tls-hub';

const chromiumPath = inject('chromiumPath');
const DIST = resolve(import.meta.dirname, '../../dist');
/** The runtime's own cap on WASM threads (src/runtime/worker.ts). */
const MAX_THREADS = 8;

let session: BrowserSession | undefined;
let server: StaticServer | undefined;
let hub: TlsHub | undefined;
afterEach(async () => {
  await session?.close();
  await server?.close();
  await hub?.close();
  expect(session?.pageErrors ?? []).toEqual([]);
  session = undefined;
  server = undefined;
  hub = undefined;
});

/** Opens the app on the header-less server and waits for the service worker's one reload. */
async function openIsolated(url: string, extraArgs: string[] = []): Promise<{ page: Page; documents: Response[] }> {
  session = await openBrowser(chromiumPath, { extraArgs });
  const { page } = session;
  const documents = recordDocuments(page);
  await page.goto(`${url}/`);
  await page.waitForFunction(() => window.crossOriginIsolated, undefined, { timeout: 60_000 });
  await page.getByTestId('model-status').waitFor();
  return { page, documents };
}

/** The main frame's document responses, in order: one per navigation. */
function recordDocuments(page: Page): Response[] {
  const documents: Response[] = [];
  page.on('response', (response) => {
    if (response.request().isNavigationRequest() && response.frame() === page.mainFrame()) documents.push(response);
  });
  return documents;
}

/** Cache name → URLs it holds, from the page's origin. */
function readCaches(page: Page): Promise<Record<string, string[]>> {
  return page.evaluate(async () => {
    const out: Record<string, string[]> = {};
    for (const name of await caches.keys()) out[name] = (await (await caches.open(name)).keys()).map((r) => r.url);
    return out;
  });
}

/** The model panel's badge of WASM threads, e.g. '2 threads'. */
async function threadBadge(page: Page): Promise<string | undefined> {
  const badges = await page.getByTestId('model-status').locator('.badge').allTextContents();
  return badges.find((text) => /^\d+ threads?$/.test(text.trim()))?.trim();
}

async function expectScores(page: Page): Promise<void> {
  await waitForFreshResults(page);
  expectDistribution(await readDistribution(page, 0), ['positive', 'negative']);
  await expect(page.getByTestId('result-card').first().locator('.recharts-bar-rectangle').count()).resolves.toBe(2);
}

describe('hosting on a static server without headers', () => {
  test('under a sub-path: one reload to isolation, all WASM threads, the CSP header in force, offline after the first visit', async () => {
    server = await startStaticServer(DIST, '/clozelab/');
    session = await openBrowser(chromiumPath);
    const { page } = session;
    const documents = recordDocuments(page);
    const consoleErrors: string[] = [];
    page.on('console', (msg) => {
      // Expected: at start the app asks its own server for a local copy of the setup's Hub model
      // (src/store/local-copy.ts), and there is none.
      const localCopyProbe = /\/models\/[^/]+\/[^/]+\/config\.json$/.test(msg.location().url);
      if (msg.type() === 'error' && !localCopyProbe) consoleErrors.push(`${msg.text()} (${msg.location().url})`);
    });

    const first = await page.goto(`${server.url}/`);
    // The host really sends none of the headers the app needs.
    for (const header of ['cross-origin-opener-policy', 'cross-origin-embedder-policy', 'content-security-policy'])
      expect(first?.headers()[header]).toBeUndefined();
    await page.waitForFunction(() => window.crossOriginIsolated, undefined, { timeout: 60_000 });
    await page.getByTestId('model-status').waitFor();
    // Exactly one reload, through the service worker, which added the headers.
    expect(documents).toHaveLength(2);
    const second = documents[1]!;
    expect(second.fromServiceWorker()).toBe(true);
    expect(second.headers()['cross-origin-opener-policy']).toBe('same-origin');
    expect(second.headers()['cross-origin-embedder-policy']).toBe('require-corp');
    expect(second.headers()['content-security-policy']).toBe(contentSecurityPolicy());
    expect(await page.evaluate((key) => sessionStorage.getItem(key), ISOLATION_RELOAD_KEY)).toBeNull();
    expect(consoleErrors).toEqual([]);

    // The CSP is in force twice over: injected inline script does not run, and each of the two
    // policies — the <meta> of index.html and the header from the service worker — reports it.
    const inline = await page.evaluate(async () => {
      const policies: string[] = [];
      // Reports are queued as tasks: wait for both, or give up after a while and compare what came.
      const both = new Promise<void>((done) => {
        document.addEventListener('securitypolicyviolation', (e) => {
          policies.push(e.originalPolicy);
          if (policies.length === 2) done();
        });
        setTimeout(done, 5_000);
      });
      const s = document.createElement('script');
      s.textContent = 'window.__pwned = 1';
      document.body.append(s);
      await both;
      return { ran: (window as unknown as { __pwned?: number }).__pwned ?? null, policies: policies.sort() };
    });
    expect(inline).toEqual({
      ran: null,
      policies: [contentSecurityPolicy(), contentSecurityPolicy({ forMeta: true })].sort(),
    });
    // …and so is what only the header can say: frame-ancestors 'none' keeps the app out of a frame
    // (a blocked frame shows an error page of another origin, so its document is unreadable).
    const framed = await page.evaluate(async (src) => {
      const frame = document.createElement('iframe');
      frame.src = src;
      const loaded = new Promise((r) => frame.addEventListener('load', r, { once: true }));
      document.body.append(frame);
      await loaded;
      const readable = frame.contentDocument !== null;
      frame.remove();
      return readable;
    }, `${server.url}/index.html?framed`);
    expect(framed).toBe(false);
    consoleErrors.length = 0; // the browser logs the violations just provoked

    // The model runs on every core (this machine's count, up to the runtime's cap), from the
    // sub-path's models folder.
    const cores = await page.evaluate(() => navigator.hardwareConcurrency);
    await loadTestModel(page);
    expect(await threadBadge(page)).toBe(`${Math.min(cores, MAX_THREADS)} threads`);
    await expectScores(page);
    await screenshot(page, 'hosting-static-isolated');

    // The shell cache holds the build's shell (and no model file); the model sits in Transformers.js's cache.
    const cached = await readCaches(page);
    const shellCaches = Object.keys(cached).filter((name) => name.startsWith('clozelab-shell '));
    expect(shellCaches).toHaveLength(1);
    const shellUrls = cached[shellCaches[0]!]!;
    expect(shellUrls).toContain(`${server.url}/index.html`);
    expect(shellUrls.some((url) => url.endsWith('.wasm'))).toBe(true);
    expect(shellUrls.filter((url) => url.includes('/models/'))).toEqual([]);
    expect(cached['transformers-cache']).toContain(
      `${server.url}/models/clozelab-test/bert-tiny/onnx/model_quantized.onnx`,
    );
    expect(documents).toHaveLength(2);
    expect(consoleErrors).toEqual([]);

    // The server goes away: the app still opens (isolated), loads the cached model and scores.
    await server.close();
    const offline = await page.reload();
    expect(offline?.fromServiceWorker()).toBe(true);
    await expect(page.title()).resolves.toBe('ClozeLab');
    expect(await page.evaluate(() => window.crossOriginIsolated)).toBe(true);
    await loadTestModel(page);
    expect(await threadBadge(page)).toBe(`${Math.min(cores, MAX_THREADS)} threads`);
    await expectScores(page);
    await screenshot(page, 'hosting-offline');
    expect(consoleErrors).toEqual([]);
  });

  test('when the headers do not make the page isolated: one reload, then the app runs on one thread — no loop', async () => {
    server = await startStaticServer(DIST, '/');
    // A service worker that adds no header stands in for a browser that ignores them.
    const sw = readFileSync(resolve(DIST, 'sw.js'), 'utf8');
    const headerless = sw.replace(/"headers":\{[^}]*\}/, '"headers":{}');
    expect(headerless).not.toBe(sw);
    server.override('sw.js', headerless);
    session = await openBrowser(chromiumPath);
    const { page } = session;
    const documents = recordDocuments(page);
    await page.goto(`${server.url}/`);
    await expect.poll(() => documents.length, { timeout: 60_000 }).toBe(2);
    await page.getByTestId('model-status').waitFor();
    // The second page is under the worker; its own check runs first and must not reload again.
    const state = await page.evaluate(async (key) => {
      await navigator.serviceWorker.ready;
      await new Promise((r) => setTimeout(r, 0));
      return {
        isolated: window.crossOriginIsolated,
        controlled: navigator.serviceWorker.controller !== null,
        flag: sessionStorage.getItem(key) !== null,
      };
    }, ISOLATION_RELOAD_KEY);
    expect(state).toEqual({ isolated: false, controlled: true, flag: true });
    await loadTestModel(page);
    expect(await threadBadge(page)).toMatch(/^1 threads?$/);
    await expectScores(page);
    expect(documents).toHaveLength(2);
  });

  test('a new deploy: the new service worker takes over, reuses unchanged hashed files, drops the old shell cache and tells the open page', async () => {
    server = await startStaticServer(DIST, '/');
    const { page, documents } = await openIsolated(server.url);
    const before = Object.keys(await readCaches(page)).filter((name) => name.startsWith('clozelab-shell '));
    expect(before).toHaveLength(1);

    // A deploy whose only change is the shell's version: new sw.js bytes, the same files.
    const sw = readFileSync(resolve(DIST, 'sw.js'), 'utf8');
    const version = /"version":"([0-9a-f]+)"/.exec(sw)?.[1];
    expect(version).toBeTruthy();
    server.override('sw.js', sw.replace(`"version":"${version}"`, '"version":"next-deploy"'));
    const requestsBefore = server.requests.length;
    await page.evaluate(async () => {
      const registration = await navigator.serviceWorker.getRegistration();
      await registration?.update();
    });
    await page.getByTestId('notice').getByText('A new version of ClozeLab was installed').waitFor({ timeout: 60_000 });
    // The page hears of the new worker before its activate step (the clean-up) has finished.
    await page.waitForFunction(() => navigator.serviceWorker.controller?.state === 'activated');

    const after = Object.keys(await readCaches(page)).filter((name) => name.startsWith('clozelab-shell '));
    expect(after).toEqual([before[0]!.replace(version!, 'next-deploy')]);
    const fetched = server.requests.slice(requestsBefore);
    // index.html and the unhashed public files are fetched again; hashed assets were copied.
    expect(fetched).toContain('/index.html');
    expect(fetched.filter((path) => path.startsWith('/assets/'))).toEqual([]);
    // The open page keeps running (no reload), still isolated.
    expect(documents).toHaveLength(2);
    expect(await page.evaluate(() => window.crossOriginIsolated)).toBe(true);
  });

  test('a Hub model downloads into the isolated page: COEP require-corp lets the CORS fetches of the Hub through', async () => {
    server = await startStaticServer(DIST, '/');
    const id = 'hub-test/bert-tiny';
    hub = await startTlsHub({ [id]: resolve(import.meta.dirname, '../../public/models/clozelab-test/bert-tiny') });
    const { page } = await openIsolated(server.url, hub.chromiumArgs);
    expect(await page.evaluate(() => window.crossOriginIsolated)).toBe(true);
    await page.getByLabel('Any Hugging Face Hub model id', { exact: true }).fill(id);
    await page.getByRole('button', { name: 'Load', exact: true }).click();
    await page.getByTestId('model-status').getByText('Ready').waitFor({ timeout: 60_000 });
    // The ONNX file came from the (stand-in) Hub: the static server has no copy of this model.
    expect(hub.hits.some((h) => h.status === 200 && h.url.endsWith('.onnx') && h.bytes > 0)).toBe(true);
    await expectScores(page);
  });
});
