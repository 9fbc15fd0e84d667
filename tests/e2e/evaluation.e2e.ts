// The evaluation workbench in real Chromium on the built app, with the generated bert-tiny in the
// worker. The browser's metrics JSON is compared with `clozelab eval --json` run in Node (ONNX
// Runtime for Node) on the same setup, data and model — both fp32, so batch composition can't
// change the numbers through q8 dynamic quantization.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Papa from 'papaparse';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, describe, expect, inject, test } from 'vitest';
import { seededRandom } from '../../src/core/evaluation';
import { DEFAULT_SCORING_OPTIONS } from '../../src/core/scoring';
import { SETUP_VERSION, type PromptSetup } from '../../src/core/setup';
import { formatVerbalizer } from '../../src/core/verbalizer';
import { serializeWorkspace, WORKSPACE_KEY } from '../../src/store/persistence';
import { openBrowser, screenshot, type BrowserSession } from './browser';

const baseURL = inject('baseURL');
const chromiumPath = inject('chromiumPath');
const ROOT = resolve(import.meta.dirname, '../..');
const tmp = mkdtempSync(join(tmpdir(), 'clozelab-eval-e2e-'));

let session: BrowserSession | undefined;

afterEach(async () => {
  await session?.close();
  expect(session?.pageErrors ?? []).toEqual([]);
  session = undefined;
});

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function setupFor(dtype: PromptSetup['model']['dtype']): PromptSetup {
  return {
    version: SETUP_VERSION,
    compareModel: null,
    verbalizerVariants: [],
    grid: null,
    name: 'Evaluation e2e',
    model: { id: 'clozelab-test/bert-tiny', source: 'local', dtype, device: 'wasm' },
    templates: [
      { id: 't1', name: 'Overall', text: '[X] Overall, it was a [Z] movie.' },
      { id: 't2', name: 'It was', text: '[X] It was [Z].' },
    ],
    activeTemplateId: 't1',
    verbalizer: {
      labels: [
        { label: 'positive', words: ['great', 'good', 'fantastic'] },
        { label: 'negative', words: ['terrible', 'bad'] },
      ],
    },
    scoring: { ...DEFAULT_SCORING_OPTIONS },
    inputs: [{ X: 'A fine film.' }],
  };
}

/** Opens the app with this setup in its saved workspace (the test model then loads by itself). */
async function openWith(setup: PromptSetup): Promise<Page> {
  session = await openBrowser(chromiumPath);
  const saved = serializeWorkspace({ setup, verbalizerText: formatVerbalizer(setup.verbalizer) });
  await session.context.addInitScript(([key, value]) => localStorage.setItem(key, value), [
    WORKSPACE_KEY,
    saved,
  ] as const);
  const page = session.page;
  await page.goto(baseURL);
  await page.getByTestId('model-status').getByText('Ready').waitFor({ timeout: 60_000 });
  await page.getByRole('button', { name: 'Evaluate' }).click();
  return page;
}

// Windows line ends, a BOM, a quoted field with commas and a line break, a row with too many
// fields, an empty label, a label in other letter case, and a label the verbalizer doesn't have.
const REVIEWS = [
  '\ufefftext,label',
  '"A gripping story, with wonderful performances.",positive',
  '"The plot was dull,\r\nand the jokes fell flat.",negative',
  'I would happily watch it again tomorrow.,POSITIVE',
  'Two hours of my life I will never get back.,negative',
  '"Too, many, fields",positive,extra',
  'The soundtrack alone is worth the ticket.,positive',
  'Predictable and far too long.,',
  'A warm and funny film.,positive',
  'The acting was wooden.,negative',
  'It was fine I guess.,neutral',
  'Beautifully shot and moving.,positive',
  'I walked out halfway through.,negative',
  'Clever and surprising.,positive',
  'Even the effects looked cheap.,negative',
  'One of the best films this year.,positive',
  'The characters were flat.,negative',
  'The ending made everyone cheer.,positive',
  'A boring mess from start to finish.,negative',
  'Smart writing and a great lead.,positive',
  'The director had no idea what to tell.,negative',
].join('\r\n');

