// The benchmark page: drives ClozeLab's real store + runtime worker (src/store/live.ts,
// src/runtime/client.ts + worker.ts) and a reference worker (ref-worker.ts), and exposes
// window.bench for scripts/bench/browser-suite.ts (playwright-core).
import {
  chooseLabelWords,
  evalSummary,
  evaluateWithClozeLab,
  labelRanks,
  labelTokenIds,
  makeExamples,
  renderText,
} from '../shared.ts';
import { RuntimeClient } from '../../../src/runtime/client.ts';
import { createRuntimeWorker } from '../../../src/runtime/browser-worker.ts';
import type { PromptScores, RenderedPrompt } from '../../../src/core/types.ts';
import {
  benchModelRef,
  getRuntime,
  inputEdit,
  modelInfo,
  storeLoad,
  verbalizerEdit,
  type LiveSample,
} from '../live-driver.ts';
import { explainSamples } from '../explain-driver.ts';

interface LongTask {
  start: number;
  duration: number;
}
const longTasks: LongTask[] = [];
try {
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) longTasks.push({ start: e.startTime, duration: e.duration });
  }).observe({ type: 'longtask', buffered: true });
} catch {
  // no longtask support: reported as null
}
const longTaskSupported = PerformanceObserver.supportedEntryTypes?.includes('longtask') ?? false;

class RefWorker {
  private worker: Worker | null = null;
  private next = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private ensure(): Worker {
    if (this.worker) return this.worker;
    const w = new Worker(new URL('./ref-worker.ts', import.meta.url), { type: 'module', name: 'bench-reference' });
    w.onmessage = (e: MessageEvent<{ id: number; result?: unknown; error?: string }>) => {
      const p = this.pending.get(e.data.id);
      if (!p) return;
      this.pending.delete(e.data.id);
      if (e.data.error !== undefined) p.reject(new Error(e.data.error));
      else p.resolve(e.data.result);
    };
    w.onerror = (e) => {
      for (const p of this.pending.values()) p.reject(new Error(`reference worker crashed: ${e.message}`));
      this.pending.clear();
    };
    this.worker = w;
    return w;
  }
  call<T>(op: string, args: Record<string, unknown> = {}): Promise<T> {
    const id = this.next++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.ensure().postMessage({ id, op, args });
    });
  }
  terminate(): void {
    this.worker?.terminate();
    this.worker = null;
    for (const p of this.pending.values()) p.reject(new Error('terminated'));
    this.pending.clear();
  }
}

const ref = new RefWorker();
let beforeClient: RuntimeClient | null = null;

