/**
 * The second model of the side-by-side view (src/store/side-model.ts) with the real runtime
 * in-process on the generated test models, started as the app starts it: its own client and
 * worker, its own tokenization of the label words and mask token, numbers equal to that model
 * loaded alone as the setup's model, failures that stay on its side, unloading that terminates
 * its worker, and a setup whose compareModel loads it.
 */
import * as path from 'node:path';
import { env } from '@huggingface/transformers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultSetup, type ModelRef, type PromptSetup } from '../../src/core/setup.ts';
import { RuntimeClient } from '../../src/runtime/client.ts';
import { InProcessWorker } from '../../src/runtime/in-process.ts';
import { modelFileBytes } from '../../src/store/memory.ts';
import { loadModel } from '../../src/store/runtime.ts';
import {
  loadSideModel,
  sideModelPipeline,
  sideRuntime,
  unloadSideModel,
  useSideModel,
} from '../../src/store/side-model.ts';
import { startStores, type StartedStores } from '../../src/store/start.ts';
import { useWorkspace } from '../../src/store/workspace.ts';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const BERT: ModelRef = { id: 'clozelab-test/bert-tiny', source: 'local', dtype: 'fp32', device: 'auto' };
const ROBERTA: ModelRef = { ...BERT, id: 'clozelab-test/roberta-tiny' };

/** The real in-process worker; it only records that it was terminated. */
class RecordingWorker extends InProcessWorker {
  terminatedHere = false;
  override terminate(): void {
    this.terminatedHere = true;
    super.terminate();
  }
}

/** The workers of each runtime client the stores made, in order: [0] is the setup's model's. */
const clients: RecordingWorker[][] = [];
let stores: StartedStores;
let savedLocalPath: string;

beforeAll(() => {
  savedLocalPath = env.localModelPath;
  env.localModelPath = `${path.join(ROOT, 'public', 'models')}/`;
  stores = startStores({
    storage: null,
    page: null,
    createRuntimeClient: () => {
      const mine: RecordingWorker[] = [];
      clients.push(mine);
      return new RuntimeClient(() => {
        const worker = new RecordingWorker();
        mine.push(worker);
        return worker;
      });
    },
  });
  useWorkspace.getState().replaceSetup({ ...defaultSetup(), model: BERT });
});

afterAll(() => {
  stores.stop();
  env.localModelPath = savedLocalPath;
});

function when(check: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    if (check()) {
      resolve();
      return;
    }
    const stops: (() => void)[] = [];
    const test = () => {
      if (!check()) return;
      for (const stop of stops) stop();
      resolve();
    };
    stops.push(useWorkspace.subscribe(test), useSideModel.subscribe(test));
  });
}
const mainRowsDone = () => {
  const s = useWorkspace.getState();
  return s.rows.length === s.setup.inputs.length && s.rows.every((r) => r !== null) && !s.pending;
};
const sideRowsDone = () => {
  const side = useSideModel.getState();
  const n = useWorkspace.getState().setup.inputs.length;
  return side.status === 'ready' && side.rows.length === n && side.rows.every((r) => r !== null) && !side.pending;
};
const probs = (rows: readonly ({ scores: { probs: number[] } } | null)[]) => rows.map((r) => r!.scores.probs);

