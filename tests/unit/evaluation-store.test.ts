// The evaluation workbench's store, slice by slice, on its own workspace store and a fake model
// (tests/fake-model.ts): data → mapping → run → view, the label-word search and the demo's Undo.
// No storage, no worker, no wall-clock thresholds: held calls are released by the test.
import { describe, expect, it, vi } from 'vitest';
import { ScoringPipeline } from '../../src/core/pipeline.ts';
import { defaultSetup, type PromptSetup } from '../../src/core/setup.ts';
import { formatVerbalizer } from '../../src/core/verbalizer.ts';
import type { LabelWordStatsResult } from '../../src/core/label-search.ts';
import { RuntimeError } from '../../src/runtime/errors.ts';
import {
  createEvaluationStore,
  LABEL_SEARCH_TOP_N,
  remapOnSetupChange,
  reportCsv,
  reportJson,
  type EvaluationDeps,
} from '../../src/store/evaluation.ts';
import { createWorkspaceStore, type WorkspaceStore } from '../../src/store/workspace.ts';
import { FAKE_FACTS, FAKE_INFO, FAKE_VOCAB, fakeModel, gate, until, type FakeModel } from '../fake-model.ts';

const setup = (patch: Partial<PromptSetup> = {}): PromptSetup => ({
  ...defaultSetup(),
  model: { id: 'fake/tiny', source: 'local', dtype: 'fp32', device: 'wasm' },
  templates: [
    { id: 't1', name: 'It was', text: '[X] It was [Z].' },
    { id: 't2', name: 'All in all', text: '[X] All in all, it was [Z].' },
  ],
  activeTemplateId: 't1',
  verbalizer: {
    labels: [
      { label: 'positive', words: ['great', 'good'] },
      { label: 'negative', words: ['terrible', 'bad'] },
    ],
  },
  ...patch,
});

const CSV = [
  'text,label',
  'A good film.,positive',
  'Great acting and a fine story.,positive',
  'A bad film.,negative',
  'Awful from start to end.,negative',
].join('\n');

/** `n` distinct labelled rows, half of them positive. */
const manyRows = (n: number) =>
  [
    'text,label',
    ...Array.from({ length: n }, (_, i) => (i % 2 ? `Row ${i} was good.,positive` : `Row ${i} was bad.,negative`)),
  ].join('\n');

interface Bench {
  workspace: WorkspaceStore;
  store: ReturnType<typeof createEvaluationStore>;
  model: FakeModel;
  runtime: { labelWordStats: ReturnType<typeof vi.fn> };
  deps: EvaluationDeps;
}

/** A workspace holding `initial`, an evaluation store on it, and (unless `loaded` is false) a ready fake model. */
function bench(
  options: {
    initial?: PromptSetup;
    loaded?: boolean;
    model?: FakeModel;
    labelWordStats?: Bench['runtime']['labelWordStats'];
  } = {},
): Bench {
  const initial = options.initial ?? setup();
  const workspace = createWorkspaceStore({ setup: initial, verbalizerText: formatVerbalizer(initial.verbalizer) });
  const model = options.model ?? fakeModel();
  const pipeline = new ScoringPipeline(model);
  if (options.loaded !== false)
    workspace.setState({
      model: {
        ref: initial.model,
        status: 'ready',
        info: FAKE_INFO,
        facts: FAKE_FACTS,
        files: {},
        error: null,
        cached: null,
      },
    });
  const runtime = { labelWordStats: options.labelWordStats ?? vi.fn() };
  const deps: EvaluationDeps = {
    workspace,
    pipeline: () => (workspace.getState().model.status === 'ready' ? pipeline : null),
    runtime: () => runtime as unknown as ReturnType<EvaluationDeps['runtime']>,
    nextSlice: () => new Promise((resolve) => setImmediate(resolve)),
  };
  return { workspace, store: createEvaluationStore(deps), model, runtime, deps };
}

const paste = (b: Bench, text = CSV, name = 'data.csv') => b.store.getState().loadText(text, { kind: 'paste', name });