const bench = {
  env() {
    return {
      crossOriginIsolated: globalThis.crossOriginIsolated,
      cores: navigator.hardwareConcurrency,
      userAgent: navigator.userAgent,
      longTaskSupported,
    };
  },
  async clearModelCache() {
    return caches.delete('transformers-cache');
  },
  /** Loads the model through the store; `fresh` starts a new runtime worker first (a page reload). */
  async storeLoad(dtype: 'q8' | 'fp32', fresh: boolean, firstInput: string, verbalizerText?: string) {
    if (fresh) getRuntime().restart();
    const ms = await storeLoad(benchModelRef(dtype, 'wasm'), firstInput, verbalizerText);
    const m = modelInfo();
    return { ms, info: m.info, facts: m.facts };
  },
  /** Word attribution vs the same prompts as one plain batch (npm run bench:explain). */
  explain(text: string, rounds: number, warmup: number) {
    return explainSamples(text, rounds, warmup);
  },
  async live(kind: 'input' | 'verbalizer', texts: string[]): Promise<LiveSample[]> {
    const out: LiveSample[] = [];
    for (const t of texts) out.push(kind === 'input' ? await inputEdit(t) : await verbalizerEdit(t));
    return out;
  },
  /** Batch evaluation of the first n bench examples through the evaluation path; long tasks observed. */
  async chooseWords(inputs: string[], edits: number) {
    return chooseLabelWords(getRuntime(), inputs, edits);
  },
  async evaluate(
    from: number,
    to: number,
    options: { verbalizerText: string; batchSize?: number; promptsPerRequest?: number },
  ) {
    const facts = modelInfo().facts;
    if (!facts) throw new Error('no model');
    const examples = makeExamples(1000).slice(from, to);
    const before = longTasks.length;
    const t0 = performance.now();
    const r = await evaluateWithClozeLab(getRuntime(), facts, examples, options);
    const t1 = performance.now();
    // let queued long-task entries arrive
    await new Promise((resolve) => setTimeout(resolve, 100));
    const during = longTasks.slice(before).filter((t) => t.start >= t0 - 1 && t.start <= t1);
    return evalSummary(r, longTaskSupported ? during : null, { sampled: true });
  },
  /** ClozeLab before per-row quantization: a second runtime worker with rowQuant: false (q8). */
  async beforeLoad(dtype: 'q8' | 'fp32') {
    beforeClient?.dispose();
    beforeClient = new RuntimeClient(createRuntimeWorker);
    const { info } = await beforeClient.load(
      { kind: 'local', id: benchModelRef(dtype, 'wasm').id },
      { dtype, device: 'wasm', rowQuant: false },
    );
    return info;
  },
  async beforeEvaluate(
    from: number,
    to: number,
    options: { verbalizerText: string; batchSize?: number; promptsPerRequest?: number },
  ) {
    const facts = modelInfo().facts;
    if (!facts || !beforeClient) throw new Error('no model');
    const r = await evaluateWithClozeLab(beforeClient, facts, makeExamples(1000).slice(from, to), options);
    return evalSummary(r, null, { sampled: false });
  },
  beforeClose() {
    beforeClient?.dispose();
    beforeClient = null;
    return true;
  },
  async labelIds(verbalizerText: string) {
    return labelTokenIds(getRuntime(), modelInfo().facts!, verbalizerText);
  },
  async labelRanks(inputs: string[], labelIds: number[], probeK: number) {
    return labelRanks(getRuntime(), inputs, labelIds, probeK);
  },
  renderTexts(inputs: string[], maskToken: string) {
    return inputs.map((x) => renderText(x, maskToken));
  },
  /** WebGPU smoke test: loads a model on 'webgpu' in a fresh runtime worker (see parity-worker.ts). */
  async webgpuSmoke(id: string, dtype: 'q8' | 'fp32', tolerance?: number) {
    const adapter = await (
      navigator as unknown as { gpu?: { requestAdapter(): Promise<{ info?: { isFallbackAdapter?: boolean } } | null> } }
    ).gpu
      ?.requestAdapter()
      .catch(() => null);
    const client = new RuntimeClient(
      () =>
        new Worker(new URL('./parity-worker.ts', import.meta.url), {
          type: 'module',
          name: tolerance === undefined ? 'parity' : `tolerance=${tolerance}`,
        }) as never,
    );
    try {
      const { info } = await client.load({ kind: 'local', id }, { dtype, device: 'webgpu' });
      const [s] = await client.score(
        [
          {
            parts: [
              { kind: 'template', text: 'the movie was ' },
              { kind: 'mask', count: 1 },
              { kind: 'template', text: '.' },
            ],
          },
        ],
        [5, 6, 7],
        { topK: 3 },
      );
      return {
        adapter: adapter ? { fallback: adapter.info?.isFallbackAdapter ?? null } : null,
        info,
        probs: s?.masks[0]?.probs ?? [],
      };
    } catch (error) {
      return {
        adapter: adapter ? { fallback: adapter.info?.isFallbackAdapter ?? null } : null,
        error: error instanceof Error ? error.message : String(error),
      };
    } finally {
      client.dispose();
    }
  },
  /**
   * Batch-invariance check (tests/e2e/batch-invariance.e2e.ts): loads a model in a fresh runtime
   * worker of the app (src/runtime/worker.ts, WASM) and scores each request — one request is one
   * batch composition — returning the scores as they reach the main thread.
   */
  async scoreRequests(
    id: string,
    dtype: 'q8' | 'fp32',
    requests: RenderedPrompt[][],
    tokenIds: number[],
    options: { topK: number; batchSize?: number },
  ) {
    const client = new RuntimeClient(createRuntimeWorker);
    try {
      const { info } = await client.load({ kind: 'local', id }, { dtype, device: 'wasm' });
      const results: PromptScores[][] = [];
      for (const prompts of requests)
        results.push(await client.score(prompts, tokenIds, { topK: options.topK, batchSize: options.batchSize }));
      return { info, results };
    } finally {
      client.dispose();
    }
  },
  /**
   * The hidden vector at [Z] through the app's worker (tests/e2e/fewshot-hidden.e2e.ts): each
   * request scored with `hidden: true`; per request and prompt, the first mask's vector as a plain
   * array, and whether every one reached the main thread as its own Float32Array (transferred).
   */
  async hiddenRequests(id: string, dtype: 'q8' | 'fp32', requests: RenderedPrompt[][], tokenIds: number[]) {
    const client = new RuntimeClient(createRuntimeWorker);
    try {
      const { info } = await client.load({ kind: 'local', id }, { dtype, device: 'wasm' });
      const hidden: number[][][] = [];
      let typed = true;
      for (const prompts of requests) {
        const scores = await client.score(prompts, tokenIds, { topK: 0, hidden: true, lane: 'fewshot' });
        const vectors = scores.map((s) => s.masks[0]?.hidden);
        typed &&= vectors.every((v) => v instanceof Float32Array && v.byteLength === v.buffer.byteLength);
        hidden.push(vectors.map((v) => (v ? Array.from(v) : [])));
      }
      return { info, hidden, typed };
    } finally {
      client.dispose();
    }
  },
  ref: {
    info: () => ref.call('info'),
    create: (dtype: string, variant: string, threads?: number, model?: string, level?: string) =>
      ref.call('create', { dtype, variant, threads, model, level }),
    release: (variant: string) => ref.call('release', { variant }),
    shapes: (variant: string, shapes: [number, number][]) => ref.call<number[]>('shapes', { variant, shapes }),
    singles: (variant: string, lengths: number[]) => ref.call<number[]>('singles', { variant, lengths }),
    naiveLoad: (dtype: string) => ref.call('naiveLoad', { dtype }),
    naive: (texts: string[], topK: number, labelIds: number[][]) => ref.call('naive', { texts, topK, labelIds }),
    naiveDispose: () => ref.call('naiveDispose'),
    terminate: () => ref.terminate(),
  },
};

(globalThis as unknown as { bench: typeof bench }).bench = bench;
document.title = 'bench ready';
