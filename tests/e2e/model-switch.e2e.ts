// Asking for another model while one works: a mistyped Hub id that fails offline, and a preset that
// asks for a Hub model. The working model stays in use — scoring, saved and shared — until another
// one has actually loaded, and every status line says which model the chart uses.
import { describe, expect, inject, test } from 'vitest';
import { screenshot } from './browser';
import { browserSessions, loadTestModel, setText, waitForFreshResults } from './helpers';

const baseURL = inject('baseURL');
const open = browserSessions(inject('chromiumPath'));
const TINY = 'clozelab-test/bert-tiny';

async function start() {
  const session = await open();
  // The Hub is never contacted from tests: requests to it fail like a network without internet.
  await session.context.route(/huggingface\.co|hf\.co/, (route) => route.abort('internetdisconnected'));
  await session.page.goto(baseURL);
  await loadTestModel(session.page);
  await waitForFreshResults(session.page);
  return session;
}

describe('asking for another model', () => {
  test('a mistyped Hub id that fails leaves the working model scoring, saved and shared', async () => {
    const { page } = await start();
    const bogus = 'Xenova/bert-bsae-uncased';
    await page.getByLabel('Any Hugging Face Hub model id', { exact: true }).fill(bogus);
    await page.getByRole('button', { name: 'Load', exact: true }).click();

    const request = page.locator('[data-testid="model-request"][data-status="failed"]');
    await request.waitFor({ timeout: 60_000 });
    const text = await request.textContent();
    expect(text).toContain(`Could not load ${bogus}.`);
    expect(text).toContain(`This computer can't reach the Hugging Face Hub, so ${bogus} can't be downloaded.`);
    expect(text).toContain(`Still using ${TINY}`);
    await expect(page.getByTestId('model-line').textContent()).resolves.toBe(
      `Could not load ${bogus}; still using ${TINY}. The Model panel says why.`,
    );
    await expect(page.getByTestId('model-status').getByText('Ready').count()).resolves.toBe(1);
    await expect(page.getByLabel('Masked language model').inputValue()).resolves.toBe(`local:${TINY}`);
    await expect(page.getByText('Load a model to see predictions').count()).resolves.toBe(0);
    await expect(page.getByTestId('mask-explainer').textContent()).resolves.toBe('[Z] becomes [MASK] for this model.');
    await screenshot(page, 'model-request-failed');

    // The failed load replaced the model worker; the working model is scoring in the new one.
    await setText(page, 'Verbalizer', 'positive: great, good\nnegative: terrible');
    await waitForFreshResults(page);
    await expect(page.getByRole('alert').filter({ hasText: 'No model is loaded' }).count()).resolves.toBe(0);

    // Neither saved nor shared: the setup's model is the one that works.
    const saved = await page.evaluate(() => localStorage.getItem('clozelab.workspace') ?? '');
    expect(saved).toContain(TINY);
    expect(saved).not.toContain(bogus);
    await page.getByTestId('open-share').click();
    const link = await page.getByTestId('share-link').inputValue();
    await page.keyboard.press('Escape');

    await page.reload();
    await page.getByTestId('model-status').getByText('Ready').waitFor({ timeout: 60_000 });
    await expect(page.getByLabel('Masked language model').inputValue()).resolves.toBe(`local:${TINY}`);
    await expect(page.locator('option', { hasText: bogus }).count()).resolves.toBe(0);
    await expect(page.getByTestId('model-request').count()).resolves.toBe(0);
    await waitForFreshResults(page);

    // The link opens in a fresh profile with the working model, not the broken id.
    const other = await open();
    await other.page.goto(link); // a fresh workspace: the link opens at once
    await other.page.getByTestId('model-status').getByText('Ready').waitFor({ timeout: 60_000 });
    await expect(other.page.getByLabel('Masked language model').inputValue()).resolves.toBe(`local:${TINY}`);
  });

  test('a preset that asks for a Hub model: the working model stays in use and every line says so', async () => {
    const { page, context } = await start();
    await page.getByRole('button', { name: 'Presets', exact: true }).click();
    await expect(page.getByTestId('preset-keep-model').isChecked()).resolves.toBe(false); // online
    await page.locator('[data-preset="lmbff-sst2"]').getByTestId('preset-open').click();

    const waiting = page.locator('[data-testid="model-request"][data-status="waiting"]');
    await waiting.waitFor();
    await expect(waiting.textContent()).resolves.toContain(
      `This setup asks for Xenova/roberta-base. Until you load it, ${TINY} stays in use.`,
    );
    await expect(page.getByTestId('model-line').textContent()).resolves.toBe(
      `This setup asks for Xenova/roberta-base; the chart uses ${TINY} until you load it in the Model panel.`,
    );
    // The chart, the help and the word tokens are those of the model in use.
    await waitForFreshResults(page);
    await expect(page.getByText('Waiting for a valid template and verbalizer').count()).resolves.toBe(0);
    await expect(page.getByTestId('mask-explainer').textContent()).resolves.toBe('[Z] becomes [MASK] for this model.');
    const chips = await page.getByLabel('Label words as the model tokenizes them').textContent();
    expect(chips).toContain('terrible');
    expect(chips).not.toContain('Ġ');
    await screenshot(page, 'preset-asks-for-model');

    // Loading it offline fails and says so; the test model stays in use.
    await page.getByTestId('model-request-load').click();
    const failed = page.locator('[data-testid="model-request"][data-status="failed"]');
    await failed.waitFor({ timeout: 60_000 });
    await expect(failed.textContent()).resolves.toContain(`Could not load Xenova/roberta-base.`);
    await expect(page.getByTestId('model-line').textContent()).resolves.toBe(
      `Could not load Xenova/roberta-base; still using ${TINY}. The Model panel says why.`,
    );
    await setText(page, 'Input 1 text', 'A warm and funny film.');
    await waitForFreshResults(page);
    await page.getByTestId('model-request-dismiss').click();
    await expect(page.getByTestId('model-line').count()).resolves.toBe(0);

    // While a model loads (its download held here until released), the chart keeps using the
    // working model, and says so; "Stop" keeps it.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    await context.route(/huggingface\.co|hf\.co/, async (route) => {
      await held;
      await route.abort('internetdisconnected');
    });
    await page.getByLabel('Masked language model').selectOption('hub:Xenova/roberta-base');
    const loading = page.locator('[data-testid="model-request"][data-status="loading"]');
    await loading.waitFor();
    await expect(page.getByTestId('model-line').textContent()).resolves.toBe(
      `Loading Xenova/roberta-base… the chart uses ${TINY} until then.`,
    );
    await expect(loading.textContent()).resolves.toContain(`${TINY} stays in use until it has loaded.`);
    await expect(page.getByTestId('model-in-use').textContent()).resolves.toBe(`In use: ${TINY}`);
    await setText(page, 'Input 1 text', 'Sharp writing, lovely score.');
    await waitForFreshResults(page);
    await screenshot(page, 'model-request-loading');
    await page.getByRole('button', { name: `Stop — keep ${TINY}` }).click();
    await expect(page.getByTestId('model-request').count()).resolves.toBe(0);
    await expect(page.getByLabel('Masked language model').inputValue()).resolves.toBe(`local:${TINY}`);
    release();
    await setText(page, 'Input 1 text', 'Dull, long and loud.');
    await waitForFreshResults(page);
    await expect(page.getByTestId('model-line').count()).resolves.toBe(0);
  });

  test('offline, presets keep the current model by default, and a request offers keeping it first', async () => {
    const { page, context } = await start();
    await context.setOffline(true);
    await page.getByRole('button', { name: 'Presets', exact: true }).click();
    await page.getByTestId('presets-offline').waitFor();
    await expect(page.getByTestId('preset-keep-model').isChecked()).resolves.toBe(true);
    await screenshot(page, 'presets-offline');

    // Unticked anyway: the request says it can't be downloaded, and "keep" comes first.
    await page.getByTestId('preset-keep-model').uncheck();
    await page.locator('[data-preset="lmbff-sst2"]').getByTestId('preset-open').click();
    const waiting = page.locator('[data-testid="model-request"][data-status="waiting"]');
    await waiting.waitFor();
    await expect(waiting.textContent()).resolves.toContain(
      `You are offline, so Xenova/roberta-base cannot be downloaded now. Keep ${TINY}`,
    );
    await expect(page.getByTestId('model-request-keep').getAttribute('class')).resolves.toContain('primary');
    await expect(page.getByTestId('model-line').textContent()).resolves.toBe(
      `This setup asks for Xenova/roberta-base, which can't be downloaded while you are offline; the chart uses ${TINY}.`,
    );
    await waitForFreshResults(page);
    await screenshot(page, 'preset-offline-request');
    await page.getByTestId('model-request-keep').click();
    await expect(page.getByTestId('model-request').count()).resolves.toBe(0);
    await expect(page.getByTestId('model-line').count()).resolves.toBe(0);
    await waitForFreshResults(page);
  });
});