async function download(page: Page, testId: string): Promise<string> {
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testId).click()]);
  const path = join(tmp, file.suggestedFilename());
  await file.saveAs(path);
  return path;
}

describe('evaluation workbench', () => {
  test('upload a CSV, run two templates, read metrics, click a confusion-matrix cell; the CLI prints the same metrics', async () => {
    const setup = setupFor('fp32');
    const page = await openWith(setup);

    await page
      .getByTestId('eval-file')
      .setInputFiles({ name: 'reviews.csv', mimeType: 'text/csv', buffer: Buffer.from(REVIEWS, 'utf8') });
    await page.getByTestId('data-summary').waitFor();
    await expect(page.getByTestId('data-summary').textContent()).resolves.toContain(
      'reviews.csv · 20 rows, 2 columns (CSV)',
    );
    await expect(page.getByTestId('examples-ready').textContent()).resolves.toBe(
      '17 of 20 rows are ready to evaluate.',
    );
    // Bad rows are listed with their physical line (the quoted line break moves later rows down).
    const badRows = await page.getByTestId('bad-rows').locator('li').allTextContents();
    expect(badRows).toEqual([
      'line 7: 3 fields, but the header has 2',
      'line 9: no label in the column "label"',
      'line 12: the label "neutral" is not mapped to a verbalizer label',
    ]);

    await page.getByTestId('eval-run').click();
    await page.getByTestId('eval-results').waitFor({ timeout: 60_000 });
    await expect(page.getByTestId('eval-results-meta').textContent()).resolves.toContain(
      '17 of 17 examples · clozelab-test/bert-tiny (fp32)',
    );

    // Metrics: a per-label table without NaN, calibration side by side, template comparison with the ensemble.
    const table = await page.getByTestId('per-label-table').textContent();
    expect(table).not.toMatch(/NaN|Infinity/);
    const supports = await page
      .getByTestId('per-label-table')
      .locator('tbody tr')
      .evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-support'))));
    expect(supports).toEqual([9, 8]);
    await expect(page.getByTestId('calibration-comparison').locator('tbody tr').count()).resolves.toBe(3);
    await expect(page.getByTestId('content-free-inputs').textContent()).resolves.toBe(
      'Content-free inputs used: "N/A", "" (empty), "[MASK]".',
    );
    await expect(page.getByTestId('comparison-row').count()).resolves.toBe(3);
    await expect(
      page.getByTestId('per-label-chart').locator('.recharts-bar-rectangle').count(),
    ).resolves.toBeGreaterThan(0);

    // The confusion matrix: 2 × 2 cells whose counts add up; a cell lists exactly its examples.
    const cells = page.getByTestId('confusion-cell');
    await expect(cells.count()).resolves.toBe(4);
    const counts = await cells.evaluateAll((els) => els.map((el) => Number(el.getAttribute('data-count'))));
    expect(counts.reduce((a, b) => a + b, 0)).toBe(17);
    const target = counts.findIndex((n) => n > 0);
    const gold = (await cells.nth(target).getAttribute('data-gold'))!;
    const predicted = (await cells.nth(target).getAttribute('data-predicted'))!;
    await cells.nth(target).click();
    const listed = page.getByTestId('cell-examples').getByTestId('eval-example');
    await expect(page.getByTestId('cell-title').textContent()).resolves.toContain(
      `Gold "${gold}", predicted "${predicted}": ${counts[target]} examples`,
    );
    await expect(listed.count()).resolves.toBe(counts[target]);
    for (const text of await listed.locator('.eval-example-head').allTextContents()) {
      expect(text).toContain(`gold ${gold}`);
      expect(text).toContain(`predicted ${predicted}`);
    }
    await page.mouse.move(0, 0);
    await page.getByTestId('eval-results').scrollIntoViewIfNeeded();
    await screenshot(page, 'evaluation-results');
    await page.getByTestId('cell-examples').scrollIntoViewIfNeeded();
    await screenshot(page, 'evaluation-cell-examples');

    // Exports: metrics JSON (compared with the CLI below), per-example CSV, a chart as PNG.
    const browserReport = JSON.parse(readFileSync(await download(page, 'export-json'), 'utf8'));
    const csv = readFileSync(await download(page, 'export-csv'), 'utf8');
    expect(csv.split('\n')[0]).toMatch(/^\ufeffline,template,X,gold,predicted,confidence,correct/);
    const rows = Papa.parse<string[]>(csv.replace(/^\ufeff/, '').trim()).data;
    expect(rows).toHaveLength(1 + 17 * 3); // header + 17 examples × (2 templates + ensemble)
    expect(rows.find((r) => r[0] === '3')?.[2]).toBe('The plot was dull,\r\nand the jokes fell flat.');
    const [png] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('confusion-frame').getByRole('button', { name: /PNG/ }).click(),
    ]);
    const pngPath = join(tmp, 'confusion.png');
    await png.saveAs(pngPath);
    expect(readFileSync(pngPath).subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));

    writeFileSync(join(tmp, 'setup.json'), JSON.stringify(setup));
    writeFileSync(join(tmp, 'reviews.csv'), REVIEWS);
    const cli = spawnSync(
      process.execPath,
      [join(ROOT, 'bin', 'clozelab.mjs'), 'eval', '--setup', 'setup.json', '--data', 'reviews.csv', '--json'],
      {
        cwd: tmp,
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    expect(cli.status, cli.stderr).toBe(0);
    expect(browserReport).toEqual(JSON.parse(cli.stdout));
    expect(browserReport.templates).toHaveLength(2);
    expect(browserReport.examples).toEqual({ evaluated: 17, total: 17, skippedRows: 3 });

    // Label-word search: candidates per label from full-vocabulary statistics; one click adds a word.
    await page.getByTestId('suggest-words').click();
    const column = page.getByTestId('word-candidates').first();
    await column.waitFor({ timeout: 60_000 });
    const first = column.locator('li').first();
    const word = (await first.locator('.mono').textContent())!;
    await first.getByRole('button').click();
    await expect(first.getByRole('button').textContent()).resolves.toBe('added');
    await page.getByTestId('label-word-search').scrollIntoViewIfNeeded();
    await screenshot(page, 'evaluation-label-words');
    await page.getByRole('button', { name: 'Playground' }).click();
    await expect(page.getByLabel('Verbalizer', { exact: true }).inputValue()).resolves.toMatch(
      new RegExp(`^positive: great, good, fantastic, ${word}$`, 'm'),
    );
  });

  test('an input longer than the model allows is not cut silently: a summary line, a marker on its example, the tokens in the CSV', async () => {
    const page = await openWith(setupFor('fp32'));
    const long = Array.from({ length: 400 }, () => 'The plot drags on and on without end.').join(' ');
    const csv = [
      'text,label',
      'A great film.,positive',
      `"${long}",negative`,
      'A terrible film.,negative',
      'Fine acting and a warm story.,positive',
    ].join('\n');
    await page
      .getByTestId('eval-file')
      .setInputFiles({ name: 'long.csv', mimeType: 'text/csv', buffer: Buffer.from(csv, 'utf8') });
    await expect(page.getByTestId('examples-ready').textContent()).resolves.toBe('4 of 4 rows are ready to evaluate.');
    await page.getByTestId('eval-run').click();
    await page.getByTestId('eval-results').waitFor({ timeout: 60_000 });

    const summary = (await page.getByTestId('eval-truncation').textContent())!;
    const most =
      /^1 of 4 examples were truncated to fit the model; up to ([\d,]+) tokens dropped from the end of \[X\] \(the template and \[Z\] are never cut\)\. They are marked in the example lists/.exec(
        summary,
      );
    expect(most, summary).not.toBeNull();
    const mostTokens = Number(most![1]!.replaceAll(',', ''));
    expect(mostTokens).toBeGreaterThan(0);

    // The long example (line 3, gold "negative") is in one of the cells of the "negative" row of the
    // confusion matrix: opened, it wears the marker; the short examples there don't.
    const cells = page.locator('[data-testid="confusion-cell"][data-gold="negative"]');
    let marker: string | null = null;
    for (let i = 0; i < (await cells.count()) && marker === null; i++) {
      if (Number(await cells.nth(i).getAttribute('data-count')) === 0) continue;
      await cells.nth(i).click();
      const listed = page.getByTestId('cell-examples').getByTestId('eval-example');
      await listed.first().waitFor();
      for (let k = 0; k < (await listed.count()); k++) {
        const item = listed.nth(k);
        const flagged = await item.getByTestId('eval-truncated').count();
        if ((await item.getAttribute('data-line')) === '3') {
          expect(flagged).toBe(1);
          marker = await item.getByTestId('eval-truncated').textContent();
          // Its prompt shows the input's start, and says how much of it is not shown.
          await expect(item.getByTestId('eval-prompt-hidden').textContent()).resolves.toMatch(
            /^ \(\d[\d,]* more characters of the input not shown here\)$/,
          );
        } else expect(flagged).toBe(0);
      }
    }
    expect(marker).toMatch(/^truncated: [\d,]+ tokens cut from \[X\]$/);
    await page.getByTestId('cell-examples').scrollIntoViewIfNeeded();
    await screenshot(page, 'evaluation-truncated');

    // The CSV export: per row the tokens cut and from which input.
    const rows = Papa.parse<Record<string, string>>(
      readFileSync(await download(page, 'export-csv'), 'utf8').replace(/^\ufeff/, ''),
      { header: true, skipEmptyLines: true },
    ).data;
    expect(rows).toHaveLength(4 * 3);
    for (const row of rows) {
      if (row.line === '3') expect(row.truncated_inputs).toBe(`X:${row.truncated_tokens}`);
      else expect(row.truncated_tokens).toBe('0');
    }
    expect(Math.max(...rows.map((r) => Number(r.truncated_tokens)))).toBe(mostTokens);
    const report = JSON.parse(readFileSync(await download(page, 'export-json'), 'utf8'));
    expect(report.truncation).toMatchObject({ examples: 1, maxTokens: mostTokens });
  });

  test('100,000 rows are read without freezing the page; a long run can be cancelled and its partial results stay', async () => {
    const page = await openWith(setupFor('auto'));
    // Distinct sentences (so every example really runs the model) from a seeded generator.
    const words = [
      'great',
      'movie',
      'terrible',
      'plot',
      'acting',
      'story',
      'boring',
      'fun',
      'cast',
      'ending',
      'the',
      'was',
      'and',
      'very',
      'not',
    ];
    const random = seededRandom(7);
    const lines = ['text,label'];
    for (let i = 0; i < 100_000; i++) {
      const text = Array.from({ length: 6 + (i % 9) }, () => words[Math.floor(random() * words.length)]).join(' ');
      lines.push(
        i % 997 === 0
          ? `"${text},\nwith a line break",${i % 3 ? 'positive' : 'negative'}`
          : `${text},${i % 3 ? 'positive' : 'negative'}`,
      );
    }
    const big = lines.join('\n') + '\n';
    // The file is made in the page first and then picked, as a user would: (setInputFiles would
    // itself copy 7 MB on the page's main thread and blur what we measure).
    await page.evaluate((text) => {
      (window as unknown as { picked: File }).picked = new File([text], 'big.csv', { type: 'text/csv' });
    }, big);
    await page.evaluate(() => {
      const w = window as unknown as { longTasks: number[]; picked: File };
      w.longTasks = [];
      new PerformanceObserver((list) => list.getEntries().forEach((e) => w.longTasks.push(e.duration))).observe({
        type: 'longtask',
      });
      const input = document.querySelector<HTMLInputElement>('[data-testid="eval-file"]')!;
      const transfer = new DataTransfer();
      transfer.items.add(w.picked);
      input.files = transfer.files;
      input.dispatchEvent(new Event('change', { bubbles: true }));
    });
    const started = Date.now();
    await page
      .getByTestId('examples-ready')
      .getByText('100,000 of 100,000 rows are ready to evaluate.')
      .waitFor({ timeout: 60_000 });
    const readMs = Date.now() - started;
    const takeTasks = () => page.evaluate(() => (window as unknown as { longTasks: number[] }).longTasks.splice(0));
    const parseTasks = await takeTasks();
    const parsedIn = await page.getByTestId('data-summary').textContent();

    await page.getByTestId('eval-run').click();
    const progress = page.getByTestId('eval-progress-text');
    await page.waitForFunction(
      () => {
        const text = document.querySelector('[data-testid="eval-progress-text"]')?.textContent ?? '';
        return Number(/^([\d,]+) \//.exec(text)?.[1]?.replace(/,/g, '') ?? 0) >= 1_500;
      },
      undefined,
      { timeout: 60_000 },
    );
    const progressText = (await progress.textContent())!;
    const runTasks = await takeTasks();
    // Read the progress and press Cancel in one go, to see how quickly the run stops.
    const doneAtCancel = await page.evaluate(() => {
      const text = document.querySelector('[data-testid="eval-progress-text"]')?.textContent ?? '';
      document.querySelector<HTMLButtonElement>('[data-testid="eval-cancel"]')!.click();
      return Number(/^([\d,]+) \//.exec(text)?.[1]?.replace(/,/g, ''));
    });
    await page.getByTestId('eval-cancelled').waitFor({ timeout: 30_000 });
    await page.getByTestId('eval-results').waitFor();
    const resultTasks = await takeTasks();

    const cancelled = (await page.getByTestId('eval-cancelled').textContent())!;
    const done = Number(/after ([\d,]+) of 100,000/.exec(cancelled)?.[1]?.replace(/,/g, ''));
    expect(done).toBeGreaterThanOrEqual(1_500);
    expect(done).toBeLessThan(100_000);
    // The run stopped where Cancel found it (or just after: the shown progress is repainted at most
    // ten times a second). That only the request in flight finishes after Cancel is checked without
    // a clock in tests/unit/pipeline.test.ts.
    expect(done).toBeGreaterThanOrEqual(doneAtCancel);
    await expect(page.getByTestId('eval-results-meta').textContent()).resolves.toMatch(/partial results/);
    const supports = await page
      .getByTestId('per-label-table')
      .locator('tbody tr')
      .evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-support'))));
    expect(supports.reduce((a, b) => a + b, 0)).toBe(done);
    await expect(page.getByTestId('confusion-cell').count()).resolves.toBe(4);
    await page.mouse.move(0, 0);
    await page.evaluate(() => window.scrollTo(0, 0));
    await screenshot(page, 'evaluation-cancelled');

    const longest = (xs: number[]) => Math.round(Math.max(0, ...xs));
    console.log(
      `[evaluation e2e] 100k rows (${(big.length / 1e6).toFixed(1)} M characters): ready in ${readMs} ms (${parsedIn?.match(/read in \d+ ms/)?.[0]}); ` +
        `long tasks while reading: ${parseTasks.length}, longest ${longest(parseTasks)} ms; ` +
        `run: "${progressText}", Cancel pressed at ${doneAtCancel}, stopped at ${done}; long tasks while running: ${runTasks.length}, longest ${longest(runTasks)} ms; ` +
        `showing the results: longest ${longest(resultTasks)} ms`,
    );
    // Long tasks are logged above, not asserted (a busy machine is no bug; npm run bench measures).
    // Functionally the page answered during the run (Cancel was handled) and answers now.
    await expect(page.getByTestId('eval-cancel').count()).resolves.toBe(0);
    await expect(page.getByTestId('eval-run').isEnabled()).resolves.toBe(true);
  });
});
