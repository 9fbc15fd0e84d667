// Label-word search step 2 in the evaluation store, on the real runtime (in-process worker, the
// generated bert-tiny): step 1's candidates, the K-shot training split of the loaded data, one set
// of score requests with every candidate id, the combinations ranked by training accuracy, and
// "use" — which must give, through ClozeLab's own scoring, exactly the accuracy step 2 reported.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fewShotSplit } from '../../src/core/fewshot/splits.ts';
import { PASSES, ScoringPipeline, type PipelineModel } from '../../src/core/pipeline.ts';
import { defaultSetup, type PromptSetup } from '../../src/core/setup.ts';
import type { ModelFacts, RenderedPrompt } from '../../src/core/types.ts';
import { formatVerbalizer } from '../../src/core/verbalizer.ts';
import { RuntimeClient } from '../../src/runtime/client.ts';
import { InProcessWorker } from '../../src/runtime/in-process.ts';
import { allowHubDownloads, setLocalModelFolder } from '../../src/runtime/node-models.ts';
import { clientModel } from '../../src/runtime/pipeline-model.ts';
import type { EngineInfo } from '../../src/runtime/protocol.ts';
import { createEvaluationStore, type EvaluationDeps } from '../../src/store/evaluation.ts';
import { createWorkspaceStore } from '../../src/store/workspace.ts';
import { BERT_TINY, MODELS_DIR } from '../integration/fixture-models.ts';

const setup: PromptSetup = {
  ...defaultSetup(),
  model: { id: BERT_TINY, source: 'local', dtype: 'fp32', device: 'auto' },
  templates: [{ id: 't1', name: 'It was', text: '[X] It was [Z].' }],
  activeTemplateId: 't1',
  verbalizer: {
    labels: [
      { label: 'positive', words: ['great'] },
      { label: 'negative', words: ['terrible'] },
    ],
  },
};

const POSITIVE = [
  'A good film.',
  'Great acting.',
  'A warm story.',
  'Fine and funny.',
  'I loved it.',
  'Moving and smart.',
];
const NEGATIVE = ['A bad film.', 'Awful acting.', 'A dull story.', 'Flat and slow.', 'I hated it.', 'Cheap and loud.'];
const CSV = ['text,label', ...POSITIVE.map((t) => `${t},positive`), ...NEGATIVE.map((t) => `${t},negative`)].join('\n');

let client: RuntimeClient;
let info: EngineInfo;
let facts: ModelFacts;

beforeAll(async () => {
  setLocalModelFolder(MODELS_DIR);
  allowHubDownloads(false);
  client = new RuntimeClient(() => new InProcessWorker());
  ({ info, facts } = await client.load({ kind: 'local', id: BERT_TINY }, { dtype: 'fp32' }));
}, 180_000);

afterAll(() => client?.dispose());

/** An evaluation store on the loaded model; `scored` records every prompt the model is asked to score. */
async function bench() {
  const workspace = createWorkspaceStore({ setup, verbalizerText: formatVerbalizer(setup.verbalizer) });
  workspace.setState({
    model: { ref: setup.model, status: 'ready', info, facts, files: {}, error: null, cached: null },
  });
  const real = clientModel(client, info, facts);
  const scored: { prompts: RenderedPrompt[]; tokenIds: number[] }[] = [];
  const model: PipelineModel = {
    ...real,
    score: (prompts, tokenIds, options) => {
      scored.push({ prompts, tokenIds });
      return real.score(prompts, tokenIds, options);
    },
  };
  const pipeline = new ScoringPipeline(model);
  const deps: EvaluationDeps = {
    workspace,
    pipeline: () => pipeline,
    runtime: () => ({ labelWordStats: (args, options) => client.labelWordStats(args, options) }),
    nextSlice: () => new Promise((resolve) => setImmediate(resolve)),
  };
  const store = createEvaluationStore(deps);
  await store.getState().loadText(CSV, { kind: 'paste', name: 'data.csv' });
  expect(store.getState().examples).toHaveLength(12);
  return { store, workspace, pipeline, scored };
}

const inputText = (p: RenderedPrompt) => p.parts.find((x) => x.kind === 'input' && 'text' in x)!;

describe('label-word search, step 2', () => {
  it('scores only the K-shot training examples, once, and the applied combination has the reported train accuracy', async () => {
    const { store, workspace, pipeline, scored } = await bench();
    await store.getState().suggestLabelWords();
    expect(store.getState().labelSearch.status).toBe('done');
    const candidates = store.getState().labelSearch.result!.candidates;
    expect(candidates.map((c) => c.length)).toEqual([8, 8]);

    await store.getState().searchLabelCombos({ k: 4, seed: 42, n: 3 });
    const combos = store.getState().labelSearch.combos;
    expect(combos).toMatchObject({ status: 'done', k: 4, seed: 42, n: 3 });
    const result = combos.result!;
    expect(result.method).toBe('exhaustive');
    expect(result.space).toBe(9);
    expect(result.combinations.length).toBeGreaterThan(0);
    for (const c of result.combinations) expect(c.n).toBe(8);

    // One set of requests: the 8 training prompts at every top-3 candidate id; no other row.
    expect(scored).toHaveLength(1);
    const examples = store.getState().examples;
    const split = fewShotSplit({
      examples,
      labels: ['positive', 'negative'],
      k: 4,
      seed: 42,
      testFileSize: null,
      maxTest: null,
    });
    if (!split.ok) throw new Error('split');
    const trainTexts = split.split.train.map((i) => examples[i]!.inputs.X);
    expect(scored[0]!.prompts.map((p) => (inputText(p) as { text: string }).text)).toEqual(trainTexts);
    expect(new Set(scored[0]!.tokenIds)).toEqual(new Set(candidates.flatMap((c) => c.slice(0, 3).map((x) => x.id))));

    // Use the best combination; ClozeLab's own scoring on the training examples agrees with step 2.
    const best = result.combinations[0]!;
    expect(store.getState().applyLabelCombo(0)).toBe(true);
    const verbalizer = workspace.getState().setup.verbalizer;
    expect(verbalizer.labels).toEqual([
      { label: 'positive', words: [best.words[0]] },
      { label: 'negative', words: [best.words[1]] },
    ]);
    const { templates } = await pipeline.bindTemplates(setup.templates, verbalizer);
    const scoredInputs = await pipeline.scoreInputs(
      templates,
      split.split.train.map((i) => examples[i]!.inputs),
      { ...setup.scoring, calibrate: false },
      { ...PASSES.evaluation, calibration: 'as-set' },
    );
    const gold = split.split.train.map((i) => (examples[i]!.gold === 'positive' ? 0 : 1));
    const correct = scoredInputs!.filter((row, e) => {
      const p = row[0]!.scores.probs;
      return p[gold[e]!]! > p[1 - gold[e]!]!;
    }).length;
    expect(correct).toBe(best.correct);
  });

  it('a K larger than a label has: says which label, and runs nothing', async () => {
    const { store, scored } = await bench();
    await store.getState().suggestLabelWords();
    await store.getState().searchLabelCombos({ k: 16, seed: 13, n: 5 });
    expect(store.getState().labelSearch.combos).toMatchObject({
      status: 'too-few',
      tooFew: { label: 'positive', have: 6, need: 16 },
    });
    expect(scored).toEqual([]);
  });
});