describe('data', () => {
  it('a pasted CSV is parsed, its columns mapped to the slot and the label, and the examples built', async () => {
    const b = bench();
    await paste(b);
    const s = b.store.getState();
    expect(s.parseStatus).toBe('ready');
    expect(s.source).toEqual({ kind: 'paste', name: 'data.csv', chars: CSV.length });
    expect(s.dataset?.columns).toEqual(['text', 'label']);
    expect(s.mapping.slots).toEqual({ X: 'text' });
    expect(s.mapping.labelColumn).toBe('label');
    expect(s.examples.map((e) => e.gold)).toEqual(['positive', 'positive', 'negative', 'negative']);
    expect(s.examples[0]!.inputs).toEqual({ X: 'A good film.' });
    expect(s.parseProgress).toBe(1);
  });

  it('text that is not data says why and keeps nothing', async () => {
    const b = bench();
    await paste(b, '   ');
    expect(b.store.getState()).toMatchObject({
      parseStatus: 'error',
      parseError: { code: 'data-empty', severity: 'error' },
      dataset: null,
    });
  });

  it('another format re-reads the same text', async () => {
    const b = bench();
    const tsv = CSV.replaceAll(',', '\t');
    await paste(b, tsv, 'data.tsv');
    expect(b.store.getState().dataset?.columns).toEqual(['text', 'label']);
    await b.store.getState().setFormat('csv');
    expect(b.store.getState().format).toBe('csv');
    expect(b.store.getState().text).toBe(tsv);
    expect(b.store.getState().dataset?.columns).toEqual(['text\tlabel']);
    await b.store.getState().setFormat('tsv');
    expect(b.store.getState().dataset?.columns).toEqual(['text', 'label']);
  });

  it('the newest data wins: an older parse still in flight writes nothing', async () => {
    const b = bench();
    const first = paste(b, manyRows(3), 'first.csv');
    const second = paste(b, CSV, 'second.csv');
    await Promise.all([first, second]);
    expect(b.store.getState().source?.name).toBe('second.csv');
    expect(b.store.getState().examples).toHaveLength(4);
  });

  it('clearing the data drops a parse in flight and resets everything', async () => {
    const b = bench();
    const parsing = paste(b);
    b.store.getState().clearData();
    await parsing;
    expect(b.store.getState()).toMatchObject({
      source: null,
      text: null,
      parseStatus: 'idle',
      dataset: null,
      examples: [],
      building: false,
    });
  });
});

