// `npm run bench:grid [-- --model <id>] [-- --examples <n>]`: an evaluation grid of 3 templates × 2
// verbalizers × 2 calibration settings on 1,000 examples, run as one grid job (src/core/grid-run.ts)
// and, for comparison, as 12 separate evaluation runs (one per cell). Reports the forward passes
// (prompts the model ran) of both, and their times. Counts do not depend on the model (one prompt
// per template and input, plus 3 content-free prompts per template and run); times do.
// Default model: the generated bert-tiny (public/models); --model clozelab-test/distilbert-shaped
// needs `npm run fixtures -- --bench` first (it is written under .cache/models).
import { join } from 'node:path';
import { runEvaluation } from '../../src/core/evaluation.ts';
import { gridCellValues, runGrid } from '../../src/core/grid-run.ts';
import { gridAxes, gridCellKeys, gridVerbalizer, planGrid } from '../../src/core/grid.ts';
import { CACHE_LIMITS, ScoringPipeline } from '../../src/core/pipeline.ts';
import { DEFAULT_SCORING_OPTIONS } from '../../src/core/scoring.ts';
import { SETUP_VERSION, type PromptSetup } from '../../src/core/setup.ts';
import { MaskedLMEngine } from '../../src/runtime/engine.ts';
import { allowHubDownloads, setLocalModelFolder } from '../../src/runtime/node-models.ts';
import { engineModel } from '../../src/runtime/pipeline-model.ts';
import { makeExamples } from './shared.ts';

const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const modelId = arg('model') ?? 'clozelab-test/bert-tiny';
const n = Number(arg('examples') ?? 1000);
// --grid-only: skip the 12 separate runs (their count is the plan's; only their time is missing).
const gridOnly = process.argv.includes('--grid-only');
const root = join(import.meta.dirname, '..', '..');
setLocalModelFolder(join(root, modelId.endsWith('distilbert-shaped') ? '.cache/models' : 'public/models'));
allowHubDownloads(false);

const setup: PromptSetup = {
  version: SETUP_VERSION,
  name: 'bench grid',
  model: { id: modelId, source: 'local', dtype: 'fp32', device: 'auto' },
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
      { label: 'neutral', words: ['okay', 'fine'] },
    ],
  },
  scoring: { ...DEFAULT_SCORING_OPTIONS },
  inputs: [],
  compareModel: null,
  verbalizerVariants: [
    {
      name: 'alt',
      labels: [
        { label: 'positive', words: ['nice'] },
        { label: 'negative', words: ['awful'] },
        { label: 'neutral', words: ['average'] },
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

const engine = await MaskedLMEngine.load({ kind: 'local', id: modelId }, { dtype: 'fp32', device: 'cpu' });
const fresh = () => new ScoringPipeline(engineModel(engine), { cacheLimit: CACHE_LIMITS.evaluation });
const examples = makeExamples(n);
const axes = gridAxes(setup);
const plan = planGrid(axes, new Set(examples.map((e) => e.inputs.X)).size, engineModel(engine).maskToken);

let t0 = performance.now();
const grid = await runGrid({ setup, examples, modelFor: () => Promise.resolve({ ok: true, pipeline: fresh() }) });
const gridMs = performance.now() - t0;

t0 = performance.now();
let separatePrompts = 0;
const separate = [];
for (const key of gridOnly ? [] : gridCellKeys(axes)) {
  const pipeline = fresh();
  const { templates } = await pipeline.bindTemplates(
    [axes.templates[key.template]!],
    gridVerbalizer(setup, axes.verbalizers[key.verbalizer]!),
  );
  const calibrate = axes.calibration[key.calibration]!;
  const run = await runEvaluation({
    templates,
    examples,
    labels: setup.verbalizer.labels.map((l) => l.label),
    scoring: { ...setup.scoring, calibrate },
    pipeline,
  });
  separatePrompts += run.stats.promptsRun;
  separate.push(run);
}
const separateMs = performance.now() - t0;
await engine.dispose();

const cells = gridCellValues(grid);
const report = {
  model: modelId,
  examples: n,
  cells: cells.length,
  grid: { forwardPasses: grid.stats.promptsRun, reused: grid.stats.promptsReused, ms: Math.round(gridMs) },
  separateRuns: gridOnly
    ? { forwardPasses: plan.separatePrompts, ms: null, counted: 'planned (--grid-only)' }
    : { forwardPasses: separatePrompts, ms: Math.round(separateMs) },
  naiveCellsTimesExamples: cells.length * n,
  plan,
};
console.log(JSON.stringify(report, null, 2));
console.log(
  `\n${modelId}: grid of ${cells.length} cells on ${n} examples ran ${grid.stats.promptsRun} forward passes ` +
    `(${axes.templates.length} × ${n} + ${plan.contentFreePrompts} content-free) in ${(gridMs / 1000).toFixed(1)} s; ` +
    (gridOnly
      ? `12 separate runs would need ${plan.separatePrompts} forward passes (planned, not run) `
      : `12 separate runs: ${separatePrompts} forward passes in ${(separateMs / 1000).toFixed(1)} s `) +
    `(${cells.length} × ${n} = ${cells.length * n} plus content-free). Ratio ${((gridOnly ? plan.separatePrompts : separatePrompts) / grid.stats.promptsRun).toFixed(2)}×.`,
);
