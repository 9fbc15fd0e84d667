// LM-BFF presets show the paper's few-shot protocol and numbers as the paper's (fine-tuned
// RoBERTa-large), never as ClozeLab's; opening one gives a setup whose template carries its
// demonstration template.
import { describe, expect, inject, test } from 'vitest';
import { WORKSPACE_KEY } from '../../src/store/persistence';
import { browserSessions, loadTestModel, setText } from './helpers';

const baseURL = inject('baseURL');
const open = browserSessions(inject('chromiumPath'));

describe('presets: few-shot settings from the paper', () => {
  test('SST-2 lists K, seeds and the reported numbers marked as theirs; PET presets have none', async () => {
    const { page } = await open();
    await page.goto(baseURL);
    await loadTestModel(page);
    await page.getByRole('button', { name: 'Presets', exact: true }).click();
    const sst2 = page.locator('[data-preset="lmbff-sst2"]').getByTestId('preset-fewshot');
    const text = (await sst2.textContent())!;
    expect(text).toContain('K = 16 training examples per label, seeds 13, 21, 42, 87, 100');
    expect(text).toContain("Reported by the paper (RoBERTa-large, fine-tuned) — their numbers, not ClozeLab's");
    expect(text).toContain('92.7 (0.9) prompt-based fine-tuning (manual template)');
    expect(text).toContain('92.6 (0.5) prompt-based fine-tuning + demonstrations');
    expect(text).toContain('Source: Gao, Fisch & Chen (2021), Table 3 — quoted from memory; check against the paper.');
    await expect(
      page.locator('[data-preset="lmbff-mnli"]').getByTestId('preset-fewshot').textContent(),
    ).resolves.toContain(
      '70.7 (1.3) prompt-based fine-tuning + demonstrations · mean (std) accuracy over 5 seeds (matched)',
    );
    await expect(page.locator('[data-preset="pet-yelp"]').getByTestId('preset-fewshot').count()).resolves.toBe(0);

    // Opened with the current model, the setup's template carries its demonstration template.
    await page.getByTestId('preset-keep-model').check();
    await page.locator('[data-preset="lmbff-sst2"]').getByTestId('preset-open').click();
    await page.getByLabel('Template', { exact: true }).waitFor();
    await page.waitForFunction((key) => (localStorage.getItem(key) ?? '').includes('LM-BFF · SST-2'), WORKSPACE_KEY);
    const saved = JSON.parse((await page.evaluate((key) => localStorage.getItem(key), WORKSPACE_KEY))!);
    expect(saved.workspace.setup.templates).toEqual([
      { id: 't1', name: 'It was …', text: '[X] It was [Z].', demo: '[X] It was [Z].' },
    ]);
  });

  test('the demonstration template editor: shown with the preset, errors name the demonstration template, empty removes it', async () => {
    const { page } = await open();
    await page.goto(baseURL);
    await loadTestModel(page);
    await page.getByRole('button', { name: 'Presets', exact: true }).click();
    await page.getByTestId('preset-keep-model').check();
    await page.locator('[data-preset="lmbff-sst2"]').getByTestId('preset-open').click();
    const demo = page.getByLabel('Demonstration template', { exact: true });
    await expect(demo.inputValue()).resolves.toBe('[X] It was [Z].');

    await setText(page, 'Demonstration template', '[X2] felt [Z].');
    await expect(page.getByTestId('demo-template-errors').textContent()).resolves.toBe(
      "Demonstration template: [X2] at character 1 is not an input of the query's template ([X]): a demonstration can only use the inputs its example has.",
    );
    await setText(page, 'Demonstration template', '[X|lower] felt [Z');
    await expect(page.getByTestId('demo-template-errors').textContent()).resolves.toContain(
      'Demonstration template: The "[" at character 16 is never closed.',
    );
    await setText(page, 'Demonstration template', '[X|lower] felt [Z].');
    await expect(page.getByTestId('demo-template-errors').count()).resolves.toBe(0);
    const savedDemo = (): Promise<unknown> =>
      page.evaluate(
        (key): unknown => JSON.parse(localStorage.getItem(key) ?? '{}').workspace?.setup?.templates?.[0]?.demo,
        WORKSPACE_KEY,
      );
    await page.waitForFunction(
      (key) =>
        JSON.parse(localStorage.getItem(key) ?? '{}').workspace?.setup?.templates?.[0]?.demo === '[X|lower] felt [Z].',
      WORKSPACE_KEY,
    );
    // Emptied: no demonstration template (demonstrations use the template itself).
    await setText(page, 'Demonstration template', '');
    await page.waitForFunction(
      (key) =>
        !('demo' in (JSON.parse(localStorage.getItem(key) ?? '{}').workspace?.setup?.templates?.[0] ?? { demo: 1 })),
      WORKSPACE_KEY,
    );
    await expect(savedDemo()).resolves.toBeUndefined();
  });
});
