// The playground in real Chromium on the built app: the worker loads a generated test model from
// /models/, and every number checked here is read from the page.
import { resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, inject, test } from 'vitest';
import { openBrowser, screenshot, type BrowserSession } from './browser';
import { expectDistribution, loadTestModel, readDistribution, typeInto, waitForFreshResults } from './helpers';

const baseURL = inject('baseURL');
const chromiumPath = inject('chromiumPath');

let session: BrowserSession;

beforeEach(async () => {
  session = await openBrowser(chromiumPath);
});

afterEach(async () => {
  await session.close();
  expect(session.pageErrors).toEqual([]);
});

describe('playground', () => {
  test('loads a test model in the worker from /models/ and shows a label distribution per input', async () => {
    const { page } = session;
    await page.goto(baseURL);
    await expect(page.title()).resolves.toBe('ClozeLab');
    await loadTestModel(page);
    const status = page.getByTestId('model-status');
    await expect(status.textContent()).resolves.toMatch(/WASM/);
    await expect(status.textContent()).resolves.toMatch(/random weights/);
    await waitForFreshResults(page);
    await expect(page.getByTestId('result-card').count()).resolves.toBe(3);
    for (let i = 0; i < 3; i++) expectDistribution(await readDistribution(page, i), ['positive', 'negative']);
    await expect(page.getByTestId('mask-explainer').textContent()).resolves.toContain('[MASK]');
    await expect(page.getByTestId('rendered-prompt').first().textContent()).resolves.toBe(
      'A gripping story with wonderful performances from the whole cast. Overall, it was a [MASK] movie.',
    );
    await screenshot(page, 'playground-loaded');
  });

  test('typing a template and verbalizer updates the chart; aggregation changes it; errors are positioned; reload keeps everything', async () => {
    const { page } = session;
    await page.goto(baseURL);
    await loadTestModel(page);
    await waitForFreshResults(page);

    await typeInto(page, 'Template', 'Review: [X] In short, the film was [Z].');
    await typeInto(page, 'Verbalizer', 'good: great, excellent, fantastic\nbad: terrible, awful\nmeh: okay, fine');
    await waitForFreshResults(page);
    const byDefault = await readDistribution(page, 0);
    expectDistribution(byDefault, ['good', 'bad', 'meh']);
    await expect(page.getByTestId('result-card').first().locator('.recharts-bar-rectangle').count()).resolves.toBe(3);
    // "fantastic" is several tokens for the test model's vocabulary: the table says so.
    await expect(
      page.getByRole('table', { name: 'Label words as the model tokenizes them' }).textContent(),
    ).resolves.toMatch(/fan · ##tas · ##tic \(3 tokens\)/);

    await page.getByLabel("Combine a label's words by").selectOption('max');
    await waitForFreshResults(page);
    const byMax = await readDistribution(page, 0);
    expectDistribution(byMax, ['good', 'bad', 'meh']);
    expect(byMax).not.toEqual(byDefault);
    await screenshot(page, 'playground-three-labels');

    // Calibration: the three content-free inputs are named; the chart changes and comes back.
    await page.getByLabel('Calibrate label bias').check();
    await waitForFreshResults(page);
    await expect(page.getByTestId('content-free-inputs').textContent()).resolves.toBe(
      'Content-free inputs used: "N/A", "" (empty), "[MASK]".',
    );
    const calibrated = await readDistribution(page, 0);
    expectDistribution(calibrated, ['good', 'bad', 'meh']);
    expect(calibrated).not.toEqual(byMax);
    await page.getByLabel('Calibrate label bias').uncheck();
    await waitForFreshResults(page);
    expect(await readDistribution(page, 0)).toEqual(byMax);

    // A template error: the last good chart stays (dimmed) and the message gives the position.
    await typeInto(page, 'Template', 'Review: [X] In short, the film was [Y].');
    const errors = page.getByTestId('template-errors');
    await errors.waitFor();
    await expect(errors.textContent()).resolves.toContain('Unknown slot [Y] at character 36.');
    await expect(page.getByTestId('result-card').first().getAttribute('data-stale')).resolves.not.toBeNull();
    await expect(page.getByTestId('result-card').count()).resolves.toBe(3);
    await screenshot(page, 'playground-template-error');

    await typeInto(page, 'Template', 'Review: [X] In short, the film was [Z].');
    await waitForFreshResults(page);
    await page.reload();
    await expect(page.getByLabel('Template', { exact: true }).inputValue()).resolves.toBe(
      'Review: [X] In short, the film was [Z].',
    );
    await expect(page.getByLabel('Verbalizer', { exact: true }).inputValue()).resolves.toBe(
      'good: great, excellent, fantastic\nbad: terrible, awful\nmeh: okay, fine',
    );
    await expect(page.getByLabel("Combine a label's words by").inputValue()).resolves.toBe('max');
    // The model was a local test model, so it loads again by itself and the same numbers come back —
    // exactly: activations are quantized per row (src/runtime/row-quant.ts), so how the live
    // requests happened to be batched before and after the reload cannot move them.
    await waitForFreshResults(page);
    expect(await readDistribution(page, 0)).toEqual(byMax);
  });

  test('opens a model folder from the computer (byte-level BPE): <mask>, leading-space tokens, live chart', async () => {
    const { page } = session;
    await page.goto(baseURL);
    const folder = resolve(import.meta.dirname, '../../public/models/clozelab-test/roberta-tiny');
    await page.getByLabel('Open a model folder…').setInputFiles(folder);
    await page.getByTestId('model-status').getByText('Ready').waitFor({ timeout: 60_000 });
    await expect(page.getByLabel('Masked language model').inputValue()).resolves.toBe('');
    await expect(page.getByTestId('mask-explainer').textContent()).resolves.toContain('<mask>');
    await waitForFreshResults(page);
    expectDistribution(await readDistribution(page, 0), ['positive', 'negative']);
    // The mask follows a space in the default template, so label words carry the BPE space marker.
    await expect(
      page.getByRole('table', { name: 'Label words as the model tokenizes them' }).textContent(),
    ).resolves.toContain('Ġgreat');
    // Calibration runs the template with "<mask>" as a content-free input.
    await page.getByLabel('Calibrate label bias').check();
    await waitForFreshResults(page);
    await expect(page.getByTestId('content-free-inputs').textContent()).resolves.toContain('"<mask>"');
    expectDistribution(await readDistribution(page, 0), ['positive', 'negative']);
    await page.getByLabel('Calibrate label bias').uncheck();
    await screenshot(page, 'playground-opened-folder');
  });
});
