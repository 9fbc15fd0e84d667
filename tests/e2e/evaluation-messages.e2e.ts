// Messages that say what is really wrong and how to fix it, in real Chromium on the built app:
// data whose label values map to no label, data in another language than the model (hints by
// cause), and the first visit without internet. Nothing here waits for a time: every step waits
// for what the page shows.
import type { Page } from 'playwright-core';
import { describe, expect, inject, test } from 'vitest';
import { findDemoDataset } from '../../src/core/demo-datasets';
import { DEFAULT_SCORING_OPTIONS } from '../../src/core/scoring';
import { SETUP_VERSION, type PromptSetup } from '../../src/core/setup';
import { formatVerbalizer } from '../../src/core/verbalizer';
import { serializeWorkspace, WORKSPACE_KEY } from '../../src/store/persistence';
import { screenshot } from './browser';
import { browserSessions, waitForFreshResults } from './helpers';

const baseURL = inject('baseURL');
const open = browserSessions(inject('chromiumPath'));

function setupWith(parts: Pick<PromptSetup, 'templates' | 'verbalizer'>): PromptSetup {
  return {
    version: SETUP_VERSION,
    compareModel: null,
    verbalizerVariants: [],
    grid: null,
    name: 'Messages e2e',
    model: { id: 'clozelab-test/bert-tiny', source: 'local', dtype: 'q8', device: 'wasm' },
    ...parts,
    activeTemplateId: parts.templates[0]!.id,
    scoring: { ...DEFAULT_SCORING_OPTIONS },
    inputs: [{ X: 'A fine film.' }],
  };
}

/** Opens the app with `setup` saved, waits for its test model, and goes to Evaluate. */
async function openEvaluate(setup: PromptSetup): Promise<Page> {
  const { context, page } = await open();
  const saved = serializeWorkspace({ setup, verbalizerText: formatVerbalizer(setup.verbalizer) });
  await context.addInitScript(([key, value]) => localStorage.setItem(key, value), [WORKSPACE_KEY, saved] as const);
  await page.goto(baseURL);
  await page.getByTestId('model-status').getByText('Ready').waitFor({ timeout: 60_000 });
  await page.getByRole('button', { name: 'Evaluate' }).click();
  return page;
}

async function upload(page: Page, name: string, csv: string): Promise<void> {
  await page.getByTestId('eval-file').setInputFiles({ name, mimeType: 'text/csv', buffer: Buffer.from(csv, 'utf8') });
  await page.getByTestId('data-summary').getByText(name).waitFor();
}

const ENGLISH = setupWith({
  templates: [{ id: 't1', name: 'Overall', text: '[X] Overall, it was a [Z] movie.' }],
  verbalizer: {
    labels: [
      { label: 'positive', words: ['great', 'good'] },
      { label: 'negative', words: ['terrible', 'bad'] },
    ],
  },
});

