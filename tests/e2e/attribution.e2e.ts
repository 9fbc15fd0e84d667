// Word attribution in real Chromium on the built app (bert-tiny in the worker): "Explain" colours
// the input's words, and the numbers the page shows for each word equal what the playground's own
// chart shows when the occluded input is typed in and scored alone; the removed / mask-token
// choice; and Evaluate's "Why was this wrong?" shows the highlight for a misclassified example.
import type { Page } from 'playwright-core';
import { describe, expect, inject, test } from 'vitest';
import { occlusionSet } from '../../src/core/attribution/occlusion';
import { DEFAULT_SCORING_OPTIONS } from '../../src/core/scoring';
import { SETUP_VERSION, type PromptSetup } from '../../src/core/setup';
import { formatVerbalizer } from '../../src/core/verbalizer';
import { serializeWorkspace, WORKSPACE_KEY } from '../../src/store/persistence';
import { browserSessions, readDistribution, setText, waitForFreshResults } from './helpers';

const baseURL = inject('baseURL');
const chromiumPath = inject('chromiumPath');
const open = browserSessions(chromiumPath);

const TEXT = 'The plot was dull, but the cast saved it.';
const setup: PromptSetup = {
  version: SETUP_VERSION,
  name: 'Attribution e2e',
  model: { id: 'clozelab-test/bert-tiny', source: 'local', dtype: 'auto', device: 'wasm' },
  templates: [{ id: 't1', name: 'Overall', text: '[X] Overall, it was a [Z] movie.' }],
  activeTemplateId: 't1',
  verbalizer: {
    labels: [
      { label: 'positive', words: ['great', 'good'] },
      { label: 'negative', words: ['terrible', 'bad'] },
    ],
  },
  scoring: { ...DEFAULT_SCORING_OPTIONS, calibrate: true },
  inputs: [{ X: TEXT }],
  compareModel: null,
  verbalizerVariants: [],
  grid: null,
};

async function openWith(s: PromptSetup): Promise<Page> {
  const session = await open();
  const saved = serializeWorkspace({ setup: s, verbalizerText: formatVerbalizer(s.verbalizer) });
  await session.context.addInitScript(([key, value]) => localStorage.setItem(key, value), [
    WORKSPACE_KEY,
    saved,
  ] as const);
  await session.page.goto(baseURL);
  await session.page.getByTestId('model-status').getByText('Ready').waitFor({ timeout: 60_000 });
  return session.page;
}

interface ShownWord {
  word: string;
  /** Label → Δp, from the table's data attributes. */
  delta: Record<string, number>;
}

/** The attribution as the page shows it: waits until it is done, then reads the table. */
async function readAttribution(
  page: Page,
  mode: 'remove' | 'mask' = 'remove',
): Promise<{ words: ShownWord[]; highlighted: string[]; cost: string }> {
  const panel = page.getByTestId('attr-panel');
  await page
    .locator(`[data-testid="attr-panel"][data-status="done"][data-mode="${mode}"]`)
    .waitFor({ timeout: 60_000 });
  const words = await panel.locator('[data-testid="attr-row"]').evaluateAll((rows) =>
    rows.map((row) => ({
      word: row.getAttribute('data-word') ?? '',
      delta: Object.fromEntries(
        [...row.querySelectorAll('td[data-label]')].map((td) => [
          td.getAttribute('data-label') ?? '',
          Number(td.getAttribute('data-delta')),
        ]),
      ),
    })),
  );
  const highlighted = await panel
    .getByTestId('attr-word')
    .evaluateAll((spans) =>
      spans.map((s) => `${s.textContent}|${s.getAttribute('aria-label')}|${(s as HTMLElement).style.background}`),
    );
  const cost = (await page.getByTestId('attr-cost').textContent()) ?? '';
  return { words, highlighted, cost };
}

