// Few-shot learning in the Evaluate view, in real Chromium on the built app with the generated
// bert-tiny (fp32) in the worker: upload 60 labelled reviews, K = 4 and 8, two seeds, every method;
// the chart and the table show them all; the exported JSON equals `clozelab fewshot --json` (the
// same core in Node, onnxruntime-node, same model and data) to 1e-6; Cancel keeps the finished
// cells; a reload keeps the settings; a paper's preset offers its few-shot settings and shows its
// numbers as the paper's. Screenshots at 1280 and 390 px, English and Chinese.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, describe, expect, inject, test } from 'vitest';
import { FEWSHOT_METHODS, type FewShotConfig } from '../../src/core/fewshot/types';
import { findPreset } from '../../src/core/presets';
import { formatVerbalizer } from '../../src/core/verbalizer';
import { serializeWorkspace, WORKSPACE_KEY } from '../../src/store/persistence';
import { fewShotCsv, fewShotSetup } from '../fewshot-fixture';
import { openBrowser, screenshot, screenshotDir, type BrowserSession } from './browser';

const baseURL = inject('baseURL');
const chromiumPath = inject('chromiumPath');
const ROOT = resolve(import.meta.dirname, '../..');
const tmp = mkdtempSync(join(tmpdir(), 'clozelab-fewshot-e2e-'));
const CSV = fewShotCsv(60);
const setup = fewShotSetup('fp32');

let session: BrowserSession | undefined;

afterEach(async () => {
  await session?.close();
  expect(session?.pageErrors ?? []).toEqual([]);
  session = undefined;
});

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Opens the app with the few-shot setup saved (the test model loads by itself), on the Evaluate view. */
async function openEvaluate(page: Page): Promise<void> {
  await page.goto(baseURL);
  await page.getByTestId('model-status').getByText('Ready').waitFor({ timeout: 60_000 });
  await page.getByRole('button', { name: 'Evaluate' }).click();
}

async function download(page: Page, testId: string): Promise<string> {
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testId).click()]);
  const path = join(tmp, file.suggestedFilename());
  await file.saveAs(path);
  return path;
}

/** Resizes the window and waits until the page has laid itself out for it (charts follow a resize late). */
async function resize(page: Page, width: number): Promise<void> {
  await page.setViewportSize({ width, height: 900 });
  await page.waitForFunction((w) => innerWidth === w, width);
  // A page that stays wider than the window is reported below, with what sticks out.
  await page
    .waitForFunction((w) => document.documentElement.scrollWidth <= w, width, { timeout: 10_000 })
    .catch(() => undefined);
}

async function shots(page: Page, name: string): Promise<void> {
  for (const width of [1280, 390]) {
    await resize(page, width);
    // What sticks out of the window, innermost first (a page wider than the window scrolls sideways).
    const wide = await page.evaluate(() =>
      [...document.querySelectorAll('body *')]
        .filter((el) => el.getBoundingClientRect().right > innerWidth + 0.5 && el.closest('.visually-hidden') === null)
        .filter((el) => ![...el.children].some((c) => c.getBoundingClientRect().right > innerWidth + 0.5))
        .map((el) => `${el.tagName.toLowerCase()}.${el.className} "${(el.textContent ?? '').slice(0, 30)}"`),
    );
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - innerWidth);
    expect(overflow, `page wider than ${width} px: ${wide.join('; ')}`).toBeLessThanOrEqual(0);
    await page.mouse.move(0, 0);
    await page.evaluate(() => scrollTo(0, 0));
    await screenshot(page, `${name}-${width}`);
    // The few-shot parts on their own, readable at phone width (the sticky header kept out of them).
    const header = page.locator('.app-header');
    await header.evaluate((el: HTMLElement) => el.style.setProperty('position', 'static'));
    for (const part of ['fewshot-controls', 'fewshot-results'])
      await page.getByTestId(part).screenshot({ path: join(screenshotDir, `${name}-${width}-${part}.png`) });
    await header.evaluate((el: HTMLElement) => el.style.removeProperty('position'));
  }
  await resize(page, 1440);
}

