// Drives the real live pipeline (src/store/live.ts + runtime.ts + workspace.ts): an edit is applied to
// the zustand store, then the pipeline runs at once (runLiveNow — what Ctrl+Enter does; the 250 ms
// typing debounce is left out on purpose), and the time is taken when the row's chart data
// (RowResult with the current signature) is in the store. Works in the browser page and in Node.
import { defaultSetup, type ModelRef } from '../../src/core/setup.ts';
import { useWorkspace } from '../../src/store/workspace.ts';
import { rowSignature, runLiveNow } from '../../src/store/live.ts';
import { getRuntime, loadModel } from '../../src/store/runtime.ts';
import { BENCH_MODEL_ID, TEMPLATE, VERBALIZER_TEXT, verbalizer } from './shared.ts';

export interface LiveSample {
  kind: 'input' | 'verbalizer';
  ms: number;
  /** Tokens of the prompt the chart shows (for the one-forward-pass reference). */
  tokens: number;
}

export function benchModelRef(dtype: 'q8' | 'fp32', device: 'wasm' | 'auto'): ModelRef {
  return { id: BENCH_MODEL_ID, source: 'local', dtype, device };
}

/** Puts the bench setup into the store and loads the model through the store. Returns ms. */
export async function storeLoad(ref: ModelRef, firstInput: string, verbalizerText = VERBALIZER_TEXT): Promise<number> {
  useWorkspace.getState().replaceSetup({
    ...defaultSetup(),
    name: 'bench',
    model: ref,
    templates: [{ id: 't1', name: 'bench', text: TEMPLATE }],
    activeTemplateId: 't1',
    verbalizer: verbalizer(verbalizerText),
    inputs: [{ X: firstInput }],
  });
  useWorkspace.getState().setVerbalizerText(verbalizerText);
  const t0 = performance.now();
  await loadModel(ref);
  const ms = performance.now() - t0;
  const model = useWorkspace.getState().model;
  if (model.status !== 'ready') throw new Error(`model did not load: ${JSON.stringify(model.error)}`);
  await runLiveNow(); // the first chart (includes the content-free prompts)
  return ms;
}

async function timed(kind: LiveSample['kind'], apply: () => void): Promise<LiveSample> {
  const t0 = performance.now();
  apply();
  await runLiveNow();
  const ms = performance.now() - t0;
  const s = useWorkspace.getState();
  const row = s.rows[0];
  if (row?.signature !== rowSignature(s, 0))
    throw new Error(`live ${kind} edit: the chart data is not current (${JSON.stringify(s.rowErrors[0])})`);
  return { kind, ms, tokens: row.tokens.length };
}

export function inputEdit(text: string): Promise<LiveSample> {
  return timed('input', () => useWorkspace.getState().setInput(0, 'X', text));
}

export function verbalizerEdit(text: string): Promise<LiveSample> {
  return timed('verbalizer', () => useWorkspace.getState().setVerbalizerText(text));
}

export function modelInfo() {
  return useWorkspace.getState().model;
}

export { getRuntime };
