/**
 * A grid in the browser's store runs the cells of the setup's model and of the second model (side
 * by side, its own pipeline and worker) — their numbers equal the core grid run on fresh pipelines
 * of the same models — and says which models only the command line can run.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findDemoDataset } from '../../src/core/demo-datasets.ts';
import { buildExamples, suggestMapping } from '../../src/core/dataset-mapping.ts';
import { parseDataset } from '../../src/core/dataset-parse.ts';
import { gridCellValues, runGrid } from '../../src/core/grid-run.ts';
import { CACHE_LIMITS, ScoringPipeline } from '../../src/core/pipeline.ts';
import { DEFAULT_SCORING_OPTIONS } from '../../src/core/scoring.ts';
import { modelKey, SETUP_VERSION, type ModelRef, type PromptSetup } from '../../src/core/setup.ts';
import { formatVerbalizer } from '../../src/core/verbalizer.ts';
import type { MaskedLMEngine } from '../../src/runtime/engine.ts';
import { engineModel } from '../../src/runtime/pipeline-model.ts';
import { createEvaluationStore, GRID_MODEL_NOT_LOADED, type EvaluationStore } from '../../src/store/evaluation.ts';
import type { EvaluationDeps } from '../../src/store/evaluation/state.ts';
import { createWorkspaceStore } from '../../src/store/workspace.ts';
import { BERT_TINY, loadFixture, ROBERTA_TINY } from './fixture-models.ts';

const BERT: ModelRef = { id: BERT_TINY, source: 'local', dtype: 'fp32', device: 'auto' };
const ROBERTA: ModelRef = { id: ROBERTA_TINY, source: 'local', dtype: 'fp32', device: 'auto' };
const ELSEWHERE: ModelRef = { ...BERT, id: 'clozelab-test/another-model' };

const setup: PromptSetup = {
  version: SETUP_VERSION,
  name: 'grid in the store',
  model: BERT,
  templates: [
    { id: 't1', name: 'one', text: '[X] Overall, it was a [Z] movie.' },
    { id: 't2', name: 'two', text: '[X] It was [Z].' },
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
  verbalizerVariants: [
    {
      name: 'alt',
      labels: [
        { label: 'positive', words: ['nice'] },
        { label: 'negative', words: ['awful'] },
      ],
    },
  ],
  grid: {
    templateIds: ['t1', 't2'],
    verbalizers: ['main', 'alt'],
    models: ['setup', 'compare', ELSEWHERE],
    calibration: [false, true],
  },
};

let bert: MaskedLMEngine;
let roberta: MaskedLMEngine;
beforeAll(async () => {
  bert = await loadFixture(BERT_TINY, { dtype: 'fp32' });
  roberta = await loadFixture(ROBERTA_TINY, { dtype: 'fp32' });
}, 180_000);
afterAll(async () => {
  await bert?.dispose();
  await roberta?.dispose();
});

function when(store: EvaluationStore, check: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    if (check()) {
      resolve();
      return;
    }
    const stop = store.subscribe(() => {
      if (!check()) return;
      stop();
      resolve();
    });
  });
}

describe('a grid in the browser store', () => {
  it("runs the setup's model and the second model; their cells equal the core grid; other models are the CLI's", async () => {
    const workspace = createWorkspaceStore({ setup, verbalizerText: formatVerbalizer(setup.verbalizer) });
    workspace.setState({
      model: { ref: BERT, status: 'ready', info: bert.info, facts: bert.facts, files: {}, error: null, cached: null },
    });
    const mainPipeline = new ScoringPipeline(engineModel(bert));
    const secondPipeline = new ScoringPipeline(engineModel(roberta));
    const deps: EvaluationDeps = {
      workspace,
      pipeline: () => mainPipeline,
      secondModel: () => ({ ref: ROBERTA, pipeline: secondPipeline }),
      runtime: () => {
        throw new Error('no label-word search here');
      },
      nextSlice: () => new Promise((resolve) => setImmediate(resolve)),
    };
    const store = createEvaluationStore(deps);
    const demo = findDemoDataset('sentiment-en')!;
    await store.getState().loadText(demo.csv, { kind: 'paste', name: 'demo.csv' });
    await when(store, () => store.getState().examples.length > 0);
    await store.getState().startGrid();
    const run = store.getState().gridRun;
    expect(run.result!.models.map((m) => [modelKey(m.model), m.status, m.errorCode ?? null])).toEqual([
      [modelKey(BERT), 'complete', null],
      [modelKey(ROBERTA), 'complete', null],
      [modelKey(ELSEWHERE), 'skipped', GRID_MODEL_NOT_LOADED],
    ]);

    // The core grid on fresh pipelines of the same two models: the same cells.
    const parsed = parseDataset(demo.csv);
    if (!parsed.ok) throw new Error('demo did not parse');
    const labels = ['positive', 'negative'];
    const examples = buildExamples(parsed.dataset, suggestMapping(parsed.dataset, ['X'], labels), labels).examples;
    const fresh = await runGrid({
      setup: { ...setup, grid: { ...setup.grid!, models: ['setup', 'compare'] } },
      examples,
      modelFor: (ref) =>
        Promise.resolve({
          ok: true,
          pipeline: new ScoringPipeline(engineModel(ref.id === ROBERTA_TINY ? roberta : bert), {
            cacheLimit: CACHE_LIMITS.evaluation,
          }),
        }),
    });
    const inStore = gridCellValues(run.result!).filter((c) => c.n > 0);
    expect(inStore).toHaveLength(2 * 2 * 2 * 2);
    expect(inStore).toEqual(gridCellValues(fresh));
  }, 180_000);
});