describe('mapping', () => {
  it('label values that match no label are listed as problems until they are mapped', async () => {
    const b = bench();
    await paste(b, CSV.replaceAll(',positive', ',1').replaceAll(',negative', ',0'));
    expect(b.store.getState().examples).toHaveLength(0);
    expect(b.store.getState().mappingProblems).toHaveLength(4);
    b.store.getState().setLabelMapping('1', 'positive');
    b.store.getState().setLabelMapping('0', 'negative');
    await until(() => !b.store.getState().building, 'the examples');
    expect(b.store.getState().examples.map((e) => e.gold)).toEqual(['positive', 'positive', 'negative', 'negative']);
    expect(b.store.getState().mappingProblems).toHaveLength(0);
  });

  it('the label values shown with their row counts leave out skipped rows (JSONL non-strings, empty text)', async () => {
    const b = bench();
    const jsonl = [
      '{"text": "A good film.", "label": "positive"}',
      '{"text": "", "label": "positive"}',
      '{"text": "Fine.", "label": 1}',
      '{"text": 7, "label": "negative"}',
      '{"text": "A bad film.", "label": "negative"}',
      '{"text": "Meh.", "label": "neutral"}',
    ].join('\n');
    await paste(b, jsonl, 'data.jsonl');
    const s = b.store.getState();
    expect(s.examples.map((e) => e.line)).toEqual([1, 5]);
    expect(s.mappingProblems.map((p) => [p.params.line, p.code])).toEqual([
      [2, 'missing-text'],
      [3, 'non-string-value'],
      [4, 'non-string-value'],
      [6, 'unknown-label'],
    ]);
    expect(s.labelValues).toEqual([
      { value: 'positive', count: 1 },
      { value: 'negative', count: 1 },
      { value: 'neutral', count: 1 },
    ]);
    b.store.getState().clearData();
    expect(b.store.getState().labelValues).toEqual([]);
  });

  it('choosing no text column makes every row a problem; choosing it again brings them back', async () => {
    const b = bench();
    await paste(b);
    b.store.getState().setSlotColumn('X', null);
    await until(() => !b.store.getState().building, 'the examples');
    expect(b.store.getState().examples).toHaveLength(0);
    b.store.getState().setSlotColumn('X', 'text');
    await until(() => !b.store.getState().building, 'the examples');
    expect(b.store.getState().examples).toHaveLength(4);
  });

  it('the chosen templates decide the slots; all chosen is null', async () => {
    const pair = setup({
      templates: [
        { id: 't1', name: 'one', text: '[X] It was [Z].' },
        { id: 't2', name: 'pair', text: '[X1] ? [Z], [X2]' },
      ],
    });
    const b = bench({ initial: pair });
    await paste(b, 'premise,hypothesis,label\nA good film.,It was fine.,positive');
    expect(Object.keys(b.store.getState().mapping.slots).sort()).toEqual(['X', 'X1', 'X2']);
    b.store.getState().toggleTemplate('t2');
    expect(b.store.getState().selectedTemplates).toEqual(['t1']);
    expect(Object.keys(b.store.getState().mapping.slots)).toEqual(['X']);
    b.store.getState().toggleTemplate('t2');
    expect(b.store.getState().selectedTemplates).toBeNull();
  });

  it("renaming a verbalizer label re-matches the data's label values (remapOnSetupChange)", async () => {
    const b = bench();
    const stop = remapOnSetupChange(b.store, b.workspace);
    await paste(b);
    b.workspace.getState().setVerbalizerText('good: great\nnegative: terrible');
    await until(() => !b.store.getState().building, 'the examples');
    expect(b.store.getState().mapping.labelMap.get('positive')).toBeNull();
    expect(b.store.getState().examples.map((e) => e.gold)).toEqual(['negative', 'negative']);
    stop();
    b.workspace.getState().setVerbalizerText('positive: great\nnegative: terrible');
    expect(b.store.getState().mapping.labelMap.get('positive')).toBeNull(); // no longer followed
  });

  it('large data is built in slices, and a mapping change while building wins', async () => {
    const b = bench();
    let changed = false;
    const unsubscribe = b.store.subscribe((s, before) => {
      if (changed || !s.building || before.building) return;
      changed = true;
      s.setSlotColumn('X', null); // while the first build is between slices
    });
    await paste(b, manyRows(25_000));
    await until(() => !b.store.getState().building, 'the last build', 100_000);
    unsubscribe();
    expect(changed).toBe(true);
    expect(b.store.getState().examples).toHaveLength(0);
    expect(b.store.getState().mappingProblems).toHaveLength(25_000);
  });
});

