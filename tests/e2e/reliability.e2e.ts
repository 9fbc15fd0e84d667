// Failures recovered, nothing lost, in real Chromium on the built app: the model worker ended from
// outside or crashing mid-run; a model download that breaks halfway (a real dropped connection);
// a full storage; two tabs on one workspace; and the page staying responsive with a 100 kB input
// and a 1,000-label verbalizer.
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page, Worker } from 'playwright-core';
import { describe, expect, inject, test } from 'vitest';
import { DEFAULT_SCORING_OPTIONS } from '../../src/core/scoring';
import { SETUP_VERSION, type PromptSetup } from '../../src/core/setup';
import { formatVerbalizer } from '../../src/core/verbalizer';
import { serializeWorkspace, WORKSPACE_KEY } from '../../src/store/persistence';
import { screenshot } from './browser';
import { browserSessions, loadTestModel, readDistribution, typeInto, waitForFreshResults } from './helpers';
import { startTlsHub } from './tls-hub';

/** A failed load as the page shows it: the model panel's error, or a failed request for another model. */
const FAILED_LOAD = '[data-testid="model-error"], [data-testid="model-request"][data-status="failed"]';

const baseURL = inject('baseURL');
const chromiumPath = inject('chromiumPath');
const ROOT = resolve(import.meta.dirname, '../..');

const open = browserSessions(chromiumPath);

function setup(): PromptSetup {
  return {
    version: SETUP_VERSION,
    compareModel: null,
    verbalizerVariants: [],
    grid: null,
    name: 'Reliability e2e',
    model: { id: 'clozelab-test/bert-tiny', source: 'local', dtype: 'fp32', device: 'wasm' },
    templates: [{ id: 't1', name: 'Overall', text: '[X] Overall, it was a [Z] movie.' }],
    activeTemplateId: 't1',
    verbalizer: {
      labels: [
        { label: 'positive', words: ['great', 'good'] },
        { label: 'negative', words: ['terrible', 'bad'] },
      ],
    },
    scoring: { ...DEFAULT_SCORING_OPTIONS },
    inputs: [{ X: 'A fine film.' }, { X: 'Dull and long.' }],
  };
}

/**
 * Resolves once `to` has received the 'storage' events of everything `from` wrote so far: events
 * of one tab arrive in order, so a probe written now arrives after them. Then one more task, for
 * the app's handler to render. No waiting for a fixed time.
 */
async function storageSettled(from: Page, to: Page): Promise<void> {
  const token = `${Date.now()}-${Math.random()}`;
  await to.evaluate((t) => {
    (window as unknown as { __probe?: Promise<void> }).__probe = new Promise<void>((resolve) => {
      const on = (event: StorageEvent) => {
        if (event.key !== 'e2e-probe' || event.newValue !== t) return;
        window.removeEventListener('storage', on);
        setTimeout(() => setTimeout(resolve, 0), 0);
      };
      window.addEventListener('storage', on);
    });
  }, token);
  await from.evaluate((t) => localStorage.setItem('e2e-probe', t), token);
  await to.evaluate(() => (window as unknown as { __probe?: Promise<void> }).__probe);
}

/** The app's model worker (not ONNX Runtime's thread workers). */
async function runtimeWorker(page: Page): Promise<Worker> {
  for (let i = 0; i < 100; i++) {
    const found = page.workers().find((w) => /\/assets\/worker-[^/]*\.js/.test(w.url()));
    if (found) return found;
    await page.waitForTimeout(100);
  }
  throw new Error(
    `no runtime worker among ${page
      .workers()
      .map((w) => w.url())
      .join(', ')}`,
  );
}

async function distributions(page: Page): Promise<Record<string, number>[]> {
  const n = await page.getByTestId('result-card').count();
  const out = [];
  for (let i = 0; i < n; i++) out.push(await readDistribution(page, i));
  return out;
}

