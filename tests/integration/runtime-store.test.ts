/**
 * The store's model runtime (src/store/runtime.ts) with the real runtime in-process on the
 * generated test models, started as the app starts it: loading with progress, live scoring that
 * follows the model, a newer load winning, a load that fails, and a worker that crashes or is
 * restarted coming back with the model. Also opening a model folder that lacks files.
 */
import * as path from 'node:path';
import { env } from '@huggingface/transformers';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { defaultSetup, type ModelRef } from '../../src/core/setup.ts';
import { RuntimeClient } from '../../src/runtime/client.ts';
import { InProcessWorker } from '../../src/runtime/in-process.ts';
import { modelFolderFiles, openLocalFolder } from '../../src/store/local-folder.ts';
import { keepCurrentModel, loadModel, modelPipeline, requestModel, restartRuntime } from '../../src/store/runtime.ts';
import { startStores, type StartedStores } from '../../src/store/start.ts';
import { useWorkspace } from '../../src/store/workspace.ts';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const BERT: ModelRef = { id: 'clozelab-test/bert-tiny', source: 'local', dtype: 'fp32', device: 'auto' };
const ROBERTA: ModelRef = { ...BERT, id: 'clozelab-test/roberta-tiny' };

const workers: InProcessWorker[] = [];
let stores: StartedStores;
let savedLocalPath: string;

beforeAll(() => {
  savedLocalPath = env.localModelPath;
  env.localModelPath = `${path.join(ROOT, 'public', 'models')}/`;
  stores = startStores({
    storage: null,
    page: null,
    createRuntimeClient: () =>
      new RuntimeClient(() => {
        const worker = new InProcessWorker();
        workers.push(worker);
        return worker;
      }),
  });
  useWorkspace.getState().replaceSetup({ ...defaultSetup(), model: BERT });
});

afterAll(() => {
  stores.stop();
  env.localModelPath = savedLocalPath;
});

afterEach(() => useWorkspace.setState({ notices: [] }));

const model = () => useWorkspace.getState().model;

/** Resolves once `check` holds for the workspace (checked on every change; the test's timeout bounds it). */
function when(check: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    if (check()) {
      resolve();
      return;
    }
    const stop = useWorkspace.subscribe(() => {
      if (!check()) return;
      stop();
      resolve();
    });
  });
}
const liveRowsDone = () => {
  const s = useWorkspace.getState();
  return s.rows.length === s.setup.inputs.length && s.rows.every((r) => r !== null) && !s.pending;
};