describe('run', () => {
  it('without a loaded model it fails with no-model', async () => {
    const b = bench({ loaded: false });
    await paste(b);
    await b.store.getState().startRun();
    expect(b.store.getState().run).toMatchObject({ status: 'failed', error: 'no-model' });
  });

  it('runs every chosen template on every example on the eval lane, then shows the first template', async () => {
    const b = bench({ initial: setup({ scoring: { ...defaultSetup().scoring, calibrate: true } }) });
    await paste(b);
    b.store.getState().selectCell([0, 1]);
    await b.store.getState().startRun();
    const { run, view } = b.store.getState();
    expect(run.status).toBe('complete');
    expect(run.result!.templates.map((t) => t.id)).toEqual(['t1', 't2']);
    expect(run.result!.done).toBe(4);
    expect(run.progress).toMatchObject({ done: 4, total: 4 });
    expect(run.meta).toMatchObject({ modelId: 'fake/tiny', dtype: 'fp32', testModel: false, dataName: 'data.csv' });
    expect(b.model.calls.every((c) => c.lane === 'eval')).toBe(true);
    // The fake model gets every example right.
    for (const outcomes of run.result!.outcomes)
      outcomes.forEach((o, i) => expect(o!.uncalibrated[0]! > 0.5).toBe(run.result!.examples[i]!.gold === 'positive'));
    expect(view).toEqual({ source: 0, mode: 'calibrated', cell: null });
    expect(JSON.parse(reportJson(b.store.getState())!).version).toBe(4);
    expect(reportCsv(b.store.getState())!.split('\n')[0]).toContain('template');
  });

  it('no valid template: it fails with no-template and names the problems', async () => {
    const b = bench({ initial: setup({ templates: [{ id: 't1', name: 'broken', text: '[X] has no slot.' }] }) });
    await paste(b);
    await b.store.getState().startRun();
    expect(b.store.getState().run).toMatchObject({ status: 'failed', error: 'no-template' });
    expect(b.model.calls).toHaveLength(0);
  });

  it('Cancel ends the run as cancelled and keeps the examples it finished', async () => {
    const hold = gate();
    const model = fakeModel({ beforeScore: (call) => (call === 2 ? hold.promise : undefined) });
    const b = bench({ model });
    await paste(b, manyRows(150));
    const running = b.store.getState().startRun();
    await until(() => model.calls.length === 2, 'the second request');
    b.store.getState().cancelRun();
    hold.open();
    await running;
    const { run } = b.store.getState();
    expect(run.status).toBe('cancelled');
    expect(run.error).toBeNull();
    expect(run.result!.done).toBeGreaterThan(0);
    expect(run.result!.done).toBeLessThan(150);
  });

  it('a failing model ends the run as failed, says why, and keeps what was finished', async () => {
    const model = fakeModel({
      beforeScore: (call) => {
        if (call === 2) throw new RuntimeError('out-of-memory', 'The model ran out of memory.');
      },
    });
    const b = bench({ model });
    await paste(b, manyRows(150));
    await b.store.getState().startRun();
    expect(b.store.getState().run).toMatchObject({
      status: 'failed',
      error: 'The model ran out of memory.',
      errorCode: 'out-of-memory',
    });
    expect(b.store.getState().run.result!.done).toBeGreaterThan(0);
  });

  it('new data makes a running evaluation stale: nothing of it is stored', async () => {
    const hold = gate();
    const model = fakeModel({ beforeScore: (call) => (call === 1 ? hold.promise : undefined) });
    const b = bench({ model });
    await paste(b);
    const running = b.store.getState().startRun();
    await until(() => model.calls.length === 1, 'the first request');
    await paste(b, CSV, 'other.csv');
    hold.open();
    await running;
    expect(b.store.getState().run).toMatchObject({ status: 'idle', result: null, meta: null });
  });

  it('a newer run supersedes an older one', async () => {
    const hold = gate();
    const model = fakeModel({ beforeScore: (call) => (call === 1 ? hold.promise : undefined) });
    const b = bench({ model });
    await paste(b);
    const first = b.store.getState().startRun();
    await until(() => model.calls.length === 1, 'the first request');
    const second = b.store.getState().startRun();
    await second;
    hold.open();
    await first;
    expect(b.store.getState().run.status).toBe('complete');
    expect(b.store.getState().run.result!.done).toBe(4);
  });
});

describe('view', () => {
  it('another template or mode clears the chosen confusion cell', () => {
    const { store } = bench();
    store.getState().selectCell([1, 0]);
    expect(store.getState().view.cell).toEqual([1, 0]);
    store.getState().setViewSource('ensemble');
    expect(store.getState().view).toEqual({ source: 'ensemble', mode: 'uncalibrated', cell: null });
    store.getState().selectCell([0, 0]);
    store.getState().setMode('calibrated');
    expect(store.getState().view).toEqual({ source: 'ensemble', mode: 'calibrated', cell: null });
  });
});