describe('word attribution', () => {
  test('Explain highlights the words; each Δp equals re-scoring the occluded input in the playground', async () => {
    const page = await openWith(setup);
    await waitForFreshResults(page);
    const original = await readDistribution(page);
    await page.getByTestId('explain').click();
    const shown = await readAttribution(page);
    const set = occlusionSet({ X: TEXT }, ['X'], 'remove', '[MASK]');
    expect(shown.words.map((w) => w.word)).toEqual(set.words.map((w) => w.text));
    const n = set.words.length;
    // Calibration adds its three content-free prompts to the n + 1.
    expect(shown.cost).toContain(`Ran ${n + 1 + 3} prompts for ${n} words: n + 1 = ${n + 1}.`);
    // Every word is coloured and has its number in its accessible name.
    expect(shown.highlighted).toHaveLength(n);
    for (const h of shown.highlighted) expect(h).toMatch(/^.+\|.+: [+−±]\d+\.\d pp for (positive|negative)\|rgba\(/);
    expect(shown.words.some((w) => Math.abs(w.delta.positive!) > 1e-6)).toBe(true);

    // Type each occluded input into the playground and read its chart (the attribution is dropped on the edit).
    const field = 'Input 1 text';
    for (const [i, w] of shown.words.entries()) {
      await setText(page, field, set.variants[i + 1]!.inputs.X!);
      await waitForFreshResults(page);
      const occluded = await readDistribution(page);
      for (const label of ['positive', 'negative'])
        expect(Math.abs(w.delta[label]! - (original[label]! - occluded[label]!))).toBeLessThan(1e-9);
    }
    await expect(page.getByTestId('attr-panel').count()).resolves.toBe(0);
  });

  test('the mask-token choice and the label shown; presentation mode shows it large', async () => {
    const page = await openWith(setup);
    await waitForFreshResults(page);
    await page.getByTestId('explain').click();
    const removed = await readAttribution(page);
    await page.getByTestId('attr-mode-mask').check();
    const masked = await readAttribution(page, 'mask');
    expect(masked.words.map((w) => w.word)).toEqual(removed.words.map((w) => w.word));
    expect(masked.words.map((w) => w.delta.positive)).not.toEqual(removed.words.map((w) => w.delta.positive));
    // The other label: its Δp in the highlight.
    await page.getByTestId('attr-label').selectOption({ label: 'negative' });
    const first = page.getByTestId('attr-word').first();
    await expect(first.getAttribute('data-delta')).resolves.toBe(String(masked.words[0]!.delta.negative));
    await expect(first.getAttribute('aria-label')).resolves.toMatch(/for negative$/);
    await page.getByTestId('attr-panel').getByRole('button', { name: 'Close' }).click();
    await expect(page.getByTestId('attr-panel').count()).resolves.toBe(0);

    await page.getByRole('button', { name: /Present/ }).click();
    await page.getByTestId('presentation').waitFor();
    await page.getByTestId('explain').click();
    // The removed / mask choice is kept between explanations.
    await readAttribution(page, 'mask');
    await expect(page.locator('[data-testid="attr-panel"].large').count()).resolves.toBe(1);
  });

  test('Evaluate: "Why was this wrong?" highlights a misclassified example', async () => {
    const page = await openWith({ ...setup, scoring: { ...DEFAULT_SCORING_OPTIONS } });
    await page.getByRole('button', { name: 'Evaluate' }).click();
    const csv = [
      'text,label',
      'A gripping story with wonderful performances.,positive',
      'The plot was dull and the jokes fell flat.,negative',
      'I would happily watch it again tomorrow.,positive',
      'Two hours of my life I will never get back.,negative',
      'Predictable and far too long.,negative',
    ].join('\n');
    await page
      .getByTestId('eval-file')
      .setInputFiles({ name: 'reviews.csv', mimeType: 'text/csv', buffer: Buffer.from(csv, 'utf8') });
    await page.getByTestId('eval-run').click();
    await page.getByTestId('eval-results').waitFor({ timeout: 60_000 });
    const wrong = page.getByTestId('error-examples').getByTestId('eval-example').first();
    await wrong.getByTestId('why-wrong').click();
    const shown = await readAttribution(page);
    expect(shown.words.length).toBeGreaterThan(3);
    expect(shown.highlighted).toHaveLength(shown.words.length);
    for (const w of shown.words) for (const d of Object.values(w.delta)) expect(Number.isFinite(d)).toBe(true);
    await expect(wrong.getByTestId('attr-panel').count()).resolves.toBe(1);
  });
});
