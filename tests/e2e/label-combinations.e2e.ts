// Label-word search, step 2, in real Chromium on the built app with the generated bert-tiny:
// step 1 ranks candidates, step 2 scores a K-shot training split and lists combinations with their
// train accuracy, and "Use as verbalizer" puts one into the playground's verbalizer.
import { describe, expect, inject, test } from 'vitest';
import { browserSessions, loadTestModel } from './helpers';

const baseURL = inject('baseURL');
const open = browserSessions(inject('chromiumPath'));

const POSITIVE = [
  'A good film.',
  'Great acting.',
  'A warm story.',
  'Fine and funny.',
  'I loved it.',
  'Moving and smart.',
];
const NEGATIVE = ['A bad film.', 'Awful acting.', 'A dull story.', 'Flat and slow.', 'I hated it.', 'Cheap and loud.'];
const CSV = ['text,label', ...POSITIVE.map((t) => `${t},positive`), ...NEGATIVE.map((t) => `${t},negative`)].join('\n');

describe('label-word search, step 2', () => {
  test('search combinations on a 4-shot training split and use the best one as the verbalizer', async () => {
    const { page } = await open();
    await page.goto(baseURL);
    await loadTestModel(page);
    await page.getByRole('button', { name: 'Evaluate' }).click();
    await page
      .getByTestId('eval-file')
      .setInputFiles({ name: 'reviews.csv', mimeType: 'text/csv', buffer: Buffer.from(CSV, 'utf8') });
    await expect(page.getByTestId('examples-ready').textContent()).resolves.toBe(
      '12 of 12 rows are ready to evaluate.',
    );

    await page.getByTestId('suggest-words').click();
    await page.getByTestId('word-candidates').first().waitFor({ timeout: 60_000 });

    // K = 16 is more than a label has: said, with the label and the counts.
    await page.getByTestId('search-combos').click();
    await expect(page.getByTestId('combos-too-few').textContent()).resolves.toBe(
      'The label "positive" has 6 examples, fewer than K = 16. Choose a smaller K.',
    );

    await page.getByTestId('combo-k').selectOption('4');
    await page.getByTestId('combo-seed').selectOption('42');
    await page.getByTestId('combo-n').fill('3');
    await page.getByTestId('search-combos').click();
    const first = page.getByTestId('combo-row').first();
    await first.waitFor({ timeout: 60_000 });
    await expect(page.getByTestId('combos-summary').textContent()).resolves.toBe(
      'Exhaustive search: all 9 of 9 combinations judged (two labels never share a word). Accuracy on 8 training examples (K = 4, seed 42).',
    );
    const cells = await first.locator('td').allTextContents();
    // #, positive's word, negative's word, train accuracy "…% (c/8)", the button.
    expect(cells[3]).toMatch(/^\d+(\.\d)?% \([0-8]\/8\)$/);
    const [positive, negative] = [cells[1]!, cells[2]!];
    await first.getByTestId('use-combo').click();
    await expect(first.getByTestId('use-combo').textContent()).resolves.toBe('in use');

    await page.getByRole('button', { name: 'Playground' }).click();
    await expect(page.getByLabel('Verbalizer', { exact: true }).inputValue()).resolves.toBe(
      `positive: ${positive}\nnegative: ${negative}`,
    );
  });
});
