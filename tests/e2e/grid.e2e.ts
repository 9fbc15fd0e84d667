// Evaluation grids in real Chromium on the built app (bert-tiny test model): a 2 templates × 2
// verbalizers × 2 calibration grid runs, its heatmap's cells equal single evaluation runs of those
// configurations, a cell opens its results, and a share link reproduces the grid in a fresh profile.
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, describe, expect, inject, test } from 'vitest';
import type { EvaluationReport } from '../../src/core/evaluation-report';
import type { gridReport } from '../../src/core/grid-report';
import { DEFAULT_SCORING_OPTIONS } from '../../src/core/scoring';
import { SETUP_VERSION, type PromptSetup } from '../../src/core/setup';
import { formatVerbalizer } from '../../src/core/verbalizer';
import { serializeWorkspace, WORKSPACE_KEY } from '../../src/store/persistence';
import { screenshotDir } from './browser';
import { browserSessions, setText } from './helpers';

async function screenshotPath(name: string): Promise<string> {
  mkdirSync(screenshotDir, { recursive: true });
  return join(screenshotDir, `${name}.png`);
}

const baseURL = inject('baseURL');
const open = browserSessions(inject('chromiumPath'));
const tmp = mkdtempSync(join(tmpdir(), 'clozelab-grid-e2e-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

type GridJson = ReturnType<typeof gridReport>;

const VARIANT = { name: 'alt', text: 'positive: nice\nnegative: awful' };

const setup: PromptSetup = {
  version: SETUP_VERSION,
  name: 'Grid e2e',
  model: { id: 'clozelab-test/bert-tiny', source: 'local', dtype: 'fp32', device: 'wasm' },
  templates: [
    { id: 't1', name: 'Overall', text: '[X] Overall, it was a [Z] movie.' },
    { id: 't2', name: 'It was', text: '[X] It was [Z].' },
  ],
  activeTemplateId: 't1',
  verbalizer: {
    labels: [
      { label: 'positive', words: ['great', 'good'] },
      { label: 'negative', words: ['terrible', 'bad'] },
    ],
  },
  scoring: { ...DEFAULT_SCORING_OPTIONS },
  inputs: [{ X: 'A fine film.' }],
  compareModel: null,
  verbalizerVariants: [
    {
      name: 'alt',
      labels: [
        { label: 'positive', words: ['nice'] },
        { label: 'negative', words: ['awful'] },
      ],
    },
  ],
  grid: { templateIds: ['t1', 't2'], verbalizers: ['main', 'alt'], models: ['setup'], calibration: [false, true] },
};

const REVIEWS = [
  'text,label',
  'A gripping story with wonderful performances.,positive',
  'The plot was dull and the jokes fell flat.,negative',
  'I would happily watch it again tomorrow.,positive',
  'Two hours of my life I will never get back.,negative',
  'The soundtrack alone is worth the ticket.,positive',
  'The acting was wooden.,negative',
  'Beautifully shot and moving.,positive',
  'I walked out halfway through.,negative',
  'Clever and surprising.,positive',
  'A boring mess from start to finish.,negative',
].join('\n');

async function openEvaluate(page: Page): Promise<void> {
  await page.getByTestId('model-status').getByText('Ready').waitFor({ timeout: 60_000 });
  await page.getByRole('button', { name: 'Evaluate' }).click();
  await page
    .getByTestId('eval-file')
    .setInputFiles({ name: 'reviews.csv', mimeType: 'text/csv', buffer: Buffer.from(REVIEWS, 'utf8') });
  await page.getByTestId('examples-ready').waitFor();
}

async function download(page: Page, testId: string): Promise<string> {
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testId).click()]);
  const path = join(tmp, `${Date.now()}-${file.suggestedFilename()}`);
  await file.saveAs(path);
  return readFileSync(path, 'utf8');
}

async function runGridInPage(page: Page): Promise<GridJson> {
  await page.getByTestId('grid-run').click();
  await page.getByTestId('grid-results').waitFor({ timeout: 60_000 });
  // Done when the Run button is back (it is disabled while the grid runs).
  await page.waitForFunction(() => !document.querySelector<HTMLButtonElement>('[data-testid="grid-run"]')?.disabled);
  return JSON.parse(await download(page, 'grid-export-json')) as GridJson;
}

const round6 = (x: number) => Math.round(x * 1e6) / 1e6;

