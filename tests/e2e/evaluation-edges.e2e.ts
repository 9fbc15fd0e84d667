// Evaluation rough edges, in real Chromium on the built app with the generated bert-tiny:
// JSONL values that are not strings are skipped rows (named by line and column, in English and
// Chinese) that no label count includes; a small sample gets 95 % intervals and a note; choosing a
// confusion-matrix cell (mouse or keyboard) brings its examples into view with the keyboard on
// their heading, and Back / Close return to the cell. Every step waits for what the page shows,
// never for a time.
import type { Locator, Page } from 'playwright-core';
import { describe, expect, inject, test } from 'vitest';
import { DEFAULT_SCORING_OPTIONS } from '../../src/core/scoring';
import { SETUP_VERSION, type PromptSetup } from '../../src/core/setup';
import { formatVerbalizer } from '../../src/core/verbalizer';
import { serializeWorkspace, WORKSPACE_KEY } from '../../src/store/persistence';
import { screenshot } from './browser';
import { browserSessions } from './helpers';

const baseURL = inject('baseURL');
const open = browserSessions(inject('chromiumPath'));

const SETUP: PromptSetup = {
  version: SETUP_VERSION,
  compareModel: null,
  verbalizerVariants: [],
  grid: null,
  name: 'Evaluation edges e2e',
  model: { id: 'clozelab-test/bert-tiny', source: 'local', dtype: 'q8', device: 'wasm' },
  templates: [{ id: 't1', name: 'Overall', text: '[X] Overall, it was a [Z] movie.' }],
  activeTemplateId: 't1',
  verbalizer: {
    labels: [
      { label: 'positive', words: ['great', 'good'] },
      { label: 'negative', words: ['terrible', 'bad'] },
    ],
  },
  scoring: { ...DEFAULT_SCORING_OPTIONS },
  inputs: [{ X: 'A fine film.' }],
};

/** Opens the app with SETUP saved, waits for its test model, and goes to Evaluate. */
async function openEvaluate(): Promise<Page> {
  const { context, page } = await open();
  const saved = serializeWorkspace({ setup: SETUP, verbalizerText: formatVerbalizer(SETUP.verbalizer) });
  await context.addInitScript(([key, value]) => localStorage.setItem(key, value), [WORKSPACE_KEY, saved] as const);
  await page.goto(baseURL);
  await page.getByTestId('model-status').getByText('Ready').waitFor({ timeout: 60_000 });
  await page.getByRole('button', { name: 'Evaluate' }).click();
  return page;
}

async function upload(page: Page, name: string, text: string): Promise<void> {
  await page
    .getByTestId('eval-file')
    .setInputFiles({ name, mimeType: 'text/plain', buffer: Buffer.from(text, 'utf8') });
  await page.getByTestId('data-summary').getByText(name).waitFor();
}

/** Label value → row count, as the mapping step's table shows them. */
async function labelTable(page: Page): Promise<Record<string, number>> {
  const rows = await page
    .getByTestId('label-map')
    .locator('tbody tr')
    .evaluateAll((trs) =>
      trs.map(
        (tr) => [tr.querySelector('td')?.textContent ?? '', Number(tr.querySelectorAll('td')[1]?.textContent)] as const,
      ),
    );
  return Object.fromEntries(rows);
}

/** Whether the element's top edge is inside the viewport (below the sticky header). */
const inView = (locator: Locator) =>
  locator.evaluate((el) => {
    const r = el.getBoundingClientRect();
    return r.top >= 0 && r.top < window.innerHeight && r.bottom > 0;
  });

const activeTestId = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement;
    return el ? `${el.getAttribute('data-testid') ?? el.tagName}:${el.getAttribute('data-cell') ?? ''}` : '';
  });