describe('few-shot learning', () => {
  test('K 4 and 8, two seeds, every method: curve, table, JSON equal to clozelab fewshot --json; Cancel keeps cells; reload keeps settings', async () => {
    session = await openBrowser(chromiumPath);
    const saved = serializeWorkspace({ setup, verbalizerText: formatVerbalizer(setup.verbalizer) });
    await session.context.addInitScript(([key, value]) => localStorage.setItem(key, value), [
      WORKSPACE_KEY,
      saved,
    ] as const);
    const page = session.page;
    await openEvaluate(page);

    await page
      .getByTestId('eval-file')
      .setInputFiles({ name: 'reviews.csv', mimeType: 'text/csv', buffer: Buffer.from(CSV, 'utf8') });
    await expect(page.getByTestId('examples-ready').textContent()).resolves.toBe(
      '60 of 60 rows are ready to evaluate.',
    );
    await page.getByTestId('eval-tab-fewshot').click();
    await expect(page.getByTestId('fewshot-frozen').textContent()).resolves.toBe(
      'Only the label vectors are learned; the language model stays frozen.',
    );

    // K = 4 and 8 (16 is on by default), seeds 13 and 21, every method.
    await page.getByTestId('fewshot-k-16').uncheck();
    await expect(page.getByTestId('fewshot-k-4').isChecked()).resolves.toBe(true);
    await expect(page.getByTestId('fewshot-k-8').isChecked()).resolves.toBe(true);
    await page.getByTestId('fewshot-seeds').fill('13, 21');
    await page.getByTestId('fewshot-seeds').press('Enter');
    for (const m of FEWSHOT_METHODS)
      await expect(page.getByTestId(`fewshot-method-${m}`).isChecked()).resolves.toBe(true);
    await page.getByTestId('fewshot-run').click();
    await page.getByTestId('fewshot-results').waitFor({ timeout: 120_000 });

    // The table: every method × K has "mean ± std (2 seeds)"; nothing skipped; one line per method in the chart.
    const rows = page.getByTestId('fewshot-table').locator('tbody tr');
    await expect(rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-method')))).resolves.toEqual([
      ...FEWSHOT_METHODS,
    ]);
    const cells = await page
      .getByTestId('fewshot-table')
      .locator('tbody td')
      .evaluateAll((tds) => tds.map((td) => ({ seeds: td.getAttribute('data-seeds'), text: td.textContent })));
    expect(cells).toHaveLength(FEWSHOT_METHODS.length * 2);
    for (const c of cells) {
      expect(c.seeds).toBe('2');
      expect(c.text).toMatch(/^\d+\.\d ± \d+\.\d \(2 seeds\)$/);
    }
    await expect(page.getByTestId('fewshot-skipped').count()).resolves.toBe(0);
    await expect(page.getByTestId('fewshot-chart').locator('.recharts-line').count()).resolves.toBe(
      FEWSHOT_METHODS.length,
    );
    await expect(page.getByTestId('fewshot-headline').getAttribute('data-stale')).resolves.toBeNull();
    // The splits, expandable: K = 4, seed 13 has 4 training lines per label.
    await page.getByTestId('fewshot-splits').locator('summary').first().click();
    const split = page.locator('[data-testid="fewshot-splits"] details[data-k="4"][data-seed="13"]');
    await split.locator('summary').click();
    await expect(split.locator('li').count()).resolves.toBe(8);
    await shots(page, 'fewshot-en');

    // The exported JSON equals `clozelab fewshot --json` (the same core in Node, onnxruntime-node) for
    // the same setup, data, K, seeds and model: every cell to 1e-6, the same splits.
    interface Report {
      model: unknown;
      labels: string[];
      templates: unknown;
      config: FewShotConfig;
      splits: unknown;
      skipped: unknown;
      cells: { method: string; k: number; seed: number; n: number; accuracy: number; macroF1: number | null }[];
      summary: {
        method: string;
        k: number;
        accuracy: { mean: number; std: number; seeds: number };
        macroF1: { mean: number; std: number; seeds: number } | null;
      }[];
    }
    const browser = JSON.parse(readFileSync(await download(page, 'fewshot-export-json'), 'utf8')) as Report;
    expect(browser.config).toMatchObject({ ks: [4, 8], seeds: [13, 21], methods: [...FEWSHOT_METHODS] });
    writeFileSync(join(tmp, 'setup.json'), JSON.stringify(setup));
    writeFileSync(join(tmp, 'reviews.csv'), CSV);
    const cli = spawnSync(
      process.execPath,
      [
        join(ROOT, 'bin', 'clozelab.mjs'),
        'fewshot',
        ...['--setup', 'setup.json', '--data', 'reviews.csv', '--k', '4,8', '--seeds', '13,21'],
        ...['--max-test', String(browser.config.maxTest), '--json'],
      ],
      { cwd: tmp, encoding: 'utf8', timeout: 120_000 },
    );
    expect(cli.status, cli.stderr).toBe(0);
    const node = JSON.parse(cli.stdout) as Report;
    for (const key of ['model', 'labels', 'templates', 'config', 'splits', 'skipped'] as const)
      expect(browser[key], key).toEqual(node[key]);
    expect(browser.cells).toHaveLength(node.cells.length);
    browser.cells.forEach((c, i) => {
      const n = node.cells[i]!;
      expect([c.method, c.k, c.seed, c.n]).toEqual([n.method, n.k, n.seed, n.n]);
      expect(Math.abs(c.accuracy - n.accuracy)).toBeLessThanOrEqual(1e-6);
      expect(Math.abs((c.macroF1 ?? 0) - (n.macroF1 ?? 0))).toBeLessThanOrEqual(1e-6);
    });
    browser.summary.forEach((row, i) => {
      expect(Math.abs(row.accuracy.mean - node.summary[i]!.accuracy.mean)).toBeLessThanOrEqual(1e-6);
      expect(Math.abs(row.accuracy.std - node.summary[i]!.accuracy.std)).toBeLessThanOrEqual(1e-6);
    });
    const splits = readFileSync(await download(page, 'fewshot-export-splits'), 'utf8');
    expect(splits.replace(/^\ufeff/, '').split('\n')[0]).toBe('k,seed,role,line,label');
    const curve = readFileSync(await download(page, 'fewshot-export-csv'), 'utf8');
    expect(
      curve
        .replace(/^\ufeff/, '')
        .trim()
        .split('\n'),
    ).toHaveLength(1 + FEWSHOT_METHODS.length * 2);

    // The curve as PNG; macro-F1 instead of accuracy (the table follows the switch).
    const [png] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('fewshot-chart').getByRole('button', { name: /PNG/ }).click(),
    ]);
    const pngPath = join(tmp, 'curve.png');
    await png.saveAs(pngPath);
    expect(readFileSync(pngPath).subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    await page.getByTestId('fewshot-metric-macroF1').click();
    const tunedF1 = await page
      .getByTestId('fewshot-table')
      .locator('tr[data-method="tuned"] td')
      .evaluateAll((tds) => tds.map((td) => Number(td.getAttribute('data-mean'))));
    [4, 8].forEach((k, i) => {
      const mean = browser.summary.find((r) => r.method === 'tuned' && r.k === k)!.macroF1!.mean;
      expect(Math.abs(tunedF1[i]! - mean)).toBeLessThanOrEqual(1e-6); // the JSON is rounded to 6 decimals
    });
    await page.getByTestId('fewshot-metric-accuracy').click();

    // Chinese.
    await page.locator('#locale-select').selectOption('zh');
    await expect(page.getByTestId('fewshot-frozen').textContent()).resolves.toBe('只学习标签向量；语言模型保持冻结。');
    await shots(page, 'fewshot-zh');
    await page.locator('#locale-select').selectOption('en');

    // Cancel during the demonstrations (clicked by the page itself as soon as that phase shows):
    // the cells finished so far stay, marked partial.
    await page.getByTestId('fewshot-k-16').check();
    await page.getByTestId('fewshot-seeds').fill('13, 21, 42, 87, 100');
    await page.getByTestId('fewshot-seeds').press('Enter');
    const cancelled = page.evaluate(
      () =>
        new Promise<void>((resolve) => {
          const observer = new MutationObserver(() => {
            const text = document.querySelector('[data-testid="fewshot-progress-text"]')?.textContent ?? '';
            const cancel = document.querySelector<HTMLButtonElement>('[data-testid="fewshot-cancel"]');
            if (text.startsWith('Demonstrations') && cancel) {
              observer.disconnect();
              cancel.click();
              resolve();
            }
          });
          observer.observe(document.body, { subtree: true, childList: true, characterData: true });
        }),
    );
    await page.getByTestId('fewshot-run').click();
    await cancelled;
    await page.getByTestId('fewshot-cancelled').waitFor({ timeout: 60_000 });
    await page.getByTestId('fewshot-partial').waitFor();
    const kept = await page.getByTestId('fewshot-table').locator('tbody td[data-mean]').count();
    expect(kept).toBeGreaterThan(0);
    await expect(
      page.getByTestId('fewshot-table').locator('tr[data-method="tuned"] td[data-mean]').count(),
    ).resolves.toBe(3);

    // A change of the setup (one template fewer in step 3) leaves the result shown, as not current.
    await page.getByRole('checkbox', { name: /Overall/ }).uncheck();
    await expect(page.getByTestId('fewshot-headline').getAttribute('data-stale')).resolves.toBe('true');
    await expect(page.getByTestId('fewshot-outdated').count()).resolves.toBe(1);

    // A reload keeps the settings (the data and results are of the session).
    await page.reload();
    await openEvaluate(page);
    await page.getByTestId('eval-tab-fewshot').click();
    await expect(page.getByTestId('fewshot-seeds').inputValue()).resolves.toBe('13, 21, 42, 87, 100');
    for (const k of [4, 8, 16]) await expect(page.getByTestId(`fewshot-k-${k}`).isChecked()).resolves.toBe(true);
    await expect(page.getByTestId('fewshot-k-32').isChecked()).resolves.toBe(false);
  });

  test("a paper's preset: its few-shot settings in one click, its numbers shown as the paper's", async () => {
    const preset = findPreset('lmbff-sst2')!;
    const presetSetup = { ...preset.setup, model: setup.model };
    session = await openBrowser(chromiumPath);
    const saved = serializeWorkspace({ setup: presetSetup, verbalizerText: formatVerbalizer(presetSetup.verbalizer) });
    await session.context.addInitScript(([key, value]) => localStorage.setItem(key, value), [
      WORKSPACE_KEY,
      saved,
    ] as const);
    const page = session.page;
    await openEvaluate(page);
    await page.getByTestId('eval-tab-fewshot').click();
    const box = page.getByTestId('fewshot-preset');
    await expect(box.textContent()).resolves.toContain('RoBERTa-large, fine-tuned');
    const numbers = await page.getByTestId('fewshot-paper-numbers').locator('li').allTextContents();
    expect(numbers).toHaveLength(preset.fewShot!.reported.length);
    for (const line of numbers) expect(line).toContain('RoBERTa-large');
    await page.getByTestId('fewshot-preset-apply').click();
    for (const k of [4, 8, 32]) await expect(page.getByTestId(`fewshot-k-${k}`).isChecked()).resolves.toBe(false);
    await expect(page.getByTestId('fewshot-k-16').isChecked()).resolves.toBe(true);
    await expect(page.getByTestId('fewshot-seeds').inputValue()).resolves.toBe('13, 21, 42, 87, 100');
    await expect(box.textContent()).resolves.toContain('The paper’s settings are in use.');
  });
});
