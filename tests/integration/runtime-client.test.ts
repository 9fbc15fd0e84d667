/**
 * RuntimeClient's supersede / cancel / restart / crash semantics: over an in-process worker with the
 * real engine on the generated fixtures, and over a fake worker for crashes and the protocol.
 */
import { describe, expect, it, vi } from 'vitest';
import type { RenderedPrompt } from '../../src/core/types.ts';
import { RuntimeClient, type ClientEvent } from '../../src/runtime/client.ts';
import { MaskedLMEngine } from '../../src/runtime/engine.ts';
import { RuntimeError, isCancellation } from '../../src/runtime/errors.ts';
import { InProcessWorker } from '../../src/runtime/in-process.ts';
import type { LoadProgress, WorkerLike, WorkerRequest, WorkerResponse } from '../../src/runtime/protocol.ts';
import {
  BERT_TINY as BERT,
  BROKEN_DIR,
  expectCode,
  local,
  MODELS_DIR,
  ROBERTA_TINY as ROBERTA,
  useModelsDir,
} from './fixture-models.ts';

// ---- client over an in-process worker (real engine) -------------------------------------------

describe('RuntimeClient over the worker handler (in-process, real engine)', () => {
  const prompts = (n: number, tag = ''): RenderedPrompt[] =>
    Array.from({ length: n }, (_, i) => ({
      parts: [
        { kind: 'input', slot: 'x', text: `review ${tag} ${i}: the movie was good.` },
        { kind: 'template', text: ' it was' },
        { kind: 'mask', count: 1 },
        { kind: 'template', text: '.' },
      ],
    }));

  it('load → tokenizeWords → score, with progress; errors arrive typed', async () => {
    useModelsDir(MODELS_DIR);
    let created = 0;
    const client = new RuntimeClient(() => {
      created++;
      return new InProcessWorker();
    });
    expect(client.started).toBe(false);
    const progress: LoadProgress[] = [];
    client.onProgress((p) => progress.push(p));
    const t0 = performance.now();
    const { info, facts } = await client.load(local(BERT), { dtype: 'fp32' });
    const loadMs = performance.now() - t0;
    expect(created).toBe(1);
    expect(info.device).toBe('cpu');
    expect(facts.tokenizerKind).toBe('wordpiece');
    expect(progress.some((p) => p.file === 'onnx/model.onnx' && p.status === 'done')).toBe(true);
    expect(progress.at(-1)?.status).toBe('ready');
    // After the download, the phases in order: the session is built, the first run warms up, ready.
    const phases = progress.filter((p) => p.file === '').map((p) => p.status);
    expect(phases).toEqual(['preparing', 'warmup', 'ready']);
    const modelDone = progress.findIndex((p) => p.file === 'onnx/model.onnx' && p.status === 'done');
    expect(progress.findIndex((p) => p.status === 'preparing')).toBe(modelDone + 1);

    const words = await client.tokenizeWords(['great', 'terrible', '好']);
    expect(words.map((w) => w.hasUnknown)).toEqual([false, false, true]);
    const ids = words.slice(0, 2).map((w) => w.ids[0]!);
    const t1 = performance.now();
    const scores = await client.score(prompts(16), ids, { topK: 5, lane: 'preview' });
    const scoreMs = performance.now() - t1;
    expect(scores).toHaveLength(16);
    expect(scores[0]!.masks[0]!.probs).toHaveLength(2);
    console.info(
      `[runtime] client (in-process) load ${loadMs.toFixed(1)} ms; score 16 prompts ${scoreMs.toFixed(1)} ms`,
    );

    // Typed error over the boundary.
    useModelsDir(BROKEN_DIR);
    const err = await expectCode(client.load(local('missing-onnx')), 'file-missing');
    expect(err).toBeInstanceOf(RuntimeError);
    await expectCode(client.score(prompts(1), ids, { topK: 1 }), 'not-loaded');
    useModelsDir(MODELS_DIR);
    client.dispose();
  });

  it('a newer score in the same lane supersedes the older one; its remaining batches are skipped', async () => {
    useModelsDir(MODELS_DIR);
    const workerSide: string[] = [];
    const client = new RuntimeClient(
      () =>
        new InProcessWorker({
          loadEngine: async (source, options) => {
            const engine = await MaskedLMEngine.load(source, options);
            const original = engine.scoreDetailed.bind(engine);
            engine.scoreDetailed = async (...args) => {
              if (args[0].length === 200) workerSide.push('started:old');
              try {
                const r = await original(...args);
                workerSide.push(`ok:${r.stats.batches}`);
                return r;
              } catch (error) {
                workerSide.push((error as RuntimeError).code);
                throw error;
              }
            };
            return engine;
          },
        }),
    );
    await client.load(local(BERT));
    const older = client.score(prompts(200, 'old'), [5], { topK: 1, lane: 'typing', batchSize: 1 });
    const other = client.score(prompts(2, 'other'), [5], { topK: 1, lane: 'eval' });
    // The old request is running in the worker before the newer one arrives (a state, not a clock).
    await vi.waitFor(() => expect(workerSide).toContain('started:old'), { timeout: 30_000, interval: 2 });
    const newer = client.score(prompts(3, 'new'), [5], { topK: 1, lane: 'typing' });
    const e = await expectCode(older, 'superseded');
    expect(isCancellation(e)).toBe(true);
    expect(await newer).toHaveLength(3);
    expect(await other).toHaveLength(2); // other lanes are untouched
    // the worker stopped the old request too
    await vi.waitFor(() => expect(workerSide).toContain('superseded'), { timeout: 30_000, interval: 5 });
    expect(workerSide.filter((s) => s.startsWith('ok'))).toHaveLength(2);
    client.dispose();
  });

  it('cancel(requestId) and AbortSignal reject with cancelled', async () => {
    useModelsDir(MODELS_DIR);
    const client = new RuntimeClient(() => new InProcessWorker());
    await client.load(local(BERT));
    const p = client.score(prompts(40), [5], { topK: 1, batchSize: 1, lane: 'a' });
    expect(client.cancel(p.requestId)).toBe(true);
    await expectCode(p, 'cancelled');
    expect(client.cancel(p.requestId)).toBe(false);

    const ctrl = new AbortController();
    const q = client.score(prompts(40), [5], { topK: 1, batchSize: 1, lane: 'b', signal: ctrl.signal });
    ctrl.abort();
    await expectCode(q, 'cancelled');
    // The worker keeps serving.
    expect(await client.score(prompts(2), [5], { topK: 1, lane: 'a' })).toHaveLength(2);
    client.dispose();
  });

  it('keepPrevious: the loaded model answers while another loads; after that load fails, a new worker holds it again', async () => {
    useModelsDir(MODELS_DIR);
    const workers: InProcessWorker[] = [];
    const client = new RuntimeClient(() => {
      const w = new InProcessWorker();
      workers.push(w);
      return w;
    });
    await client.load(local(BERT));
    const [bertWord] = await client.tokenizeWords(['great']);
    // Asked while RoBERTa loads, both answer with BERT (its [MASK] and WordPiece): it is still in place.
    const loading = client.load(local(ROBERTA), { keepPrevious: true });
    const during = client.score(prompts(2), [bertWord!.ids[0]!], { topK: 1, lane: 'live' });
    const words = client.tokenizeWords([' great']);
    await expect(during).resolves.toHaveLength(2);
    expect((await words)[0]!.pieces[0]).not.toMatch(/^Ġ/);
    const { facts } = await loading;
    expect(facts.maskToken).toBe('<mask>');
    expect((await client.tokenizeWords([' great']))[0]!.pieces[0]).toMatch(/^Ġ/);

    // A failing keepPrevious load: the worker is replaced, and the new one is given RoBERTa again.
    await expectCode(client.load(local('clozelab-test/not-there'), { keepPrevious: true }), 'file-missing');
    expect(workers).toHaveLength(2);
    expect((await client.tokenizeWords([' great']))[0]!.pieces[0]).toMatch(/^Ġ/);
    expect(await client.score(prompts(2), [5], { topK: 1 })).toHaveLength(2);

    // Without keepPrevious a failed load leaves nothing loaded (the caller decides what to load).
    await expectCode(client.load(local('clozelab-test/not-there')), 'file-missing');
    await expectCode(client.score(prompts(1), [5], { topK: 1 }), 'not-loaded');
    client.dispose();
  });

  it('restart() rejects pending work with worker-restarted and creates a fresh worker', async () => {
    useModelsDir(MODELS_DIR);
    const workers: InProcessWorker[] = [];
    const client = new RuntimeClient(() => {
      const w = new InProcessWorker();
      workers.push(w);
      return w;
    });
    const events: ClientEvent['type'][] = [];
    client.onEvent((e) => events.push(e.type));
    await client.load(local(BERT));
    const pending = client.score(prompts(40), [5], { topK: 1, batchSize: 1 });
    const loading = client.load(local(ROBERTA));
    client.restart();
    await expectCode(pending, 'worker-restarted');
    await expectCode(loading, 'worker-restarted');
    expect(events).toContain('restarted');
    expect(client.pendingCount).toBe(0);
    expect(workers).toHaveLength(1);
    // A fresh worker has no model: the caller reloads.
    await expectCode(client.score(prompts(1), [5], { topK: 1 }), 'not-loaded');
    expect(workers).toHaveLength(2);
    await client.load(local(ROBERTA));
    expect(await client.score(prompts(2), [5], { topK: 1 })).toHaveLength(2);
    client.dispose();
  });
});