describe('label-word search', () => {
  const result: LabelWordStatsResult = {
    candidates: [[{ id: 4, token: 'fine', word: 'fine', score: 1, meanLogProb: -1 }], []],
    counts: [2, 2],
    vocabSize: FAKE_VOCAB.length,
    ms: 1,
  };

  it('ranks words with the template being looked at, leaves out the words in use, on its own lane', async () => {
    const labelWordStats = vi.fn().mockResolvedValue(result);
    const b = bench({ labelWordStats });
    await paste(b);
    await b.store.getState().startRun();
    b.store.getState().setViewSource(1);
    await b.store.getState().suggestLabelWords();
    expect(labelWordStats).toHaveBeenCalledTimes(1);
    const [args, options] = labelWordStats.mock.calls[0]!;
    expect(args).toMatchObject({ groupCount: 2, topN: LABEL_SEARCH_TOP_N });
    expect([...args.exclude].sort()).toEqual(
      ['great', 'good', 'terrible', 'bad'].map((w) => FAKE_VOCAB.indexOf(w)).sort(),
    );
    expect(args.prompts).toHaveLength(4);
    expect(options.lane).toBe('label-search');
    expect(b.store.getState().labelSearch).toMatchObject({
      status: 'done',
      result,
      labels: ['positive', 'negative'],
      templateName: 'All in all',
    });
  });

  it('Cancel goes back to idle; a failure says why', async () => {
    const labelWordStats = vi.fn(
      (_args: unknown, options: { signal: AbortSignal }) =>
        new Promise((_resolve, reject) =>
          options.signal.addEventListener('abort', () => reject(new RuntimeError('cancelled', 'Cancelled.'))),
        ),
    );
    const b = bench({ labelWordStats });
    await paste(b);
    const searching = b.store.getState().suggestLabelWords();
    expect(b.store.getState().labelSearch.status).toBe('running');
    await until(() => labelWordStats.mock.calls.length === 1, 'the search request');
    b.store.getState().cancelLabelWords();
    await searching;
    expect(b.store.getState().labelSearch.status).toBe('idle');

    labelWordStats.mockImplementationOnce(() => Promise.reject(new RuntimeError('worker-crashed', 'It crashed.')));
    await b.store.getState().suggestLabelWords();
    expect(b.store.getState().labelSearch).toMatchObject({
      status: 'error',
      error: 'It crashed.',
      errorCode: 'worker-crashed',
    });
  });

  it('does nothing without examples or a model', async () => {
    const b = bench({ loaded: false });
    await paste(b);
    await b.store.getState().suggestLabelWords();
    const empty = bench();
    await empty.store.getState().suggestLabelWords();
    expect(b.runtime.labelWordStats).not.toHaveBeenCalled();
    expect(empty.runtime.labelWordStats).not.toHaveBeenCalled();
    expect(b.store.getState().labelSearch.status).toBe('idle');
  });

  it('"+ add" puts a word into the verbalizer text', () => {
    const b = bench();
    expect(b.store.getState().addLabelWord('positive', 'fine')).toBe(true);
    expect(b.workspace.getState().verbalizerText).toBe('positive: great, good, fine\nnegative: terrible, bad');
    expect(b.store.getState().addLabelWord('no such label', 'fine')).toBe(false);
  });
});

describe('demo datasets', () => {
  it("bring their templates and verbalizer (the model stays); Undo restores the user's exactly", async () => {
    const mine = setup({ templates: [{ id: 'mine', name: 'Mine', text: 'Mine: [X] [Z].' }], activeTemplateId: 'mine' });
    const b = bench({ initial: mine });
    b.workspace.getState().setVerbalizerText('# my notes\npositive: great\nnegative: terrible');
    const typed = b.workspace.getState().verbalizerText;
    const before = b.workspace.getState().setup;

    await b.store.getState().loadDemo('sentiment-en');
    const ws = b.workspace.getState();
    expect(ws.setup.templates.map((t) => t.id)).toEqual(['t1', 't2']);
    expect(ws.setup.model).toEqual(mine.model);
    expect(b.store.getState().source).toMatchObject({ kind: 'demo', demoId: 'sentiment-en' });
    expect(b.store.getState().examples.length).toBeGreaterThan(10);
    expect(b.store.getState().replacedSetup).toMatchObject({ demoId: 'sentiment-en', verbalizerText: typed });

    // The same demo again replaces nothing more: Undo still goes back to the user's setup.
    await b.store.getState().loadDemo('sentiment-en');
    b.store.getState().undoDemoSetup();
    expect(b.workspace.getState().setup).toEqual(before);
    expect(b.workspace.getState().verbalizerText).toBe(typed);
    expect(b.store.getState().replacedSetup).toBeNull();
  });

  it('dismissing forgets the previous setup; an unknown demo does nothing', async () => {
    const b = bench();
    await b.store.getState().loadDemo('no-such-demo');
    expect(b.store.getState().source).toBeNull();
    await b.store.getState().loadDemo('topic-en');
    expect(b.store.getState().replacedSetup).not.toBeNull();
    b.store.getState().dismissDemoSetup();
    expect(b.store.getState().replacedSetup).toBeNull();
  });
});
