/**
 * The few-shot slice of the evaluation store (src/store/evaluation/fewshot*.ts) on the real runtime:
 * bert-tiny in onnxruntime-node. A run through the store gives what runFewShot gives for the same
 * (data, K, seed); Cancel keeps the finished cells; a changed setup or data leaves the result shown
 * as not current; a second labelled file is read with the data's mapping; the settings survive a
 * reload (a versioned record) and bad stored values keep the defaults.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFewShot } from '../../src/core/fewshot/run.ts';
import { FEWSHOT_METHODS, type FewShotConfig } from '../../src/core/fewshot/types.ts';
import { CACHE_LIMITS, ScoringPipeline } from '../../src/core/pipeline.ts';
import { formatVerbalizer } from '../../src/core/verbalizer.ts';
import type { MaskedLMEngine } from '../../src/runtime/engine.ts';
import { engineModel } from '../../src/runtime/pipeline-model.ts';
import {
  createEvaluationStore,
  defaultFewShotSettings,
  fewShotJson,
  fewShotOutdated,
  FEWSHOT_SETTINGS_KEY,
  keepFewShotSettings,
  parseNumberList,
  type EvaluationDeps,
  type EvaluationStore,
} from '../../src/store/evaluation.ts';
import { createWorkspaceStore, type WorkspaceStore } from '../../src/store/workspace.ts';
import { fewShotCsv, fewShotSetup } from '../fewshot-fixture.ts';
import { MemoryStorage } from '../memory-storage.ts';
import { loadBertTiny } from './fixture-models.ts';

let engine: MaskedLMEngine;

beforeAll(async () => {
  engine = await loadBertTiny();
}, 180_000);

afterAll(async () => {
  await engine?.dispose();
});

const CONFIG: FewShotConfig = {
  ...defaultFewShotSettings().config,
  ks: [4, 8],
  seeds: [13, 21],
  methods: [...FEWSHOT_METHODS],
  maxTest: null,
};

function bench(): { workspace: WorkspaceStore; store: EvaluationStore } {
  const setup = fewShotSetup();
  const workspace = createWorkspaceStore({ setup, verbalizerText: formatVerbalizer(setup.verbalizer) });
  workspace.setState({
    model: {
      ref: setup.model,
      status: 'ready',
      info: engine.info,
      facts: engine.facts,
      files: {},
      error: null,
      cached: null,
    },
  });
  const pipeline = new ScoringPipeline(engineModel(engine));
  const deps: EvaluationDeps = {
    workspace,
    pipeline: () => (workspace.getState().model.status === 'ready' ? pipeline : null),
    runtime: () => {
      throw new Error('no label-word search here');
    },
    nextSlice: () => new Promise((resolve) => setImmediate(resolve)),
  };
  const store = createEvaluationStore(deps);
  store.getState().setFewShotConfig(CONFIG);
  return { workspace, store };
}

/** Resolves once `check` holds for the store (checked on every change; the test's timeout bounds it). */
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

const outdated = (b: ReturnType<typeof bench>) => fewShotOutdated(b.store.getState(), b.workspace.getState());

