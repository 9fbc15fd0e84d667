// Sharing and the classroom in real Chromium on the built app: a link copied from the UI opens in a
// fresh browser profile with the same setup and the same chart; bad links give a message and
// leave the saved workspace alone (and run nothing); Chinese UI; presentation mode; comparison.
import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import LZString from 'lz-string';
import type { Page } from 'playwright-core';
import { describe, expect, inject, test } from 'vitest';
import { encodeShareFragment, linkChecksum } from '../../src/core/share-link';
import { defaultSetup } from '../../src/core/setup';
import { downloadModel } from '../../scripts/models-download/model';
import { startFakeHub } from '../fake-hub';
import { screenshot, screenshotDir } from './browser';
import {
  browserSessions,
  expectDistribution,
  loadTestModel,
  readDistribution,
  typeInto,
  waitForFreshResults,
} from './helpers';

const baseURL = inject('baseURL');
const chromiumPath = inject('chromiumPath');

const open = browserSessions(chromiumPath);

async function allDistributions(page: Page): Promise<Record<string, number>[]> {
  const n = await page.getByTestId('input-row').count();
  const out = [];
  for (let i = 0; i < n; i++) out.push(await readDistribution(page, i));
  return out;
}

describe('sharing', () => {
  test('a link read from the UI opens in a fresh profile with the same setup and chart; Chinese and back; presentation mode', async () => {
    const a = await open();
    await a.page.goto(baseURL);
    await loadTestModel(a.page);
    await typeInto(a.page, 'Template', 'Review: [X] In short, it was [Z].');
    await typeInto(a.page, 'Verbalizer', 'good: great, fine\nbad: terrible, awful');
    await a.page.getByLabel("Combine a label's words by").selectOption('max');
    await waitForFreshResults(a.page);
    const before = await allDistributions(a.page);
    expect(before).toHaveLength(3);
    for (const d of before) expectDistribution(d, ['good', 'bad']);

    await a.page.getByTestId('open-share').click();
    const linkField = a.page.getByTestId('share-link');
    const link = await linkField.inputValue();
    expect(link).toMatch(new RegExp(`^${baseURL.replace(/[.]/g, '\\.')}/#s=2\\.[0-9a-f]{8}\\.`));
    await a.page.getByTestId('copy-link').click();
    // Headless Chromium may block the clipboard: either way the page says what happened.
    await a.page.getByText(/Copied to the clipboard|press Ctrl\+C/).waitFor();
    await a.page.getByTestId('share-qr').waitFor();
    expect(
      await a.page.getByTestId('share-qr').evaluate((img) => (img as HTMLImageElement).naturalWidth),
    ).toBeGreaterThan(100);
    await screenshot(a.page, 'share-dialog');

    // A fresh browser profile: nothing saved, so the link opens straight away; the test model loads by itself.
    const b = await open();
    await b.page.goto(link);
    await b.page.getByTestId('link-opened').waitFor();
    await b.page.getByTestId('model-status').getByText('Ready').waitFor({ timeout: 60_000 });
    await waitForFreshResults(b.page);
    await expect(b.page.getByLabel('Template', { exact: true }).inputValue()).resolves.toBe(
      'Review: [X] In short, it was [Z].',
    );
    await expect(b.page.getByLabel('Verbalizer', { exact: true }).inputValue()).resolves.toBe(
      'good: great, fine\nbad: terrible, awful',
    );
    await expect(b.page.getByLabel("Combine a label's words by").inputValue()).resolves.toBe('max');
    const after = await allDistributions(b.page);
    expect(after).toHaveLength(before.length);
    after.forEach((d, i) => {
      expect(Object.keys(d)).toEqual(Object.keys(before[i]!));
      for (const label of Object.keys(d)) expect(d[label]).toBeCloseTo(before[i]![label]!, 6);
    });
    // The "#s=…" was taken out of the address, so a reload does not ask again.
    expect(new URL(b.page.url()).hash).toBe('');
    await screenshot(b.page, 'link-opened-fresh-profile');
    // The pipeline explainer on the first input, at step 3 (the model's distribution at [Z]).
    const explainer = b.page.getByTestId('explainer');
    await explainer.getByTestId('explain-next').click();
    await explainer.getByTestId('explain-next').click();
    await expect(explainer.getByTestId('explain-step-3').getAttribute('class')).resolves.toContain('active');
    await expect(explainer.getByTestId('explain-winner').textContent()).resolves.toMatch(/^(good|bad) /);
    await explainer.screenshot({ path: `${screenshotDir}/explainer.png` });

    // Chinese and back: the UI and the engine's error messages.
    await b.page.locator('#locale-select').selectOption('zh');
    await b.page.getByRole('button', { name: '分享与导入' }).waitFor();
    await typeInto(b.page, '模板', 'Review: [X] In short, it was [Y].');
    await expect(b.page.getByTestId('template-errors').textContent()).resolves.toContain(
      '第 30 个字符的槽位 [Y] 无法识别',
    );
    await screenshot(b.page, 'chinese-ui');
    await typeInto(b.page, '模板', 'Review: [X] In short, it was [Z].');
    await b.page.locator('#locale-select').selectOption('en');
    await b.page.getByRole('button', { name: 'Share & import' }).waitFor();
    await expect(b.page.locator('html').getAttribute('lang')).resolves.toBe('en');
    await waitForFreshResults(b.page);

    // Presentation mode: large prompt and chart; Esc leaves.
    await b.page.getByTestId('toggle-presentation').click();
    await b.page.getByTestId('presentation').waitFor();
    await b.page.getByTestId('presentation').getByTestId('result-card').waitFor();
    const promptSize = await b.page
      .locator('.presentation-prompt .rendered-prompt')
      .evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
    expect(promptSize).toBeGreaterThanOrEqual(40);
    expectDistribution(await readDistribution(b.page, 0), ['good', 'bad']);
    await b.page.screenshot({ path: `${screenshotDir}/presentation-mode.png` });
    await b.page.keyboard.press('Escape');
    await b.page.getByTestId('presentation').waitFor({ state: 'detached' });
    await b.page.getByLabel('Template', { exact: true }).waitFor();
  });

  test('bad links: a clear message, nothing executed, the saved workspace untouched; a good link only opens on request and can be undone', async () => {
    const c = await open();
    const { page } = c;
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await page.goto(baseURL);
    await typeInto(page, 'Template', 'My own work: [X] was [Z].');
    await page.waitForFunction(() => localStorage.getItem('clozelab.workspace')?.includes('My own work'));
    const saved = await page.evaluate(() => localStorage.getItem('clozelab.workspace'));

    const good = encodeShareFragment(defaultSetup());
    if (!good.ok) throw new Error('encode');
    const payload = good.fragment.slice(good.fragment.lastIndexOf('.') + 1);
    const flipAt = Math.floor(payload.length / 2);
    const flipped = payload.slice(0, flipAt) + (payload[flipAt] === 'A' ? 'B' : 'A') + payload.slice(flipAt + 1);
    const v2 = (json: string) => `s=2.${linkChecksum(json)}.${LZString.compressToEncodedURIComponent(json)}`;
    const cases: [string, string, RegExp][] = [
      ['truncated', good.fragment.slice(0, Math.floor(good.fragment.length / 2)), /cut short|damaged|incomplete/],
      [
        'bit-flipped',
        `${good.fragment.slice(0, good.fragment.lastIndexOf('.') + 1)}${flipped}`,
        /cut short|damaged|incomplete/,
      ],
      ['newer version', `s=9.${payload}`, /newer ClozeLab/],
      ['oversized', `s=2.00000000.${'A'.repeat(17_000)}`, /too long/],
      ['not JSON', v2('{"version":1,<script>alert(1)</script>'), /does not contain a ClozeLab setup/],
      ['wrong shape', v2('{"version":1,"model":{"id":"javascript:alert(1)"}}'), /not valid/],
    ];
    for (const [name, fragment, message] of cases) {
      await page.goto('about:blank');
      await page.goto(`${baseURL}/#${fragment}`);
      const error = page.getByTestId('link-error');
      await error.waitFor();
      await expect(error.textContent(), name).resolves.toMatch(message);
      await expect(error.textContent()).resolves.toContain('Your workspace was not changed.');
      await expect(page.getByLabel('Template', { exact: true }).inputValue(), name).resolves.toBe(
        'My own work: [X] was [Z].',
      );
      expect(await page.evaluate(() => localStorage.getItem('clozelab.workspace')), name).toBe(saved);
      if (name === 'wrong shape') await screenshot(page, 'bad-link');
    }

    // HTML and script in every text field of a valid link: shown as text, never run.
    const evil = '<img src=x onerror="window.__pwned=1;alert(1)"><script>window.__pwned=2;alert(2)</script>';
    const setup = defaultSetup();
    setup.name = evil;
    setup.model = { id: 'clozelab-test/bert-tiny', source: 'local', dtype: 'auto', device: 'auto' };
    setup.templates = [{ id: 't1', name: evil, text: `${evil} [X] [Z].` }];
    setup.verbalizer = {
      labels: [
        { label: evil, words: [evil, 'great'] },
        { label: 'neg', words: ['bad'] },
      ],
    };
    setup.inputs = [{ X: evil }];
    const link = encodeShareFragment(setup);
    if (!link.ok) throw new Error('encode');
    await page.goto('about:blank');
    await page.goto(`${baseURL}/#${link.fragment}`);
    // The workspace is not the untouched default: the link waits for a choice.
    const pending = page.getByTestId('link-pending');
    await pending.waitFor();
    await expect(pending.textContent()).resolves.toContain(evil);
    await expect(page.getByTestId('preview-model').textContent()).resolves.toBe('clozelab-test/bert-tiny');
    expect(await page.evaluate(() => localStorage.getItem('clozelab.workspace'))).toBe(saved);
    await screenshot(page, 'link-pending');
    await page.getByTestId('link-open').click();
    await expect(page.getByLabel('Template', { exact: true }).inputValue()).resolves.toBe(`${evil} [X] [Z].`);
    await page.getByTestId('model-status').getByText('Ready').waitFor({ timeout: 60_000 });
    await waitForFreshResults(page);
    await expect(
      page
        .getByTestId('result-card')
        .first()
        .locator('[data-testid="label-probs"] tr')
        .first()
        .getAttribute('data-label'),
    ).resolves.toBe(evil);
    // Restore the previous workspace from the banner: exactly what was saved before.
    await page.getByTestId('link-restore').click();
    await expect(page.getByLabel('Template', { exact: true }).inputValue()).resolves.toBe('My own work: [X] was [Z].');
    await page.waitForFunction((before) => localStorage.getItem('clozelab.workspace') === before, saved);

    expect(dialogs).toEqual([]);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.locator('img[src="x"], script:not([src])').count()).toBe(0);
  });

  test('presets, comparison of two templates, and OpenPrompt import work with the test model', async () => {
    const d = await open();
    const { page } = d;
    await page.goto(baseURL);
    await loadTestModel(page);
    await waitForFreshResults(page);

    // A paper preset, run on the current (test) model; the previous workspace is kept.
    await page.getByRole('button', { name: 'Presets', exact: true }).click();
    await page.getByTestId('preset-keep-model').check();
    await screenshot(page, 'presets');
    await page.locator('[data-preset="pet-yelp"]').getByTestId('preset-open').click();
    await expect(page.getByLabel('Template', { exact: true }).inputValue()).resolves.toBe('It was [Z]. [X]');
    await waitForFreshResults(page);
    expectDistribution(await readDistribution(page, 0), ['1 star', '2 stars', '3 stars', '4 stars', '5 stars']);

    // Compare PET's patterns 0 and 1 side by side.
    await page.getByRole('button', { name: 'Compare', exact: true }).click();
    const rows = page.getByTestId('compare-row');
    await rows.first().waitFor();
    await page.waitForFunction(
      () =>
        document.querySelectorAll('[data-testid="compare-b"]').length === 3 &&
        !document.querySelector('[data-testid="compare-b"][data-stale]'),
    );
    await expect(page.getByTestId('compare-summary').textContent()).resolves.toMatch(/same label for \d of 3 inputs/);
    await expect(rows.first().getByTestId('compare-b').getByTestId('rendered-prompt').textContent()).resolves.toMatch(
      /All in all, it was \[MASK\]\.$/,
    );
    await screenshot(page, 'compare');

    // OpenPrompt import, with its warnings listed.
    await page.getByTestId('open-share').click();
    await page.getByRole('tab', { name: 'OpenPrompt' }).click();
    await page
      .getByTestId('openprompt-import-templates')
      .fill('{"soft": "Review:"} {"placeholder":"text_a"} It was {"mask"}.');
    await page
      .getByTestId('openprompt-import-words')
      .fill('{"negative": ["bad", "terrible"], "positive": ["good", "great"]}');
    await page.getByTestId('openprompt-import-check').click();
    await expect(page.getByTestId('openprompt-import-warnings').textContent()).resolves.toContain('soft tokens');
    await page.getByTestId('openprompt-import-open').click();
    await page.getByRole('button', { name: 'Playground', exact: true }).click();
    await expect(page.getByLabel('Template', { exact: true }).inputValue()).resolves.toBe('Review: [X] It was [Z].');
    await waitForFreshResults(page);
    expectDistribution(await readDistribution(page, 0), ['negative', 'positive']);
  });

  test('offline kit: a Hub id saved with models:download loads from the app itself, never from the Hub', async () => {
    const root = resolve(import.meta.dirname, '../..');
    const id = 'school-hub/bert-tiny';
    const hub = await startFakeHub({ repos: { [id]: resolve(root, 'public/models/clozelab-test/bert-tiny') } });
    const served = resolve(root, 'dist/models/school-hub');
    try {
      const quiet = { file() {}, progress() {}, done() {}, warn() {} };
      await downloadModel(id, { hub: hub.url, outDir: resolve(root, 'dist/models'), reporter: quiet });
      const s = await open();
      const elsewhere: string[] = [];
      // Worker requests included: every request of the profile must go to the app's own origin.
      s.context.on('request', (request) => {
        if (
          !request.url().startsWith(baseURL) &&
          !request.url().startsWith('data:') &&
          !request.url().startsWith('blob:')
        )
          elsewhere.push(request.url());
      });
      await s.page.goto(baseURL);
      await s.page.getByLabel('Any Hugging Face Hub model id', { exact: true }).fill(id);
      await s.page.getByRole('button', { name: 'Load', exact: true }).click();
      await s.page.getByTestId('model-status').getByText('Ready').waitFor({ timeout: 60_000 });
      await expect(s.page.getByTestId('local-copy').textContent()).resolves.toBe('Local copy served by this app');
      await waitForFreshResults(s.page);
      expectDistribution(await readDistribution(s.page, 0), ['positive', 'negative']);
      expect(elsewhere).toEqual([]);
      await screenshot(s.page, 'local-copy');
    } finally {
      hub.server.close();
      rmSync(served, { recursive: true, force: true });
    }
  });
});
