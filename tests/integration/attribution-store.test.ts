/**
 * The playground's attribution through the stores as the app starts them (model in an in-process
 * worker): it runs on the 'explain' lane, equals the live chart of each occluded input typed in, and
 * is dropped — its requests cancelled — when the input changes while it runs.
 */
import { env } from '@huggingface/transformers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { occlusionSet } from '../../src/core/attribution/occlusion.ts';
import { DEFAULT_SCORING_OPTIONS } from '../../src/core/scoring.ts';
import { defaultSetup, type ModelRef, type PromptSetup } from '../../src/core/setup.ts';
import { RuntimeClient } from '../../src/runtime/client.ts';
import { InProcessWorker } from '../../src/runtime/in-process.ts';
import { useExplain } from '../../src/store/explain.ts';
import { runLiveNow } from '../../src/store/live.ts';
import { loadModel } from '../../src/store/runtime.ts';
import { startStores, type StartedStores } from '../../src/store/start.ts';
import { useWorkspace } from '../../src/store/workspace.ts';
import { MODELS_DIR } from './fixture-models.ts';

const ref: ModelRef = { id: 'clozelab-test/bert-tiny', source: 'local', dtype: 'fp32', device: 'auto' };
const TEXT = 'The plot was dull, but the cast saved it.';
const setup: PromptSetup = {
  ...defaultSetup(),
  model: ref,
  templates: [{ id: 't1', name: 'Overall', text: '[X] Overall, it was a [Z] movie.' }],
  activeTemplateId: 't1',
  verbalizer: {
    labels: [
      { label: 'positive', words: ['great'] },
      { label: 'negative', words: ['bad'] },
    ],
  },
  scoring: { ...DEFAULT_SCORING_OPTIONS, calibrate: true },
  inputs: [{ X: TEXT }],
};

let stores: StartedStores;
let savedLocalPath: string;
const lanes: string[] = [];
const cancels: number[] = [];
let onScore: (() => void) | null = null;

beforeAll(async () => {
  savedLocalPath = env.localModelPath;
  env.localModelPath = `${MODELS_DIR}/`;
  stores = startStores({
    storage: null,
    page: null,
    createRuntimeClient: () =>
      new RuntimeClient(() => {
        const worker = new InProcessWorker();
        const post = worker.postMessage.bind(worker);
        // Which lanes the score requests use (the message as the client sends it).
        worker.postMessage = (message) => {
          if (message.op === 'score') {
            lanes.push(message.lane);
            onScore?.();
          }
          if (message.op === 'cancel') cancels.push(message.targetId);
          post(message);
        };
        return worker;
      }),
  });
  useWorkspace.getState().replaceSetup(setup);
  await loadModel(ref);
  await runLiveNow();
});

afterAll(() => {
  stores.stop();
  env.localModelPath = savedLocalPath;
});

describe('attribution in the stores', () => {
  it("runs on the 'explain' lane and equals the live chart of each occluded input", async () => {
    lanes.length = 0;
    await useExplain.getState().explainRow(0);
    const s = useExplain.getState();
    expect(s.status).toBe('done');
    expect(new Set(lanes)).toEqual(new Set(['explain']));
    const r = s.result!;
    const set = occlusionSet({ X: TEXT }, ['X'], 'remove', '[MASK]');
    expect(r.words.map((w) => w.word.text)).toEqual(set.words.map((w) => w.text));
    const original = useWorkspace.getState().rows[0]!.scores.probs;
    for (const [i, w] of r.words.entries()) {
      useWorkspace.getState().setInput(0, 'X', set.variants[i + 1]!.inputs.X!);
      await runLiveNow();
      const occluded = useWorkspace.getState().rows[0]!.scores.probs;
      w.delta!.forEach((d, l) => expect(Math.abs(d - (original[l]! - occluded[l]!))).toBeLessThan(1e-9));
    }
    // The edits dropped the attribution.
    expect(useExplain.getState().target).toBeNull();
    useWorkspace.getState().setInput(0, 'X', TEXT);
    await runLiveNow();
  });

  it('is dropped when the input changes while it runs', async () => {
    // A text not explained before (the pipeline's cache would answer the one above without the model).
    useWorkspace.getState().setInput(0, 'X', 'Another plot, another cast, and a very long evening.');
    await runLiveNow();
    lanes.length = 0;
    // Once the second request (the words after the first three) is in the worker, the input is edited.
    const second = new Promise<void>((resolve) => {
      onScore = () => {
        if (lanes.filter((l) => l === 'explain').length === 2) resolve();
      };
    });
    const running = useExplain.getState().explainRow(0);
    await second;
    onScore = null;
    const cancelledBefore = cancels.length;
    useWorkspace.getState().setInput(0, 'X', 'Something else entirely.');
    await running;
    // The request in flight was cancelled in the worker.
    expect(cancels.length).toBeGreaterThan(cancelledBefore);
    const s = useExplain.getState();
    expect(s.target).toBeNull();
    expect(s.result).toBeNull();
    expect(s.status).toBe('idle');
  });
});
