// The evaluation store's run and label-word search on the real runtime (in-process worker, the
// generated bert-tiny): both need the one model worker, so they take turns. Starting a run stops a
// search in flight — its worker request is cancelled and nothing of it is written — and a search
// asked for while a run is preparing or running does not start. No clocks: every step is taken at a
// point the store reaches without waiting (or after a condition checked turn by turn).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScoringPipeline } from '../../src/core/pipeline.ts';
import { defaultSetup, type PromptSetup } from '../../src/core/setup.ts';
import type { ModelFacts } from '../../src/core/types.ts';
import { formatVerbalizer } from '../../src/core/verbalizer.ts';
import { RuntimeClient } from '../../src/runtime/client.ts';
import { InProcessWorker } from '../../src/runtime/in-process.ts';
import { allowHubDownloads, setLocalModelFolder } from '../../src/runtime/node-models.ts';
import { clientModel } from '../../src/runtime/pipeline-model.ts';
import type { EngineInfo } from '../../src/runtime/protocol.ts';
import { createEvaluationStore, type EvaluationDeps } from '../../src/store/evaluation.ts';
import { createWorkspaceStore } from '../../src/store/workspace.ts';
import { until } from '../fake-model.ts';
import { BERT_TINY, MODELS_DIR } from '../integration/fixture-models.ts';

const setup: PromptSetup = {
  ...defaultSetup(),
  model: { id: BERT_TINY, source: 'local', dtype: 'fp32', device: 'auto' },
  templates: [{ id: 't1', name: 'It was', text: '[X] It was [Z].' }],
  activeTemplateId: 't1',
  verbalizer: {
    labels: [
      { label: 'positive', words: ['great', 'good'] },
      { label: 'negative', words: ['terrible', 'bad'] },
    ],
  },
};

const CSV = [
  'text,label',
  'A good film.,positive',
  'Great acting and a fine story.,positive',
  'A bad film.,negative',
  'Awful from start to end.,negative',
].join('\n');

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

/** An evaluation store on the loaded model; `searches` records each search request the worker gets. */
async function bench() {
  const workspace = createWorkspaceStore({ setup, verbalizerText: formatVerbalizer(setup.verbalizer) });
  workspace.setState({
    model: { ref: setup.model, status: 'ready', info, facts, files: {}, error: null, cached: null },
  });
  const pipeline = new ScoringPipeline(clientModel(client, info, facts));
  const searches: AbortSignal[] = [];
  const deps: EvaluationDeps = {
    workspace,
    pipeline: () => pipeline,
    runtime: () => ({
      labelWordStats: (args, options) => {
        if (options?.signal) searches.push(options.signal);
        return client.labelWordStats(args, options);
      },
    }),
    nextSlice: () => new Promise((resolve) => setImmediate(resolve)),
  };
  const store = createEvaluationStore(deps);
  await store.getState().loadText(CSV, { kind: 'paste', name: 'data.csv' });
  expect(store.getState().examples).toHaveLength(4);
  return { store, searches };
}

describe('a run and the label-word search share the model', () => {
  it('starting a run stops a search that is still binding its words: nothing of it is written', async () => {
    const { store, searches } = await bench();
    const searching = store.getState().suggestLabelWords();
    expect(store.getState().labelSearch.status).toBe('running');
    const running = store.getState().startRun();
    await Promise.all([searching, running]);
    expect(store.getState().run.status).toBe('complete');
    expect(store.getState().run.result!.done).toBe(4);
    expect(store.getState().labelSearch).toMatchObject({ status: 'idle', result: null, labels: [] });
    expect(searches).toEqual([]); // it never reached the worker
  });

  it('starting a run cancels a search already in the worker: its request aborts and its result is dropped', async () => {
    const { store, searches } = await bench();
    const searching = store.getState().suggestLabelWords();
    await until(() => searches.length === 1, 'the search request');
    expect(searches[0]!.aborted).toBe(false);
    const running = store.getState().startRun();
    expect(searches[0]!.aborted).toBe(true);
    await Promise.all([searching, running]);
    expect(store.getState().run.status).toBe('complete');
    expect(store.getState().labelSearch).toMatchObject({ status: 'idle', result: null, labels: [] });
  });

  it('a search asked for during a run does not start; after the run it does', async () => {
    const { store, searches } = await bench();
    const running = store.getState().startRun();
    expect(store.getState().run.status).toBe('preparing');
    await store.getState().suggestLabelWords();
    expect(searches).toEqual([]);
    expect(store.getState().labelSearch.status).toBe('idle');
    await running;
    expect(store.getState().run.status).toBe('complete');

    await store.getState().suggestLabelWords();
    expect(searches).toHaveLength(1);
    expect(store.getState().labelSearch).toMatchObject({ status: 'done', labels: ['positive', 'negative'] });
    expect(store.getState().labelSearch.result!.counts).toEqual([2, 2]);
  });
});