describe('a second model side by side', () => {
  let sideProbs: number[][];

  it('loads in its own worker and scores the same inputs with its own tokenization and mask token', async () => {
    await loadModel();
    await when(mainRowsDone);
    await loadSideModel(ROBERTA);
    expect(clients.length).toBe(2);
    expect(sideRuntime()).not.toBeNull();
    const side = useSideModel.getState();
    expect(side).toMatchObject({ status: 'ready', ref: ROBERTA, error: null });
    expect(side.facts?.maskToken).toBe('<mask>');
    expect(useWorkspace.getState().model.facts?.maskToken).toBe('[MASK]');
    // Loaded: it is the setup's second model now (saved and shared with it).
    expect(useWorkspace.getState().setup.compareModel).toEqual(ROBERTA);
    expect(modelFileBytes(side.files)).toBeGreaterThan(0);
    await when(sideRowsDone);
    const s = useWorkspace.getState();
    const sideNow = useSideModel.getState();
    expect(sideNow.rows[0]!.layout.text).toContain('<mask>');
    expect(s.rows[0]!.layout.text).toContain('[MASK]');
    // Each model's own tokenization of the label words: Ġ (a leading space) only on RoBERTa's side.
    const sidePieces = sideNow.bound!.words.map((w) => w.form.pieces.join(' '));
    const mainPieces = s.bound!.words.map((w) => w.form.pieces.join(' '));
    expect(sidePieces.every((p) => p.startsWith('Ġ'))).toBe(true);
    expect(mainPieces.some((p) => p.includes('Ġ'))).toBe(false);
    expect(sideModelPipeline()!.binder).not.toBe(useWorkspace.getState().binder);
    sideProbs = probs(sideNow.rows);
  });

  it('gives the numbers that model gives when it is loaded alone as the setup’s model', async () => {
    const bertProbs = probs(useWorkspace.getState().rows);
    await loadModel(ROBERTA);
    await when(() => mainRowsDone() && useWorkspace.getState().rows[0]!.layout.text.includes('<mask>'));
    expect(probs(useWorkspace.getState().rows)).toEqual(sideProbs);
    await loadModel(BERT);
    await when(() => mainRowsDone() && useWorkspace.getState().rows[0]!.layout.text.includes('[MASK]'));
    expect(probs(useWorkspace.getState().rows)).toEqual(bertProbs);
  });

  it('follows edits live', async () => {
    useWorkspace.getState().setVerbalizerText('positive: good\nnegative: bad');
    await when(
      () =>
        sideRowsDone() && useSideModel.getState().bound?.words.some((w) => w.form.pieces.join('') === 'Ġgood') === true,
    );
    expect(useSideModel.getState().rows[0]!.scores.labels).toEqual(['positive', 'negative']);
  });

  it('a second model that fails to load leaves the first one alone, and the previous second model keeps comparing', async () => {
    const mainWorkers = clients[0]!.length;
    const bogus = { ...ROBERTA, id: 'clozelab-test/not-there' };
    await loadSideModel(bogus);
    const side = useSideModel.getState();
    expect(side).toMatchObject({
      status: 'ready',
      ref: ROBERTA,
      failedSwitch: { ref: bogus, error: { code: 'file-missing' } },
    });
    expect(useWorkspace.getState().setup.compareModel).toEqual(ROBERTA);
    expect(useWorkspace.getState().model).toMatchObject({ status: 'ready', ref: BERT, error: null });
    expect(clients[0]!.length).toBe(mainWorkers);
    // Both still score.
    useWorkspace.getState().setInput(0, 'X', 'A fine film.');
    await when(() => mainRowsDone() && sideRowsDone() && useSideModel.getState().rows[0]!.layout.text.includes('fine'));
    expect(useWorkspace.getState().rows[0]!.layout.text).toContain('fine');
  });

  it('a crash of the second model’s worker stays on its side', async () => {
    const sideWorkers = clients.at(-1)!;
    sideWorkers.at(-1)!.onerror?.({ message: 'It fell over.' });
    expect(useSideModel.getState()).toMatchObject({ status: 'error', error: { code: 'worker-crashed' } });
    expect(useWorkspace.getState().model).toMatchObject({ status: 'ready', ref: BERT });
    // No notice about the setup's model's worker (the storage-less test setup has its own notice).
    expect(useWorkspace.getState().notices.map((n) => n.key)).not.toContain('notice.workerCrashed');
    await loadSideModel(ROBERTA);
    await when(sideRowsDone);
  });

  it('unloading terminates its worker and removes it from the setup; the first model goes on', async () => {
    const sideWorkers = clients.at(-1)!;
    expect(sideWorkers.some((w) => !w.terminatedHere)).toBe(true);
    unloadSideModel();
    expect(sideWorkers.every((w) => w.terminatedHere)).toBe(true);
    expect(clients[0]!.at(-1)!.terminatedHere).toBe(false);
    expect(sideRuntime()).toBeNull();
    expect(sideModelPipeline()).toBeNull();
    expect(useSideModel.getState()).toMatchObject({ status: 'idle', ref: null, rows: [] });
    expect(useWorkspace.getState().setup.compareModel).toBeNull();
    useWorkspace.getState().setInput(0, 'X', 'A dull film.');
    await when(() => mainRowsDone() && useWorkspace.getState().rows[0]!.layout.text.includes('dull'));
    expect(useSideModel.getState().rows).toEqual([]);
  });

  it('a setup that names a second model loads it (a link, a restored workspace) in a new worker', async () => {
    const before = clients.length;
    const setup: PromptSetup = { ...useWorkspace.getState().setup, compareModel: ROBERTA };
    useWorkspace.getState().replaceSetup(setup);
    await when(sideRowsDone);
    expect(clients.length).toBe(before + 1);
    expect(useSideModel.getState().ref).toEqual(ROBERTA);
    // A setup without one ends the comparison (its worker is terminated).
    const workers = clients.at(-1)!;
    useWorkspace.getState().replaceSetup({ ...setup, compareModel: null });
    expect(useSideModel.getState().status).toBe('idle');
    expect(workers.every((w) => w.terminatedHere)).toBe(true);
  });

  it('unloading keeps a grid’s meaning: its "compare" model is named by itself from then on', async () => {
    const base = useWorkspace.getState().setup;
    const setup: PromptSetup = {
      ...base,
      compareModel: ROBERTA,
      grid: {
        templateIds: [base.templates[0]!.id],
        verbalizers: ['main'],
        models: ['setup', 'compare'],
        calibration: [false],
      },
    };
    useWorkspace.getState().replaceSetup(setup);
    await when(() => useSideModel.getState().status === 'ready');
    unloadSideModel();
    const after = useWorkspace.getState().setup;
    expect(after.compareModel).toBeNull();
    expect(after.grid?.models).toEqual(['setup', ROBERTA]);
  });
});