describe('evaluation grid', () => {
  test('a 2×2×2 grid runs; cells equal single runs; a cell opens its results; a link reproduces the grid in a fresh profile', async () => {
    const a = await open();
    const saved = serializeWorkspace({ setup, verbalizerText: formatVerbalizer(setup.verbalizer) });
    await a.context.addInitScript(([key, value]) => localStorage.setItem(key, value), [WORKSPACE_KEY, saved] as const);
    await a.page.goto(baseURL);
    await openEvaluate(a.page);

    // The variant as the editor shows it, and the plan: 8 cells, prompts shared.
    await expect(a.page.getByTestId('grid-variant-name').inputValue()).resolves.toBe(VARIANT.name);
    await expect(a.page.getByTestId('grid-variant-text').inputValue()).resolves.toBe(VARIANT.text);
    await expect(a.page.getByTestId('grid-plan').textContent()).resolves.toMatch(/^8 cells on 10 examples: about 26 /);

    const grid = await runGridInPage(a.page);
    expect(grid.status).toBe('complete');
    expect(grid.cells).toHaveLength(8);
    // 2 templates × 10 inputs + 3 content-free prompts per template; not 8 × 10.
    expect(grid.stats.promptsRun).toBe(2 * 10 + 2 * 3);
    await expect(a.page.getByTestId('grid-cell').count()).resolves.toBe(8);
    await expect(a.page.getByTestId('grid-table').locator('tbody tr').count()).resolves.toBe(4);
    await a.page.getByTestId('grid-panel').screenshot({ path: await screenshotPath('grid-heatmap') });
    // The heatmap's cells carry the JSON's values.
    const shown = await a.page
      .getByTestId('grid-cell')
      .evaluateAll((cells) => cells.map((c) => c.getAttribute('data-value')));
    expect(shown.map(Number).sort()).toEqual(grid.cells.map((c) => c.accuracy!).sort());

    // Single runs: the main verbalizer, then the variant as the verbalizer — each template, both modes.
    const single = async (): Promise<EvaluationReport> => {
      await a.page.getByTestId('eval-run').click();
      await a.page.getByTestId('eval-results').waitFor({ timeout: 60_000 });
      await a.page.waitForFunction(
        () => !document.querySelector<HTMLButtonElement>('[data-testid="eval-run"]')?.disabled,
      );
      return JSON.parse(await download(a.page, 'export-json')) as EvaluationReport;
    };
    const compare = (report: EvaluationReport, verbalizer: string) => {
      for (const cell of grid.cells.filter((c) => c.verbalizer === verbalizer)) {
        const t = report.templates.find((x) => x.id === cell.template)!;
        const m = cell.calibrate ? t.calibrated : t.uncalibrated;
        expect(Math.abs(round6(cell.accuracy!) - m.accuracy!)).toBeLessThanOrEqual(1e-9);
        expect(Math.abs(round6(cell.macroF1!) - m.macroF1)).toBeLessThanOrEqual(1e-9);
      }
    };
    compare(await single(), 'main');
    await a.page.getByRole('button', { name: 'Playground' }).click();
    await setText(a.page, 'Verbalizer', VARIANT.text);
    await a.page.getByRole('button', { name: 'Evaluate' }).click();
    compare(await single(), 'alt');

    // A cell opens its full results: its template, the variant's words, its calibration setting.
    const cell = grid.cells.findIndex((c) => c.template === 't2' && c.verbalizer === 'main' && c.calibrate);
    await a.page.getByTestId('grid-table-cell').nth(cell).click();
    const opened = JSON.parse(await download(a.page, 'export-json')) as EvaluationReport;
    expect(opened.templates.map((t) => t.id)).toEqual(['t2']);
    expect(opened.primaryMode).toBe('calibrated');
    expect(opened.templates[0]!.calibrated.accuracy).toBe(round6(grid.cells[cell]!.accuracy!));

    // A share link carries the variant and the grid; a fresh profile runs the same grid.
    await a.page.getByRole('button', { name: 'Playground' }).click();
    await setText(a.page, 'Verbalizer', formatVerbalizer(setup.verbalizer));
    await a.page.getByTestId('open-share').click();
    const link = await a.page.getByTestId('share-link').inputValue();
    const b = await open();
    await b.page.goto(link);
    await b.page.getByTestId('link-opened').waitFor();
    await openEvaluate(b.page);
    await expect(b.page.getByTestId('grid-variant-name').inputValue()).resolves.toBe(VARIANT.name);
    const checked = async (testId: string) =>
      b.page.getByTestId(testId).evaluateAll((boxes) => boxes.map((x) => (x as HTMLInputElement).checked));
    await expect(checked('grid-template')).resolves.toEqual([true, true]);
    await expect(checked('grid-verbalizer')).resolves.toEqual([true, true]);
    await expect(checked('grid-calibration')).resolves.toEqual([true, true]);
    const again = await runGridInPage(b.page);
    expect(again.cells).toEqual(grid.cells);
  }, 240_000);
});
