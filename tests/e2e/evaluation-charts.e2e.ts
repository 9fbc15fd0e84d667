// Every chart of the evaluation results saved as PNG, in real Chromium on the built app with the
// generated bert-tiny: each PNG button saves the whole chart (title, legend, plot) at least at 2×
// its size on screen, on white, in the light theme even when the page is dark, and without
// transient state (the selected confusion-matrix cell).
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, describe, expect, inject, test } from 'vitest';
import { DEFAULT_SCORING_OPTIONS } from '../../src/core/scoring';
import { SETUP_VERSION, type PromptSetup } from '../../src/core/setup';
import { formatVerbalizer } from '../../src/core/verbalizer';
import { serializeWorkspace, WORKSPACE_KEY } from '../../src/store/persistence';
import { screenshotDir } from './browser';
import { browserSessions } from './helpers';
import { decodePng, inkInBox, inkShare, pixelAt, type DecodedPng } from './png';

const baseURL = inject('baseURL');
const open = browserSessions(inject('chromiumPath'));
const tmp = mkdtempSync(join(tmpdir(), 'clozelab-charts-e2e-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const SETUP: PromptSetup = {
  version: SETUP_VERSION,
  compareModel: null,
  verbalizerVariants: [],
  grid: null,
  name: 'Chart export e2e',
  model: { id: 'clozelab-test/bert-tiny', source: 'local', dtype: 'q8', device: 'wasm' },
  templates: [{ id: 't1', name: 'Mine', text: '[X] It was [Z].' }],
  activeTemplateId: 't1',
  verbalizer: { labels: [{ label: 'positive', words: ['good'] }] },
  scoring: { ...DEFAULT_SCORING_OPTIONS },
  inputs: [{ X: 'A fine film.' }],
};

/** Opens the app (dark theme) on the Evaluate tab, runs the English sentiment demo (two templates with long names). */
async function evaluatedDemo(): Promise<Page> {
  const { context, page } = await open({ colorScheme: 'dark' });
  const saved = serializeWorkspace({ setup: SETUP, verbalizerText: formatVerbalizer(SETUP.verbalizer) });
  await context.addInitScript(([key, value]) => localStorage.setItem(key, value), [WORKSPACE_KEY, saved] as const);
  await page.goto(baseURL);
  await page.getByTestId('model-status').getByText('Ready').waitFor({ timeout: 60_000 });
  await page.getByRole('button', { name: 'Evaluate' }).click();
  await page.getByTestId('demo-sentiment-en').click();
  await page.getByTestId('data-summary').waitFor();
  await page.getByTestId('eval-run').click(); // waits until the examples are built and the button is enabled
  await page.getByTestId('template-comparison').waitFor({ timeout: 60_000 });
  return page;
}

/** Clicks the chart's PNG button and reads the file it saves. */
async function savePng(frame: Locator, name: string): Promise<{ png: DecodedPng; path: string }> {
  const page = frame.page();
  const [file] = await Promise.all([
    page.waitForEvent('download'),
    frame.getByRole('button', { name: /as a PNG image/ }).click(),
  ]);
  const path = join(tmp, name);
  await file.saveAs(path);
  return { png: decodePng(readFileSync(path)), path };
}

const CHARTS = ['per-label-chart', 'confusion-frame', 'distribution-chart', 'comparison-chart'];

describe('chart export', () => {
  test('every PNG button saves its whole chart at ≥ 2× its size on screen, on white, without the selected cell', async () => {
    const page = await evaluatedDemo();
    // These are all the PNG buttons of the results.
    await expect(page.getByRole('button', { name: /as a PNG image/ }).count()).resolves.toBe(CHARTS.length);
    mkdirSync(screenshotDir, { recursive: true });

    for (const testId of CHARTS) {
      const frame = page.getByTestId(testId);
      await frame.scrollIntoViewIfNeeded();
      const box = (await frame.boundingBox())!;
      const { png, path } = await savePng(frame, `${testId}.png`);
      copyFileSync(path, join(screenshotDir, `chart-export-${testId}.png`));
      expect(png.width, testId).toBeGreaterThanOrEqual(Math.floor(2 * box.width));
      expect(png.height, testId).toBeGreaterThanOrEqual(Math.floor(2 * box.height));
      // Not blank: white paper with a real share of ink (bars, cells, text).
      expect(pixelAt(png, 0, 0), testId).toEqual([255, 255, 255, 255]);
      expect(pixelAt(png, png.width - 1, png.height - 1), testId).toEqual([255, 255, 255, 255]);
      expect(inkShare(png), testId).toBeGreaterThan(0.02);
      // The title is drawn in dark ink (the light theme, though the page is dark) at the top left.
      expect(inkInBox(png, { x0: 0, y0: 0, x1: png.width / 3, y1: 100 }), testId).toBeGreaterThan(50);
    }

    // The legend is part of the chart: its names are drawn below the plot (bars have no ink there).
    const perLabel = page.getByTestId('per-label-chart');
    const legend = (await perLabel.locator('.recharts-legend-wrapper').boundingBox())!;
    const frameBox = (await perLabel.boundingBox())!;
    const { png: perLabelPng } = await savePng(perLabel, 'per-label-again.png');
    const scale = perLabelPng.width / Math.ceil(frameBox.width);
    const legendTop = Math.floor((legend.y - frameBox.y) * scale);
    expect(
      inkInBox(perLabelPng, { x0: 0, y0: legendTop, x1: perLabelPng.width, y1: perLabelPng.height }),
    ).toBeGreaterThan(100);

    // Selecting a confusion-matrix cell changes the page, not the exported chart.
    const confusion = page.getByTestId('confusion-frame');
    const before = await savePng(confusion, 'confusion-before.png');
    await confusion.getByTestId('confusion-cell').first().click();
    await page.getByTestId('cell-title').waitFor();
    await expect(confusion.locator('[data-export="omit"]').count()).resolves.toBe(1);
    const after = await savePng(confusion, 'confusion-selected.png');
    expect(after.png.width).toBe(before.png.width);
    expect(after.png.height).toBe(before.png.height);
    expect(Buffer.from(after.png.rgba).equals(Buffer.from(before.png.rgba))).toBe(true);
  });
});