// 3 usable rows; 4 with values that are not strings, 1 without text, 1 with an unmapped label.
const JSONL = [
  '{"id": 1, "text": "A wonderful, moving film.", "label": "positive"}',
  '{"id": 2, "text": "Dull and far too long.", "label": 0}',
  '{"id": 3, "text": 12, "label": "negative"}',
  '{"id": 4, "text": "I loved every minute.", "label": "positive"}',
  '{"id": 5, "text": "A waste of time.", "label": null}',
  '{"id": 6, "text": {"en": "Nested"}, "label": "positive"}',
  '{"id": 7, "text": "", "label": "positive"}',
  '{"id": 8, "text": "Awful acting.", "label": "negative"}',
  '{"id": 9, "text": "Fine, I guess.", "label": "neutral"}',
].join('\n');

describe('evaluation rough edges', () => {
  test('JSONL non-strings are bad rows with line and column (en, zh), and the label counts leave every skipped row out', async () => {
    const page = await openEvaluate();
    await upload(page, 'reviews.jsonl', JSONL);
    await expect(page.getByTestId('examples-ready').textContent()).resolves.toBe('3 of 9 rows are ready to evaluate.');
    await expect(page.getByTestId('bad-rows').locator('li').allTextContents()).resolves.toEqual([
      'line 2: the label in "label" is a number (0), not a string — write it in quotes ("0") to use it',
      'line 3: the text in "text" is a number (12), not a string — write it in quotes ("12") to use it',
      'line 5: the label in "label" is null, not a string',
      'line 6: the text in "text" is a JSON object ({"en":"Nested"}), not a string',
      'line 7: the column "text" is empty',
      'line 9: the label "neutral" is not mapped to a verbalizer label',
    ]);
    // Rows 3, 6 and 7 say "positive" / "negative" too, but they are skipped: not counted. "0" is no
    // label value at all (a number). The unmapped "neutral" row is counted: mapping it would use it.
    await expect(labelTable(page)).resolves.toEqual({ positive: 2, negative: 1, neutral: 1 });
    await page.getByTestId('bad-rows').scrollIntoViewIfNeeded();
    await screenshot(page, 'evaluation-jsonl-bad-rows');

    // The same in Chinese.
    await page.locator('#locale-select').selectOption('zh');
    await expect(page.getByTestId('bad-rows').locator('li').first().textContent()).resolves.toBe(
      '第 2 行：列“label”中的标签是数字（0），不是字符串——加上引号（"0"）才能使用',
    );
    await page.locator('#locale-select').selectOption('en');

    // The run's label balance and metrics count the 3 examples only.
    await page.getByTestId('eval-run').click();
    await page.getByTestId('eval-results').waitFor({ timeout: 60_000 });
    const supports = await page
      .getByTestId('per-label-table')
      .locator('tbody tr')
      .evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-support'))));
    expect(supports).toEqual([2, 1]);
    const cells = await page
      .getByTestId('confusion-cell')
      .evaluateAll((els) => els.map((el) => Number(el.getAttribute('data-count'))));
    expect(cells.reduce((a, b) => a + b, 0)).toBe(3);
  });

  test('3 examples: accuracy with its 95 % interval, per-label intervals and a small-sample note', async () => {
    const page = await openEvaluate();
    await upload(page, 'reviews.jsonl', JSONL);
    await page.getByTestId('eval-run').click();
    await page.getByTestId('eval-results').waitFor({ timeout: 60_000 });

    await expect(page.getByTestId('small-sample-note').textContent()).resolves.toBe(
      'Only 3 examples: with fewer than 30, one example more or less right moves accuracy by 33.3 points. Read the 95% confidence intervals, not only the values, and evaluate more data before comparing setups.',
    );
    const accuracy = page.getByTestId('calibration-comparison').locator('tr[data-metric="accuracy"]');
    const intervals = await accuracy.getByTestId('accuracy-ci').allTextContents();
    expect(intervals).toHaveLength(2);
    // The interval the page shows is the Wilson interval of the accuracy it shows.
    const reference: Record<number, string> = {
      0: '95% CI 0.0–56.1%, n = 3',
      1: '95% CI 6.1–79.2%, n = 3',
      2: '95% CI 20.8–93.9%, n = 3',
      3: '95% CI 43.9–100.0%, n = 3',
    };
    for (const [i, mode] of (['uncalibrated', 'calibrated'] as const).entries()) {
      const value = Number(await accuracy.getAttribute(`data-${mode}`));
      expect(intervals[i]).toBe(reference[Math.round(value * 3)]);
    }
    // Precision and recall rest on at most 3 examples: each defined one shows its interval.
    const table = page.getByTestId('per-label-table');
    const defined = await table
      .locator('tbody tr')
      .evaluateAll(
        (rows) =>
          rows
            .flatMap((r) => [r.getAttribute('data-precision'), r.getAttribute('data-recall')])
            .filter((v) => v !== null).length,
      );
    await expect(table.getByTestId('label-ci').count()).resolves.toBe(defined);
    await accuracy.scrollIntoViewIfNeeded();
    await page.mouse.move(0, 0);
    await screenshot(page, 'evaluation-small-sample');
  });

  test('a confusion cell chosen by click, Enter or Space brings its examples into view with focus on their heading; Back and Close return to the cell', async () => {
    const page = await openEvaluate();
    await page.getByTestId('demo-sentiment-en').click();
    await page.getByTestId('data-summary').waitFor();
    await page.getByTestId('eval-run').click();
    await page.getByTestId('eval-results').waitFor({ timeout: 60_000 });
    // Enough examples: no small-sample note.
    await expect(page.getByTestId('small-sample-note').count()).resolves.toBe(0);

    const cells = page.getByTestId('confusion-cell');
    const counts = await cells.evaluateAll((els) => els.map((el) => Number(el.getAttribute('data-count'))));
    const filled = counts.map((n, i) => (n > 0 ? i : -1)).filter((i) => i >= 0);
    expect(filled.length).toBeGreaterThanOrEqual(2);
    const heading = page.getByTestId('cell-title');

    // Click: the list (far below the matrix) scrolls into view, the keyboard is on its heading.
    const first = cells.nth(filled[0]!);
    const firstCell = (await first.getAttribute('data-cell'))!;
    await first.click();
    await page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'cell-title');
    await expect(inView(heading)).resolves.toBe(true);
    await expect(inView(first)).resolves.toBe(false);
    await expect(heading.textContent()).resolves.toContain(`${counts[filled[0]!]} examples`);
    await page.mouse.move(0, 0);
    await screenshot(page, 'evaluation-cell-list-in-view');

    // Back to the matrix: the cell is in view and focused again (still chosen).
    await page.getByTestId('cell-back').click();
    await page.waitForFunction((cell) => document.activeElement?.getAttribute('data-cell') === cell, firstCell);
    await expect(inView(first)).resolves.toBe(true);
    await expect(first.getAttribute('aria-pressed')).resolves.toBe('true');

    // Keyboard: Tab to another cell, Enter opens its examples; Space does too.
    const second = cells.nth(filled[1]!);
    await second.focus();
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'cell-title');
    await expect(heading.textContent()).resolves.toContain(`${counts[filled[1]!]} examples`);
    await expect(inView(heading)).resolves.toBe(true);
    await expect(page.getByTestId('cell-examples').getByTestId('eval-example').count()).resolves.toBe(
      Math.min(20, counts[filled[1]!]!),
    );
    await page.getByTestId('cell-back').press('Enter');
    await page.waitForFunction(
      (cell) => document.activeElement?.getAttribute('data-cell') === cell,
      await second.getAttribute('data-cell'),
    );
    await first.focus();
    await page.keyboard.press(' ');
    await page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'cell-title');
    await expect(heading.textContent()).resolves.toContain(`${counts[filled[0]!]} examples`);

    // Close: the list goes, the keyboard is back on the cell.
    await page.locator('.eval-cell-examples').getByRole('button', { name: 'Close', exact: true }).click();
    await page.waitForFunction((cell) => document.activeElement?.getAttribute('data-cell') === cell, firstCell);
    await expect(heading.count()).resolves.toBe(0);
    await expect(activeTestId(page)).resolves.toBe(`confusion-cell:${firstCell}`);
  });
});