// ---- client with a fake worker (crash, protocol) ---------------------------------------------

class FakeWorker implements WorkerLike {
  onmessage: ((event: { data: WorkerResponse }) => void) | null = null;
  onerror: ((event: { message?: string; error?: unknown }) => void) | null = null;
  readonly sent: WorkerRequest[] = [];
  terminated = false;
  postMessage(message: WorkerRequest): void {
    this.sent.push(message);
  }
  terminate(): void {
    this.terminated = true;
  }
  reply(message: WorkerResponse): void {
    this.onmessage?.({ data: message });
  }
  crash(message: string): void {
    this.onerror?.({ message });
  }
}

describe('RuntimeClient with a fake worker', () => {
  it('is lazy, and a crash rejects pending work with worker-crashed and emits crashed', async () => {
    const workers: FakeWorker[] = [];
    const client = new RuntimeClient(() => {
      const w = new FakeWorker();
      workers.push(w);
      return w;
    });
    expect(workers).toHaveLength(0);
    const events: ClientEvent[] = [];
    client.onEvent((e) => events.push(e));
    const a = client.load(local(BERT));
    const b = client.tokenizeWords(['x']);
    expect(workers).toHaveLength(1);
    expect(workers[0]!.sent.map((m) => m.op)).toEqual(['load', 'tokenizeWords']);
    workers[0]!.reply({
      type: 'progress',
      requestId: a.requestId,
      progress: { file: 'config.json', loaded: 1, total: 2, status: 'progress' },
    });
    workers[0]!.crash('RuntimeError: unreachable executed');
    await expectCode(a, 'worker-crashed');
    await expectCode(b, 'worker-crashed');
    expect(workers[0]!.terminated).toBe(true);
    expect(events.map((e) => e.type)).toEqual(['progress', 'crashed']);
    // Next request starts a new worker.
    void client.cacheStatus('x').catch(() => undefined);
    expect(workers).toHaveLength(2);
    client.dispose();
  });

  it('an out-of-memory crash is reported as out-of-memory', async () => {
    const w = new FakeWorker();
    const client = new RuntimeClient(() => w);
    const p = client.score([], [], { topK: 0 });
    w.crash('RangeError: WebAssembly.Memory.grow(): Maximum memory size exceeded');
    await expectCode(p, 'out-of-memory');
    client.dispose();
  });

  it('routes results and typed errors by requestId; late answers for settled requests are ignored', async () => {
    const w = new FakeWorker();
    const client = new RuntimeClient(() => w);
    const first = client.score([], [], { topK: 0, lane: 'l' });
    const second = client.score([], [], { topK: 0, lane: 'l' });
    await expectCode(first, 'superseded');
    w.reply({
      type: 'error',
      requestId: first.requestId,
      op: 'score',
      error: { code: 'superseded', message: 'A newer request replaced this one.' },
    });
    w.reply({
      type: 'result',
      requestId: second.requestId,
      op: 'score',
      result: { scores: [], stats: { prompts: 0, batches: 0, tokensRun: 0, paddedTokens: 0, modelMs: 0, totalMs: 0 } },
    });
    expect(await second).toEqual([]);
    const third = client.load(local('x'));
    w.reply({
      type: 'error',
      requestId: third.requestId,
      op: 'load',
      error: { code: 'corrupt-model', message: 'The model file is damaged.', detail: 'protobuf' },
    });
    const e = await expectCode(third, 'corrupt-model');
    expect(e.detail).toBe('protobuf');
    client.dispose();
    await expectCode(client.tokenizeWords([]), 'worker-restarted');
  });
});
