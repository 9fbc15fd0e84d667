// Two models side by side in real Chromium on the built app: the second model (its own worker)
// shows its own chart for every input next to the setup's model's, with its own mask token and
// label-word tokenization (Ġ only on RoBERTa's side), numbers equal to loading each model alone,
// memory figures, "Unload" that removes the second side, and a link with compareModel that opens
// both in a fresh profile. Screenshots at 1280 and 390 px.
import type { Page } from 'playwright-core';
import { describe, expect, inject, test } from 'vitest';
import { encodeShareFragment } from '../../src/core/share-link';
import { defaultSetup } from '../../src/core/setup';
import { screenshot } from './browser';
import { browserSessions, loadTestModel, readDistribution, waitForFreshResults } from './helpers';

const baseURL = inject('baseURL');
const chromiumPath = inject('chromiumPath');
const open = browserSessions(chromiumPath);

const BERT = 'clozelab-test/bert-tiny';
const ROBERTA = 'clozelab-test/roberta-tiny';

type Dist = Record<string, number>;

async function allDistributions(page: Page): Promise<Dist[]> {
  const n = await page.getByTestId('input-row').count();
  const out: Dist[] = [];
  for (let i = 0; i < n; i++) out.push(await readDistribution(page, i));
  return out;
}

/** Label → probability per input, in one column ('main': the setup's model; 'second'). */
async function columnDistributions(page: Page, side: 'main' | 'second'): Promise<Dist[]> {
  return page
    .locator(`[data-testid="model-column"][data-side="${side}"] [data-testid="result-card"]`)
    .evaluateAll((cards) =>
      cards.map((card) =>
        Object.fromEntries(
          [...card.querySelectorAll('[data-testid="label-probs"] tr')].map((tr) => [
            tr.getAttribute('data-label') ?? '',
            Number(tr.getAttribute('data-prob')),
          ]),
        ),
      ),
    );
}

/** Waits until both columns show a fresh result for each of `n` inputs. */
async function waitForBothSides(page: Page, n: number): Promise<void> {
  await page.waitForFunction(
    (n) => {
      const second = document.querySelectorAll(
        '[data-testid="model-column"][data-side="second"] [data-testid="result-card"]',
      );
      const all = document.querySelectorAll('[data-testid="result-card"]');
      return (
        second.length === n &&
        all.length === 2 * n &&
        !document.querySelector('[data-testid="pending"]') &&
        [...all].every((card) => !card.hasAttribute('data-stale'))
      );
    },
    n,
    { timeout: 60_000 },
  );
}

/** What a column's heading says: the mask token and each label word's pieces. */
async function columnHead(page: Page, side: 'main' | 'second') {
  const column = page.locator(`[data-testid="model-column"][data-side="${side}"]`).first();
  return {
    name: await column.locator('.model-column-name').textContent(),
    mask: await column.getByTestId('column-mask-token').getAttribute('data-token'),
    pieces: await column
      .locator('[data-testid="column-words"] .word-token')
      .evaluateAll((spans) => spans.map((s) => s.getAttribute('data-pieces') ?? '')),
    markerNote: await column.locator('.model-column-head [data-testid="token-marker-note"]').count(),
  };
}

/** Each model alone as the setup's model: the reference numbers (the default setup's three inputs). */
let alone: { bert: Dist[]; roberta: Dist[] } | null = null;