describe('messages that say what is wrong', () => {
  test('data loaded but no label value mapped: says to map the labels, shows where, and mapping them makes the rows ready', async () => {
    const page = await openEvaluate(ENGLISH);
    const csv = [
      'text,label',
      'A gripping story.,1',
      'Dull and far too long.,0',
      'Funny and warm.,1',
      'I walked out.,0',
    ];
    await upload(page, 'stars.csv', csv.join('\n'));

    const note = page.getByTestId('no-examples');
    await expect(note.getAttribute('data-reason')).resolves.toBe('no-label-mapped');
    await expect(note.textContent()).resolves.toContain(
      '4 rows are loaded, but none of them is mapped to a verbalizer label yet.',
    );
    await expect(page.getByText('Load labelled data first.').count()).resolves.toBe(0);
    // Step 2 shows how, with an example taken from this data and these labels.
    await expect(page.getByTestId('no-label-mapped').textContent()).resolves.toContain('for example "1" → positive');
    await screenshot(page, 'evaluation-no-label-mapped');

    // "Show me" takes the keyboard to the first value to map.
    await note.getByRole('button', { name: 'Show me' }).click();
    await expect(page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).resolves.toMatch(
      /^Verbalizer label for the value "[01]"$/,
    );

    await page.getByLabel('Verbalizer label for the value "1"').selectOption('positive');
    await page.getByLabel('Verbalizer label for the value "0"').selectOption('negative');
    await page.getByTestId('examples-ready').getByText('4 of 4 rows are ready to evaluate.').waitFor();
    await expect(page.getByTestId('no-examples').count()).resolves.toBe(0);
    await expect(page.getByTestId('no-label-mapped').count()).resolves.toBe(0);
    await expect(page.getByTestId('eval-run').isEnabled()).resolves.toBe(true);
  });

  test('Chinese data uploaded on an English model: a language note with one-click models, and the first hint is the real cause', async () => {
    const demo = findDemoDataset('sentiment-zh')!;
    const page = await openEvaluate(
      setupWith({
        templates: demo.templates.map((t) => ({ ...t })),
        verbalizer: { labels: demo.verbalizer.map((l) => ({ label: l.label, words: [...l.words] })) },
      }),
    );
    // An uploaded file (not the demo button): the same check as for the demos.
    await upload(page, 'reviews-zh.csv', demo.csv);
    const note = page.getByTestId('language-note');
    await expect(note.textContent()).resolves.toContain(
      'The texts of this data are in Chinese, but clozelab-test/bert-tiny is a model for English',
    );
    await expect(note.getByRole('button', { name: 'Load Xenova/bert-base-chinese' }).count()).resolves.toBe(1);

    await page.getByTestId('eval-run').click();
    const hints = page.getByTestId('eval-hints').locator('li');
    await hints.first().waitFor({ timeout: 60_000 });
    const codes = await hints.evaluateAll((items) => items.map((li) => li.getAttribute('data-code')));
    expect(codes[0]).toBe('unreadable-label-words');
    // Every example fell back to the first label: a "bias" and calibration advice would misdirect.
    expect(codes).not.toContain('prediction-bias');
    expect(codes).not.toContain('calibration-helps');
    await expect(hints.first().textContent()).resolves.toContain('This model can read none of the label words');
    await screenshot(page, 'evaluation-language-mismatch');

    // One click to the Chinese test model (served by the app, works offline): the note goes away.
    await note.getByRole('button', { name: /Use the test model clozelab-test\/chinese-bert-tiny/ }).click();
    const model = page.getByTestId('eval-model');
    // The English model stays in use (and Ready) until the Chinese one has loaded: wait for that.
    await model.getByText('clozelab-test/chinese-bert-tiny').waitFor({ timeout: 60_000 });
    await model.getByText('Ready').waitFor({ timeout: 60_000 });
    await expect(page.getByTestId('language-note').count()).resolves.toBe(0);
  });

  test('first visit without internet: the Hub error explains honestly and loads the offline test model in one click', async () => {
    const { page } = await open({
      extraArgs: [
        '--host-resolver-rules=MAP huggingface.co ~NOTFOUND, MAP *.huggingface.co ~NOTFOUND, MAP *.hf.co ~NOTFOUND',
      ],
    });
    await page.goto(baseURL);
    // A fresh browser: the default Hub model, loaded by the teacher's first click.
    await page
      .getByTestId('model-status')
      .getByRole('button', { name: /^Load model/ })
      .click();
    const error = page.getByTestId('model-error');
    await error.waitFor({ timeout: 60_000 });
    const text = (await error.textContent()) ?? '';
    expect(text).toContain("This computer can't reach the Hugging Face Hub");
    expect(text).toContain('its predictions are random');
    expect(text).not.toMatch(/ask your teacher/i);
    await screenshot(page, 'offline-first-run');

    await error.getByRole('button', { name: 'Use the test model clozelab-test/bert-tiny (works offline)' }).click();
    await page.getByTestId('model-status').getByText('Ready').waitFor({ timeout: 60_000 });
    await expect(page.getByLabel('Masked language model').inputValue()).resolves.toBe('local:clozelab-test/bert-tiny');
    await expect(page.getByTestId('model-error').count()).resolves.toBe(0);
    await waitForFreshResults(page);
  });
});