describe('few-shot runs through the store', () => {
  it('gives what runFewShot gives for the same data, K and seeds; a setup change makes it not current', async () => {
    const b = bench();
    await b.store.getState().loadText(fewShotCsv(), { kind: 'paste', name: 'reviews.csv' });
    expect(b.store.getState().examples).toHaveLength(60);
    await b.store.getState().startFewShot();
    const fs = b.store.getState().fewShot;
    expect([fs.status, fs.error, fs.result?.error]).toEqual(['complete', null, undefined]);
    const result = fs.result!;
    // Every method in every (K, seed) cell, the tuned label vectors included (bert-tiny gives the hidden vector).
    expect(result.skipped).toEqual([]);
    expect(result.cells).toHaveLength(FEWSHOT_METHODS.length * 2 * 2);
    expect(result.stats.promptsRun).toBeLessThan(result.stats.naivePrompts);

    // The core on its own, on a fresh pipeline: the same numbers.
    const pipeline = new ScoringPipeline(engineModel(engine), { cacheLimit: CACHE_LIMITS.evaluation });
    const setup = fewShotSetup();
    const { templates } = await pipeline.bindTemplates(setup.templates, setup.verbalizer);
    const direct = await runFewShot({
      pipeline,
      templates,
      labels: ['positive', 'negative'],
      scoring: setup.scoring,
      data: { examples: b.store.getState().examples },
      config: CONFIG,
    });
    expect(result.splits).toEqual(direct.splits);
    expect(result.cells.length).toBe(direct.cells.length);
    result.cells.forEach((cell, i) => {
      const other = direct.cells[i]!;
      expect([cell.method, cell.k, cell.seed, cell.n]).toEqual([other.method, other.k, other.seed, other.n]);
      expect(cell.accuracy).toBeCloseTo(other.accuracy, 6);
      expect(cell.macroF1 ?? NaN).toBeCloseTo(other.macroF1 ?? NaN, 6);
    });
    const json = JSON.parse(fewShotJson(b.store.getState())!) as { format: string; cells: unknown[] };
    expect(json.format).toBe('clozelab-fewshot');
    expect(json.cells).toHaveLength(result.cells.length);

    expect(outdated(b)).toBe(false);
    b.workspace.getState().setVerbalizerText('positive: great\nnegative: terrible');
    expect(outdated(b)).toBe(true);
    expect(b.store.getState().fewShot.result).toBe(result); // kept, shown as not current
  }, 120_000);

  it('Cancel keeps the cells finished; new data stops a run and leaves its cells not current', async () => {
    const b = bench();
    await b.store.getState().loadText(fewShotCsv(), { kind: 'paste', name: 'reviews.csv' });
    // Cancel once the demonstrations begin: the zero-shot, calibrated, ensemble and tuned cells are done.
    const stop = b.store.subscribe((s) => {
      if (s.fewShot.progress?.phase === 'demonstrations') {
        stop();
        s.cancelFewShot();
      }
    });
    await b.store.getState().startFewShot();
    const fs = b.store.getState().fewShot;
    expect(fs.status).toBe('cancelled');
    expect(fs.result!.cells.length).toBeGreaterThan(0);
    expect(fs.result!.cells.length).toBeLessThan(FEWSHOT_METHODS.length * 4);
    expect(fs.result!.cells.some((c) => c.method === 'tuned')).toBe(true);

    const running = b.store.getState().startFewShot();
    await when(b.store, () => b.store.getState().fewShot.progress !== null);
    await b.store.getState().loadText(fewShotCsv(40, 1), { kind: 'paste', name: 'other.csv' });
    await running;
    expect(b.store.getState().fewShot.status).toBe('cancelled');
    expect(outdated(b)).toBe(true);
  }, 120_000);

  it('a second labelled file is the test set, read with the data mapping', async () => {
    const b = bench();
    await b.store.getState().loadText(fewShotCsv(), { kind: 'paste', name: 'train.csv' });
    const s = () => b.store.getState();
    await s().loadFewShotTestText('review,label\nA film.,positive', 'wrong.csv');
    expect(s().fewShotSettings.testSource).toBe('file');
    await s().startFewShot();
    expect(s().fewShot).toMatchObject({ status: 'failed', error: 'no-test-file' });

    // Other label spellings are matched by name; an unknown label is left out.
    await s().loadFewShotTestText(
      'text,label\nA lovely film.,POSITIVE\nA dreadful film.,negative\nMeh.,neutral',
      'test.csv',
    );
    s().setFewShotConfig({ ks: [4], seeds: [13], methods: ['zero-shot', 'tuned'] });
    await s().startFewShot();
    const result = s().fewShot.result!;
    expect(s().fewShot.status).toBe('complete');
    expect(result.splits[0]).toMatchObject({ testSource: 'file', test: [0, 1] });
    expect(result.cells.map((c) => [c.method, c.n])).toEqual([
      ['zero-shot', 2],
      ['tuned', 2],
    ]);
    s().clearFewShotTestFile();
    expect(s().fewShotSettings.testSource).toBe('rest');
    expect(outdated(b)).toBe(true);
  }, 120_000);

  it('a K larger than a label has examples is skipped, with the label and the counts', async () => {
    const b = bench();
    await b.store.getState().loadText(fewShotCsv(), { kind: 'paste', name: 'reviews.csv' });
    b.store.getState().setFewShotConfig({ ks: [4, 40], seeds: [13], methods: ['zero-shot'] });
    await b.store.getState().startFewShot();
    const result = b.store.getState().fewShot.result!;
    expect(result.cells.map((c) => c.k)).toEqual([4]);
    expect(result.skipped).toEqual([
      {
        k: 40,
        seed: 13,
        method: null,
        code: 'too-few-examples',
        params: { label: 'positive', have: 30, need: 40 },
      },
    ]);
  }, 60_000);
});

describe('few-shot settings', () => {
  it('are kept in a versioned record and come back after a reload; bad values keep the defaults', () => {
    const storage = new MemoryStorage();
    const first = createEvaluationStore();
    const stop = keepFewShotSettings(storage, first);
    first.getState().setFewShotConfig({ ks: [2, 16], seeds: [1, 2, 3], maxTest: null });
    first.getState().setFewShotTestSource('file');
    stop();
    const saved = JSON.parse(storage.getItem(FEWSHOT_SETTINGS_KEY)!) as { version: number };
    expect(saved.version).toBe(1);

    const second = createEvaluationStore();
    keepFewShotSettings(storage, second)();
    expect(second.getState().fewShotSettings.config).toMatchObject({ ks: [2, 16], seeds: [1, 2, 3], maxTest: null });
    expect(second.getState().fewShotSettings.testSource).toBe('file');

    storage.setItem(
      FEWSHOT_SETTINGS_KEY,
      JSON.stringify({
        version: 1,
        settings: { config: { ks: [-1, 'x'], seeds: [], methods: ['magic'], maxTest: 0 } },
      }),
    );
    const third = createEvaluationStore();
    keepFewShotSettings(storage, third)();
    expect(third.getState().fewShotSettings).toEqual(defaultFewShotSettings());

    storage.setItem(FEWSHOT_SETTINGS_KEY, JSON.stringify({ version: 99, settings: { config: { ks: [5] } } }));
    const fourth = createEvaluationStore();
    keepFewShotSettings(storage, fourth)();
    expect(fourth.getState().fewShotSettings.config.ks).toEqual(defaultFewShotSettings().config.ks);
    storage.setItem(FEWSHOT_SETTINGS_KEY, '{not json');
    keepFewShotSettings(storage, createEvaluationStore())();
  });

  it('K values and seeds typed as a list: whole numbers in range, sorted, once; the bad piece is named', () => {
    expect(parseNumberList('16, 4 8，4', 1, 100)).toEqual({ ok: true, values: [4, 8, 16] });
    expect(parseNumberList('4, x', 1, 100)).toEqual({ ok: false, bad: 'x' });
    expect(parseNumberList('0', 1, 100)).toEqual({ ok: false, bad: '0' });
    expect(parseNumberList('2.5', 1, 100)).toEqual({ ok: false, bad: '2.5' });
    expect(parseNumberList(' ', 1, 100)).toEqual({ ok: true, values: [] });
  });
});
