/**
 * Evaluation grids (src/core/grid*.ts) on the real runtime (onnxruntime-node, generated test
 * models): every cell equals a single evaluation run of its configuration, the prompts run are
 * templates × distinct inputs + content-free per model (not cells × examples), models run one at a
 * time, and a cancelled grid keeps what it finished.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evalCommand } from '../../src/cli/eval-command.ts';
import { gridReport } from '../../src/core/grid-report.ts';
import { buildExamples, suggestMapping } from '../../src/core/dataset-mapping.ts';
import { parseDataset } from '../../src/core/dataset-parse.ts';
import type { EvalExample } from '../../src/core/dataset.ts';
import { findDemoDataset } from '../../src/core/demo-datasets.ts';
import { runEvaluation } from '../../src/core/evaluation.ts';
import { predictions, runMetrics } from '../../src/core/evaluation-results.ts';
import { cellRun, gridCellValues, runGrid, type GridModelLoad } from '../../src/core/grid-run.ts';
import { gridAxes, gridCellKeys, gridVerbalizer, planGrid } from '../../src/core/grid.ts';
import { CACHE_LIMITS, ScoringPipeline } from '../../src/core/pipeline.ts';
import { DEFAULT_SCORING_OPTIONS } from '../../src/core/scoring.ts';
import { modelKey, SETUP_VERSION, type ModelRef, type PromptSetup } from '../../src/core/setup.ts';
import type { MaskedLMEngine } from '../../src/runtime/engine.ts';
import { engineModel } from '../../src/runtime/pipeline-model.ts';
import { BERT_TINY, loadFixture, REPO_ROOT, ROBERTA_TINY } from './fixture-models.ts';

const BERT: ModelRef = { id: BERT_TINY, source: 'local', dtype: 'fp32', device: 'auto' };
const ROBERTA: ModelRef = { id: ROBERTA_TINY, source: 'local', dtype: 'fp32', device: 'auto' };

const setup: PromptSetup = {
  version: SETUP_VERSION,
  name: 'grid',
  model: BERT,
  templates: [
    { id: 't1', name: 'one', text: '[X] Overall, it was a [Z] movie.' },
    { id: 't2', name: 'two', text: '[X] It was [Z].' },
    { id: 't3', name: 'three', text: 'All in all [Z]. [X]' },
  ],
  activeTemplateId: 't1',
  verbalizer: {
    labels: [
      { label: 'positive', words: ['great', 'good'] },
      { label: 'negative', words: ['terrible', 'bad'] },
    ],
  },
  scoring: { ...DEFAULT_SCORING_OPTIONS },
  inputs: [],
  compareModel: ROBERTA,
  // Labels in another order than the verbalizer's: the grid reorders them.
  verbalizerVariants: [
    {
      name: 'alt',
      labels: [
        { label: 'negative', words: ['awful'] },
        { label: 'positive', words: ['nice'] },
      ],
    },
  ],
  grid: {
    templateIds: ['t1', 't2', 't3'],
    verbalizers: ['main', 'alt'],
    models: ['setup'],
    calibration: [false, true],
  },
};

let bert: MaskedLMEngine;
let examples: EvalExample[];

beforeAll(async () => {
  bert = await loadFixture(BERT_TINY, { dtype: 'fp32' });
  const demo = findDemoDataset('sentiment-en')!;
  const parsed = parseDataset(demo.csv);
  if (!parsed.ok) throw new Error('demo did not parse');
  const labels = ['positive', 'negative'];
  const built = buildExamples(parsed.dataset, suggestMapping(parsed.dataset, ['X'], labels), labels).examples;
  // A repeated input is scored once: the count below uses distinct inputs.
  examples = [...built, built[0]!, built[1]!];
}, 180_000);

afterAll(async () => {
  await bert?.dispose();
});

const pipelineOn = (engine: MaskedLMEngine) =>
  new ScoringPipeline(engineModel(engine), { cacheLimit: CACHE_LIMITS.evaluation });
const onBert = (): Promise<GridModelLoad> => Promise.resolve({ ok: true, pipeline: pipelineOn(bert) });
const distinctInputs = () => new Set(examples.map((e) => JSON.stringify(e.inputs))).size;

describe('grid on bert-tiny: 3 templates × 2 verbalizers × 2 calibration', () => {
  it('cells equal single evaluation runs (1e-9); prompts = templates × inputs + content-free', async () => {
    const grid = await runGrid({ setup, examples, modelFor: onBert });
    expect(grid.status).toBe('complete');
    const axes = gridAxes(setup);
    expect(gridCellKeys(axes)).toHaveLength(12);

    // Every label word here is one token for bert-tiny, so no k-mask prompts are added.
    const run = grid.models[0]!.run!;
    for (const t of run.templates) for (const w of t.words) expect(w.status).toBe('single');
    const plan = planGrid(axes, distinctInputs(), engineModel(bert).maskToken);
    expect(grid.stats.promptsRun).toBe(plan.sharedPrompts);
    expect(plan.sharedPrompts).toBe(3 * distinctInputs() + 3 * 3);
    expect(plan.separatePrompts).toBe(12 * distinctInputs() + 12 * 3);

    const values = gridCellValues(grid);
    let separate = 0;
    for (const cell of values) {
      const template = axes.templates[cell.template]!;
      const calibrate = axes.calibration[cell.calibration]!;
      const single = pipelineOn(bert);
      const { templates } = await single.bindTemplates(
        [template],
        gridVerbalizer(setup, axes.verbalizers[cell.verbalizer]!),
      );
      const alone = await runEvaluation({
        templates,
        examples,
        labels: ['positive', 'negative'],
        scoring: { ...setup.scoring, calibrate },
        pipeline: single,
      });
      separate += alone.stats.promptsRun;
      const mode = calibrate ? 'calibrated' : 'uncalibrated';
      const metrics = runMetrics(alone, 0, mode);
      expect(cell.n).toBe(examples.length);
      expect(Math.abs(cell.accuracy! - metrics.accuracy!)).toBeLessThanOrEqual(1e-9);
      expect(Math.abs(cell.macroF1! - metrics.macroF1)).toBeLessThanOrEqual(1e-9);
      // Not only the metrics: every example's distribution.
      const mine = predictions(cellRun(grid, cell)!, 0, mode);
      const theirs = predictions(alone, 0, mode);
      mine.forEach((p, i) => p.probs.forEach((x, l) => expect(Math.abs(x - theirs[i]!.probs[l]!)).toBeLessThan(1e-9)));
    }
    // What one run per cell really costs: the plan's count.
    expect(separate).toBe(plan.separatePrompts);
  }, 180_000);

  it('cancel keeps the finished examples of every cell', async () => {
    const controller = new AbortController();
    const grid = await runGrid({
      setup,
      examples,
      modelFor: onBert,
      signal: controller.signal,
      promptsPerRequest: 4,
      onProgress: (p) => {
        if (p.done > 0) controller.abort();
      },
    });
    expect(grid.status).toBe('cancelled');
    const done = grid.models[0]!.run!.done;
    expect(done).toBeGreaterThan(0);
    expect(done).toBeLessThan(examples.length);
    for (const cell of gridCellValues(grid)) expect(cell.n).toBe(done);
  }, 120_000);
});

describe('grid with two models: loaded one at a time', () => {
  it('runs each model in turn; a model that cannot load is skipped with its reason', async () => {
    const twoModels: PromptSetup = {
      ...setup,
      grid: {
        templateIds: ['t2'],
        verbalizers: ['main'],
        models: ['setup', 'compare', { ...BERT, id: 'clozelab-test/missing-model' }],
        calibration: [true],
      },
    };
    const held: string[] = [];
    const grid = await runGrid({
      setup: twoModels,
      examples,
      modelFor: async (model) => {
        expect(held).toEqual([]); // never two models at once
        if (model.id === BERT_TINY) {
          held.push(model.id);
          return { ok: true, pipeline: pipelineOn(bert) };
        }
        if (model.id === ROBERTA_TINY) {
          const engine = await loadFixture(ROBERTA_TINY, { dtype: 'fp32' });
          held.push(model.id);
          roberta = engine;
          return { ok: true, pipeline: pipelineOn(engine) };
        }
        return { ok: false, error: 'not available' };
      },
      release: async (model) => {
        if (model.id === ROBERTA_TINY) await roberta?.dispose();
        held.splice(held.indexOf(model.id), 1);
      },
    });
    expect(grid.models.map((m) => [modelKey(m.model), m.status])).toEqual([
      [modelKey(BERT), 'complete'],
      [modelKey(ROBERTA), 'complete'],
      [modelKey({ ...BERT, id: 'clozelab-test/missing-model' }), 'skipped'],
    ]);
    expect(grid.models[2]!.error).toBe('not available');
    expect(grid.status).toBe('complete');
    const values = gridCellValues(grid);
    expect(values.map((v) => v.n)).toEqual([examples.length, examples.length, 0]);
  }, 180_000);
});

let roberta: MaskedLMEngine | undefined;

describe('clozelab eval --grid', () => {
  const cli = async (setupJson: unknown, args: string[]) => {
    const dir = mkdtempSync(join(tmpdir(), 'clozelab-grid-'));
    writeFileSync(join(dir, 'setup.json'), JSON.stringify(setupJson));
    let stdout = '';
    let stderr = '';
    const status = await evalCommand(['--setup', 'setup.json', '--data', 'demo:sentiment-en', '--quiet', ...args], {
      stdout: (t) => (stdout += t),
      stderr: (t) => (stderr += t),
      progressToTerminal: false,
      cwd: dir,
      projectRoot: REPO_ROOT,
    });
    rmSync(dir, { recursive: true, force: true });
    return { status, stdout, stderr };
  };

  it('runs every model of the grid in turn; --json equals the in-process grid', async () => {
    const twoModels = { ...setup, grid: { ...setup.grid!, models: ['setup', 'compare'] } };
    const { status, stdout } = await cli(twoModels, ['--grid', '--json']);
    expect(status).toBe(0);
    const report = JSON.parse(stdout) as ReturnType<typeof gridReport>;
    expect(report.models.map((m) => [m.id, m.status])).toEqual([
      [BERT_TINY, 'complete'],
      [ROBERTA_TINY, 'complete'],
    ]);
    expect(report.cells).toHaveLength(3 * 2 * 2 * 2);
    const n = report.examples;
    expect(report.stats.promptsRun).toBe(2 * (3 * n + 3 * 3)); // the demo's inputs are distinct
    // The bert-tiny cells are the in-process grid's.
    const demo = findDemoDataset('sentiment-en')!;
    const parsed = parseDataset(demo.csv);
    if (!parsed.ok) throw new Error('demo did not parse');
    const labels = ['positive', 'negative'];
    const demoExamples = buildExamples(parsed.dataset, suggestMapping(parsed.dataset, ['X'], labels), labels).examples;
    const mine = gridReport(await runGrid({ setup, examples: demoExamples, modelFor: onBert }));
    const bertCells = report.cells.filter((c) => c.model === BERT_TINY);
    expect(bertCells).toEqual(mine.cells);
    const text = await cli(setup, ['--grid']);
    expect(text.stdout).toMatch(/^Grid: 6 rows × 2 columns = 12 cells on \d+ examples \(complete\)/);
    expect(text.stdout).toMatch(/Forward passes: \d+ run/);
  }, 240_000);

  it('a setup without a grid is a usage error that says how to add one', async () => {
    const { status, stderr } = await cli({ ...setup, grid: null }, ['--grid']);
    expect(status).toBe(2);
    expect(stderr).toMatch(/the setup has no grid/);
  });
});