describe('two models side by side', () => {
  test('bert-tiny and roberta-tiny: both charts, each model’s own tokenization and mask token, numbers as alone; unload', async () => {
    const { page } = await open();
    await page.goto(baseURL);
    await loadTestModel(page, ROBERTA);
    await waitForFreshResults(page);
    const roberta = await allDistributions(page);
    await loadTestModel(page, BERT);
    await page.waitForFunction(() =>
      document.querySelector('[data-testid="rendered-prompt"]')?.textContent?.includes('[MASK]'),
    );
    await waitForFreshResults(page);
    const bert = await allDistributions(page);
    expect(bert).toHaveLength(3);
    alone = { bert, roberta };

    await page.getByTestId('compare-pick').selectOption(`local:${ROBERTA}`);
    await waitForBothSides(page, 3);
    expect(await page.getByTestId('side-by-side').count()).toBe(3);

    const main = await columnHead(page, 'main');
    const second = await columnHead(page, 'second');
    expect(main).toMatchObject({ name: BERT, mask: '[MASK]', markerNote: 0 });
    expect(second).toMatchObject({ name: ROBERTA, mask: '<mask>', markerNote: 1 });
    // Each model's own tokenization of the label words: Ġ only on RoBERTa's side.
    expect(main.pieces.length).toBe(6);
    expect(main.pieces.some((p) => p.includes('Ġ'))).toBe(false);
    expect(second.pieces.length).toBe(6);
    expect(second.pieces.every((p) => p.startsWith('Ġ'))).toBe(true);
    expect(second.pieces).toContain('Ġgreat');
    expect(main.pieces).toContain('great');
    // The rendered prompts carry each model's own mask token.
    const prompts = await page
      .locator('[data-testid="model-column"] [data-testid="rendered-prompt"]')
      .evaluateAll((els) => els.map((e) => e.textContent ?? ''));
    expect(prompts.filter((p) => p.includes('[MASK]'))).toHaveLength(3);
    expect(prompts.filter((p) => p.includes('<mask>'))).toHaveLength(3);

    // The same numbers as each model loaded alone in the playground.
    expect(await columnDistributions(page, 'main')).toEqual(bert);
    expect(await columnDistributions(page, 'second')).toEqual(roberta);

    // Memory: both models' file sizes as their workers reported them, and the tab's figure on demand.
    const bytes = await page
      .getByTestId('side-summary')
      .getByTestId('model-file-bytes')
      .evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-bytes'))));
    expect(bytes).toHaveLength(2);
    for (const b of bytes) expect(b).toBeGreaterThan(0);
    await page.getByTestId('measure-memory').click();
    const memoryText = await page.getByTestId('tab-memory').textContent();
    expect(memoryText).toMatch(/This tab|JavaScript heap|does not report/);
    console.log(`side-by-side memory: model files ${bytes.join(' / ')} bytes; ${memoryText}`);

    await page.setViewportSize({ width: 1280, height: 900 });
    await screenshot(page, 'side-by-side-1280');
    await page.setViewportSize({ width: 390, height: 844 });
    await screenshot(page, 'side-by-side-390');
    // Stacked on a narrow screen: the second column is below the first.
    const [a, b] = await page
      .locator('[data-testid="side-by-side"]')
      .first()
      .locator('[data-testid="model-column"]')
      .evaluateAll((cols) => cols.map((c) => c.getBoundingClientRect().top));
    expect(b!).toBeGreaterThan(a!);
    await page.setViewportSize({ width: 1440, height: 900 });

    // Unload: the second side goes; the setup's model keeps scoring alone.
    await page.getByTestId('summary-unload').click();
    await page.getByTestId('side-by-side').first().waitFor({ state: 'detached' });
    expect(await page.getByTestId('side-summary').count()).toBe(0);
    await waitForFreshResults(page);
    expect(await page.getByTestId('result-card').count()).toBe(3);
    expect(await allDistributions(page)).toEqual(bert);
  });

  test('a link with a second model opens both in a fresh profile', async () => {
    const setup = defaultSetup();
    setup.model = { id: BERT, source: 'local', dtype: 'auto', device: 'auto' };
    setup.compareModel = { id: ROBERTA, source: 'local', dtype: 'auto', device: 'auto' };
    const link = encodeShareFragment(setup);
    if (!link.ok) throw new Error('encode');
    const { page } = await open();
    await page.goto(`${baseURL}/#${link.fragment}`);
    await page.getByTestId('link-opened').waitFor();
    await page.getByTestId('model-status').getByText('Ready').waitFor({ timeout: 60_000 });
    await waitForBothSides(page, 3);
    expect(await columnHead(page, 'main')).toMatchObject({ name: BERT, mask: '[MASK]' });
    expect(await columnHead(page, 'second')).toMatchObject({ name: ROBERTA, mask: '<mask>' });
    if (alone) {
      expect(await columnDistributions(page, 'main')).toEqual(alone.bert);
      expect(await columnDistributions(page, 'second')).toEqual(alone.roberta);
    }
  });
});