describe('the model in the store', () => {
  it('loads with progress per file; the live view scores as soon as the model is ready', async () => {
    await loadModel();
    expect(model()).toMatchObject({ status: 'ready', ref: BERT, error: null });
    expect(model().info?.id).toBe(BERT.id);
    expect(Object.keys(model().files).length).toBeGreaterThan(0);
    expect(Object.values(model().files).every((f) => f.done)).toBe(true);
    expect(modelPipeline()).not.toBeNull();
    expect(useWorkspace.getState().binder).toBe(modelPipeline()!.binder);
    await when(liveRowsDone);
    expect(useWorkspace.getState().rows[0]!.layout.text).toContain('[MASK]');
  });

  it('a newer load wins over one still running', async () => {
    const older = loadModel(ROBERTA);
    const newer = loadModel(BERT);
    await Promise.allSettled([older, newer]);
    expect(model()).toMatchObject({ status: 'ready', ref: BERT });
    expect(model().info?.id).toBe(BERT.id);
  });

  it('a model that is not there fails with the runtime’s reason, and the working model stays in use', async () => {
    await when(liveRowsDone);
    const before = workers.length;
    const bogus = { ...BERT, id: 'clozelab-test/not-there' };
    const loading = loadModel(bogus);
    // While it loads, the setup's model is still the working one, ready and scoring.
    expect(useWorkspace.getState().request).toMatchObject({ ref: bogus, status: 'loading' });
    expect(model()).toMatchObject({ status: 'ready', ref: BERT });
    await loading;
    const s = useWorkspace.getState();
    expect(s.request).toMatchObject({ ref: bogus, status: 'failed', error: { code: 'file-missing' } });
    expect(s.setup.model).toEqual(BERT); // never persisted or shared
    expect(model()).toMatchObject({ status: 'ready', ref: BERT, error: null });
    // The failed load replaced the worker; the new one was given the working model again, so live
    // scoring goes on without a reload in the store.
    expect(workers.length).toBe(before + 1);
    useWorkspace.setState({ rows: s.rows.map(() => null) });
    useWorkspace.getState().setVerbalizerText('positive: great\nnegative: bad');
    await when(liveRowsDone);
    expect(useWorkspace.getState().rowErrors.every((e) => e === null)).toBe(true);
    expect(useWorkspace.getState().rows[0]!.layout.text).toContain('[MASK]');
    keepCurrentModel();
    expect(useWorkspace.getState().request).toBeNull();
  });

  it('another model becomes the setup’s model only once it has loaded; the old one scores meanwhile', async () => {
    const loading = loadModel(ROBERTA);
    expect(useWorkspace.getState().setup.model).toEqual(BERT);
    expect(model()).toMatchObject({ status: 'ready', ref: BERT });
    await loading;
    expect(useWorkspace.getState().setup.model).toEqual(ROBERTA);
    expect(model()).toMatchObject({ status: 'ready', ref: ROBERTA });
    expect(useWorkspace.getState().request).toBeNull();
    await when(() => liveRowsDone() && useWorkspace.getState().rows[0]!.layout.text.includes('<mask>'));
    await loadModel(BERT);
    await when(() => liveRowsDone() && useWorkspace.getState().rows[0]!.layout.text.includes('[MASK]'));
  });

  it('a model asked for that needs a click waits; keeping the current model forgets it', () => {
    requestModel({ ...BERT, id: 'Xenova/roberta-base', source: 'hub' });
    expect(useWorkspace.getState().request).toMatchObject({ status: 'waiting', ref: { id: 'Xenova/roberta-base' } });
    expect(useWorkspace.getState().setup.model).toEqual(BERT);
    keepCurrentModel();
    expect(useWorkspace.getState().request).toBeNull();
  });

  it('a crashed worker is reported, and a new one loads the model again', async () => {
    const before = workers.length;
    workers.at(-1)!.onerror?.({ message: 'It fell over.' });
    expect(useWorkspace.getState().notices).toMatchObject([
      { kind: 'error', key: 'notice.workerCrashed', params: { message: 'It fell over.' } },
    ]);
    expect(model().status).toBe('loading');
    await when(() => model().status === 'ready');
    expect(workers.length).toBe(before + 1);
  });

  it('restarting the runtime says so and brings the model back', async () => {
    restartRuntime();
    expect(useWorkspace.getState().notices).toMatchObject([{ kind: 'error', key: 'notice.workerRestarted' }]);
    await when(() => model().status === 'ready');
    expect(model().ref).toEqual(BERT);
  });
});

describe('model folders from the computer', () => {
  const file = (p: string) => ({ path: p, file: new Blob(['{}']) });

  it('paths lose the folder’s own name, and ONNX files beside config.json go to onnx/', () => {
    expect(modelFolderFiles([file('bert/config.json'), file('bert/onnx/model.onnx')])).toMatchObject({
      name: 'bert',
      files: [{ path: 'config.json' }, { path: 'onnx/model.onnx' }],
    });
    expect(modelFolderFiles([file('config.json'), file('model_quantized.onnx')])).toMatchObject({
      name: 'model',
      files: [{ path: 'config.json' }, { path: 'onnx/model_quantized.onnx' }],
    });
  });

  it('a folder without the files a model needs is named, not loaded', async () => {
    const result = await openLocalFolder([file('bert/config.json')]);
    expect(result).toEqual({
      ok: false,
      missing: ['tokenizer.json', 'tokenizer_config.json', 'onnx/model.onnx or onnx/model_quantized.onnx'],
    });
    expect(model().ref).toEqual(BERT);
  });
});