const CSV = [
  'text,label',
  ...Array.from(
    { length: 1500 },
    (_, i) =>
      `"Review number ${i}, which was ${i % 2 ? 'great' : 'awful'} in every way.",${i % 2 ? 'positive' : 'negative'}`,
  ),
].join('\n');

describe('reliability', () => {
  test('the model worker ended mid-run (from outside, then by an uncaught error): the page says so, restarts it, and keeps the workspace and results', async () => {
    const s = await open();
    const saved = serializeWorkspace({ setup: setup(), verbalizerText: formatVerbalizer(setup().verbalizer) });
    // The saved workspace is in place before the app's first script runs, so no startup of a
    // default workspace can race with it (a reload after writing it could be overtaken by a save).
    await s.context.addInitScript(
      ([key, value]) => {
        if (sessionStorage.getItem('clozelab-e2e-seeded')) return;
        sessionStorage.setItem('clozelab-e2e-seeded', '1');
        localStorage.setItem(key, value);
      },
      [WORKSPACE_KEY, saved] as const,
    );
    await s.page.goto(baseURL);
    const { page } = s;
    await page.getByTestId('model-status').getByText('Ready').waitFor({ timeout: 60_000 });
    await waitForFreshResults(page);
    const before = await distributions(page);

    // An evaluation is running when the worker goes away.
    await page.getByRole('button', { name: 'Evaluate' }).click();
    await page
      .getByTestId('eval-file')
      .setInputFiles({ name: 'many.csv', mimeType: 'text/csv', buffer: Buffer.from(CSV, 'utf8') });
    await page.getByTestId('eval-run').click();
    await page.getByTestId('eval-progress').waitFor();
    const first = await runtimeWorker(page);
    // The worker closes itself: no error event, it is just gone (like a discarded or killed worker).
    void first.evaluate(() => (self as unknown as { close(): void }).close()).catch(() => {});
    const notice = page.getByTestId('notice').filter({ hasText: 'The model worker stopped unexpectedly' });
    await notice.waitFor({ timeout: 15_000 });
    await expect(notice.textContent()).resolves.toContain('The model worker was terminated.');
    await page.getByTestId('eval-failed').waitFor();
    await screenshot(page, 'reliability-worker-terminated');
    await notice.getByRole('button', { name: 'Dismiss' }).click();
    await page.getByRole('button', { name: 'Playground' }).click();
    await page.getByTestId('model-status').getByText('Ready').waitFor({ timeout: 60_000 });

    // A fresh worker runs the evaluation to the end.
    await page.getByRole('button', { name: 'Evaluate' }).click();
    await page.getByTestId('eval-run').click();
    await page.getByTestId('eval-results').waitFor({ timeout: 60_000 });

    // An uncaught error inside the new worker: reported with its message, restarted again.
    const second = await runtimeWorker(page);
    expect(second).not.toBe(first);
    await second.evaluate(() => {
      setTimeout(() => {
        throw new Error('injected failure in the worker');
      }, 0);
    });
    await page.getByTestId('notice').filter({ hasText: 'injected failure in the worker' }).waitFor({ timeout: 15_000 });

    // Nothing lost: the template, the saved workspace and the playground's numbers.
    await page.getByRole('button', { name: 'Playground' }).click();
    await page.getByTestId('model-status').getByText('Ready').waitFor({ timeout: 60_000 });
    await expect(page.getByLabel('Template', { exact: true }).inputValue()).resolves.toBe(
      '[X] Overall, it was a [Z] movie.',
    );
    // The same workspace (the app may have written it again, its keys in the schema's order).
    expect(JSON.parse((await page.evaluate((key) => localStorage.getItem(key), WORKSPACE_KEY)) ?? 'null')).toEqual(
      JSON.parse(saved),
    );
    await waitForFreshResults(page);
    const after = await distributions(page);
    expect(after).toHaveLength(before.length);
    after.forEach((d, i) => {
      for (const label of Object.keys(before[i]!)) expect(d[label]).toBeCloseTo(before[i]![label]!, 6);
    });
  });

  test('a model download that breaks halfway: a message, no broken file in the cache, and Load again works', async () => {
    const id = 'flaky-hub/bert-tiny';
    const folder = resolve(ROOT, 'public/models/clozelab-test/bert-tiny');
    const hub = await startTlsHub({ [id]: folder }, { onnx: 'drop' });
    try {
      const { page } = await open({ extraArgs: hub.chromiumArgs });
      await page.goto(baseURL);
      await page.getByLabel('Any Hugging Face Hub model id', { exact: true }).fill(id);
      await page.getByRole('button', { name: 'Load', exact: true }).click();
      const error = page.locator(FAILED_LOAD);
      await error.waitFor({ timeout: 60_000 });
      expect(((await error.textContent()) ?? '').length).toBeGreaterThan(20);
      const dropped = hub.hits.filter((h) => h.url.endsWith('.onnx'));
      expect(dropped.length).toBeGreaterThan(0);
      for (const h of dropped)
        expect(h.bytes).toBeLessThan(statSync(resolve(folder, h.url.split('/resolve/main/')[1]!)).size);
      await screenshot(page, 'reliability-download-dropped');

      // The cache holds no ONNX file, or only complete ones.
      const full = (url: string) =>
        statSync(resolve(folder, url.slice(url.indexOf('/resolve/main/') + '/resolve/main/'.length))).size;
      const cachedOnnx = async () =>
        (
          await page.evaluate(async () => {
            const cache = await caches.open('transformers-cache');
            const out: { url: string; size: number }[] = [];
            for (const request of await cache.keys())
              out.push({ url: request.url, size: (await (await cache.match(request))!.arrayBuffer()).byteLength });
            return out;
          })
        ).filter((e) => e.url.endsWith('.onnx'));
      for (const entry of await cachedOnnx()) expect(entry.size, entry.url).toBe(full(entry.url));

      // The network is back: Load again downloads the whole file and the model runs.
      hub.onnx = 'ok';
      await page.getByRole('button', { name: 'Load', exact: true }).click();
      await page.getByTestId('model-status').getByText('Ready').waitFor({ timeout: 60_000 });
      await waitForFreshResults(page);
      const onnx = await cachedOnnx();
      expect(onnx.length).toBeGreaterThan(0);
      for (const entry of onnx) expect(entry.size, entry.url).toBe(full(entry.url));
    } finally {
      await hub.close();
    }
  });

  test('storage full while saving: a notice, the edit stays on screen, and it is saved once there is room', async () => {
    const s = await open();
    await s.context.addInitScript(() => {
      // eslint-disable-next-line @typescript-eslint/unbound-method -- called below with .call(this, …)
      const original = Storage.prototype.setItem;
      Storage.prototype.setItem = function (this: Storage, key: string, value: string) {
        if ((window as unknown as { __storageFull?: boolean }).__storageFull)
          throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
        original.call(this, key, value);
      };
    });
    const { page } = s;
    await page.goto(baseURL);
    await typeInto(page, 'Template', 'Saved: [X] was [Z].');
    await page.waitForFunction(() => localStorage.getItem('clozelab.workspace')?.includes('Saved: [X]'));
    await page.evaluate(() => ((window as unknown as { __storageFull?: boolean }).__storageFull = true));
    await typeInto(page, 'Template', 'Unsaved: [X] was [Z].');
    await page.getByTestId('notice').filter({ hasText: 'storage is full' }).waitFor();
    await expect(page.getByLabel('Template', { exact: true }).inputValue()).resolves.toBe('Unsaved: [X] was [Z].');
    expect(await page.evaluate(() => localStorage.getItem('clozelab.workspace'))).toContain('Saved: [X]');
    await screenshot(page, 'reliability-storage-full');
    // Room again: the next edit is saved, with everything typed while the storage was full.
    await page.evaluate(() => ((window as unknown as { __storageFull?: boolean }).__storageFull = false));
    await page.getByLabel('Template', { exact: true }).press('End');
    await page.getByLabel('Template', { exact: true }).pressSequentially(' Done.');
    await page.waitForFunction(() =>
      localStorage.getItem('clozelab.workspace')?.includes('Unsaved: [X] was [Z]. Done.'),
    );
  });

  test('two tabs on one workspace: the other tab is warned, overwrites nothing until asked, and can load the newer version', async () => {
    const s = await open();
    const a = s.page;
    await a.goto(baseURL);
    const b = await s.context.newPage();
    b.on('pageerror', (error) => s.pageErrors.push(String(error)));
    await b.goto(baseURL);
    await b.getByLabel('Template', { exact: true }).waitFor();

    await typeInto(a, 'Template', 'From tab A: [X] was [Z].');
    await a.waitForFunction(() => localStorage.getItem('clozelab.workspace')?.includes('From tab A'));
    const conflict = b.getByTestId('tab-conflict');
    await conflict.waitFor();
    // Tab B edits while it is warned: kept on screen, but A's save is not overwritten.
    await typeInto(b, 'Template', 'From tab B: [X] was [Z].');
    // The edit is in B's workspace (a save would have happened in the same input event) …
    await expect(b.getByLabel('Template', { exact: true }).inputValue()).resolves.toBe('From tab B: [X] was [Z].');
    // … and A has seen every storage write B made (a probe written after them arrived).
    await storageSettled(b, a);
    expect(await b.evaluate(() => localStorage.getItem('clozelab.workspace'))).toContain('From tab A');
    await expect(a.getByTestId('tab-conflict').count()).resolves.toBe(0);
    await screenshot(b, 'reliability-two-tabs');

    // B keeps its version: saved now, and A is warned in turn.
    await b.getByTestId('tab-keep-mine').click();
    await b.waitForFunction(() => localStorage.getItem('clozelab.workspace')?.includes('From tab B'));
    await expect(conflict.count()).resolves.toBe(0);
    await a.getByTestId('tab-conflict').waitFor();
    await a.getByTestId('tab-load-theirs').click();
    await expect(a.getByLabel('Template', { exact: true }).inputValue()).resolves.toBe('From tab B: [X] was [Z].');
    await expect(a.getByTestId('tab-conflict').count()).resolves.toBe(0);
    // Loading theirs is not a new change: B is not warned back (B has seen all of A's writes).
    await storageSettled(a, b);
    await expect(b.getByTestId('tab-conflict').count()).resolves.toBe(0);
  });

  test('a 100 kB input and a 1,000-label verbalizer: results or clear messages, and the page stays responsive', async () => {
    const s = await open();
    await s.context.addInitScript(() => {
      const w = window as unknown as { __longTasks: number[] };
      w.__longTasks = [];
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) w.__longTasks.push(entry.duration);
      }).observe({ type: 'longtask', buffered: true });
    });
    const { page } = s;
    await page.goto(baseURL);
    await loadTestModel(page);
    await waitForFreshResults(page);
    const longTasks = async () =>
      page.evaluate(() => (window as unknown as { __longTasks: number[] }).__longTasks.splice(0));
    await longTasks();
    // The page's live JS heap after a full garbage collection (through the DevTools protocol).
    const cdp = await s.context.newCDPSession(page);
    const heapMB = async () => {
      await cdp.send('HeapProfiler.collectGarbage');
      const { usedSize } = await cdp.send('Runtime.getHeapUsage');
      return Math.round(usedSize / 1e6);
    };
    const heapBefore = await heapMB();

    // 100 kB in one input: scored (cut to the model's length, and the card says so).
    const big = 'This film was long, very long. '.repeat(3300).slice(0, 100_000);
    await page.getByTestId('input-row').first().locator('textarea, input').first().fill(big);
    await waitForFreshResults(page);
    await page
      .getByTestId('result-card')
      .first()
      .getByText(/cut|shortened|truncat/i)
      .first()
      .waitFor();
    const bigInput = await longTasks();
    // More than a saved setup may hold (10,000 characters an input): used in full here, saved cut, and said so.
    await page.getByTestId('notice').filter({ hasText: 'longer than a saved setup may hold (input 1, [X])' }).waitFor();

    // 1,000 labels: more than a setup may hold, so one clear error at label 101 (and the last good
    // chart stays); 100 labels — the most a setup holds — with words in scripts the tokenizer may not know.
    const scripts = ['great', 'ᚠᚢᚦ', '😀', 'e\u0301', 'שלום', 'مرحبا'];
    const labels = (n: number) =>
      Array.from({ length: n }, (_, i) => `label${i}: ${scripts[i % scripts.length]}${i}`).join('\n');
    // The text is set the way a paste ends up (value + input event): Playwright's fill() goes through
    // Chromium's own editing of 1,000 lines, which alone blocks ~2 s even in a bare <textarea>.
    const paste = (text: string) =>
      page.getByLabel('Verbalizer', { exact: true }).evaluate((el, value) => {
        Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, 'value')!.set!.call(el, value);
        el.dispatchEvent(new Event('input', { bubbles: true }));
      }, text);
    await paste(labels(1000));
    await page.getByText('Line 101, column 1: Too many labels: at most 100.', { exact: false }).first().waitFor();
    const manyLabels = await longTasks();
    await paste(labels(100));
    await waitForFreshResults(page);
    await expect(
      page.getByTestId('result-card').first().locator('[data-testid="label-probs"] tr').count(),
    ).resolves.toBe(100);
    const hundredLabels = await longTasks();

    const longest = (xs: number[]) => Math.round(Math.max(0, ...xs));
    console.log(
      `long tasks: 100 kB input → ${bigInput.length}, longest ${longest(bigInput)} ms; 1,000 labels (rejected) → ${manyLabels.length}, longest ${longest(manyLabels)} ms; ` +
        `100 labels scored → ${hundredLabels.length}, longest ${longest(hundredLabels)} ms`,
    );
    const heapAfter = await heapMB();
    console.log(`page JS heap: ${heapBefore} MB after loading the model, ${heapAfter} MB after the edge inputs`);
    expect(heapAfter).toBeLessThan(heapBefore + 50);
    // Long main-thread tasks are logged above, not asserted: a wall-clock threshold fails on a busy
    // machine, not on a bug (npm run bench measures them). Functionally the page must still answer:
    // a click switches the view, and an edit afterwards is scored.
    await page.getByRole('button', { name: 'Evaluate' }).click();
    await page.getByTestId('eval-file').waitFor();
    await page.getByRole('button', { name: 'Playground' }).click();
    await page.getByTestId('input-row').first().locator('textarea, input').first().fill('A short input again.');
    await waitForFreshResults(page);
    await expect(
      page.getByTestId('result-card').first().locator('[data-testid="label-probs"] tr').count(),
    ).resolves.toBe(100);
    await page.getByTestId('input-row').first().locator('textarea, input').first().fill(big);
    await waitForFreshResults(page);

    // A reload restores the workspace (the cut input, the 100 labels) instead of resetting it.
    await page.reload();
    await page.getByRole('button', { name: 'Playground' }).click();
    await expect(page.getByLabel('Verbalizer', { exact: true }).inputValue()).resolves.toBe(labels(100));
    await expect(page.getByTestId('input-row').first().locator('textarea, input').first().inputValue()).resolves.toBe(
      big.slice(0, 10_000),
    );
    await expect(page.getByTestId('notice').filter({ hasText: 'could not be read' }).count()).resolves.toBe(0);
  });
});
