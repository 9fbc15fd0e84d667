// Reference worker of the benchmark page: the raw-ORT ceiling and the naive Transformers.js
// pipeline, configured exactly like the app's runtime worker (src/runtime/worker.ts): the same ORT
// module instance and WASM files, the same thread count, models from /models/.
import { env, pipeline } from '@huggingface/transformers';
import * as ort from 'onnxruntime-web/webgpu';
import ortWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url';
import ortMjsUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.mjs?url';
import { graphBytes, type GraphVariant } from '../graphs.ts';
import {
  ceilingShapes,
  ceilingSingles,
  naiveLoop,
  type FillMask,
  type OrtModule,
  type OrtSession,
} from '../references.ts';
import { BENCH_MODEL_ID } from '../shared.ts';

const scope = self as unknown as {
  crossOriginIsolated?: boolean;
  navigator: { hardwareConcurrency?: number };
  postMessage(m: unknown): void;
  onmessage: ((e: MessageEvent<{ id: number; op: string; args: Record<string, unknown> }>) => void) | null;
};
const wasm = (env.backends.onnx as { wasm?: { wasmPaths?: unknown; numThreads?: number; proxy?: boolean } }).wasm!;
wasm.wasmPaths = { wasm: ortWasmUrl, mjs: ortMjsUrl };
wasm.numThreads = scope.crossOriginIsolated ? Math.max(1, Math.min(scope.navigator.hardwareConcurrency ?? 1, 8)) : 1;
wasm.proxy = false;
env.allowLocalModels = true;
env.allowRemoteModels = false;
env.localModelPath = '/models/';
env.useBrowserCache = true;
env.cacheKey = 'transformers-cache';

const ORT = ort as unknown as OrtModule;
const sessions = new Map<string, OrtSession>();
let fillMask: FillMask | null = null;

function modelUrl(dtype: string, id = BENCH_MODEL_ID): string {
  return `${location.origin}/models/${id}/onnx/model${dtype === 'q8' ? '_quantized' : ''}.onnx`;
}

/** The model file as Transformers.js cached it (Cache API), else from the server. */
async function modelBytes(dtype: string, id?: string): Promise<{ bytes: Uint8Array; fromCache: boolean }> {
  const url = modelUrl(dtype, id);
  const cache = await caches.open('transformers-cache');
  const hit = await cache.match(url);
  const response = hit ?? (await fetch(url));
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return { bytes: new Uint8Array(await response.arrayBuffer()), fromCache: !!hit };
}

const ops: Record<string, (args: Record<string, unknown>) => Promise<unknown>> = {
  async info() {
    return { threads: wasm.numThreads, crossOriginIsolated: scope.crossOriginIsolated };
  },
  /** Bare session creation: read the cached file, create the session (timed separately). */
  async create(args) {
    const dtype = String(args.dtype);
    const variant = String(args.variant) as GraphVariant;
    // Measurements only: the WASM thread count, effective before this worker's first session.
    if (typeof args.threads === 'number' && sessions.size === 0) wasm.numThreads = args.threads;
    const t0 = performance.now();
    // Measurements only: another model served by the bench server.
    const { bytes, fromCache } = await modelBytes(dtype, typeof args.model === 'string' ? args.model : undefined);
    const t1 = performance.now();
    const source = graphBytes(bytes, variant);
    const t2 = performance.now();
    await sessions.get(variant)?.release?.();
    sessions.delete(variant);
    const session = await ORT.InferenceSession.create(source, {
      executionProviders: ['wasm'],
      // Measurements only: ORT's graph optimization level.
      ...(typeof args.level === 'string' ? { graphOptimizationLevel: args.level } : {}),
    });
    const t3 = performance.now();
    sessions.set(variant, session);
    return { readMs: t1 - t0, rewriteMs: t2 - t1, createMs: t3 - t2, totalMs: t3 - t0, fromCache, bytes: bytes.length };
  },
  async release(args) {
    const variant = String(args.variant);
    await sessions.get(variant)?.release?.();
    sessions.delete(variant);
    return true;
  },
  async shapes(args) {
    const session = sessions.get(String(args.variant));
    if (!session) throw new Error(`no ${String(args.variant)} session`);
    return ceilingShapes(ORT, session, args.shapes as [number, number][]);
  },
  async singles(args) {
    const session = sessions.get(String(args.variant));
    if (!session) throw new Error(`no ${String(args.variant)} session`);
    return ceilingSingles(ORT, session, args.lengths as number[]);
  },
  async naiveLoad(args) {
    const t0 = performance.now();
    fillMask = await pipeline('fill-mask', BENCH_MODEL_ID, {
      dtype: args.dtype as 'q8',
      device: 'wasm',
    });
    return { ms: performance.now() - t0 };
  },
  async naive(args) {
    if (!fillMask) throw new Error('naive pipeline not loaded');
    return naiveLoop(fillMask, args.texts as string[], Number(args.topK), args.labelIds as number[][]);
  },
  async naiveDispose() {
    const p = fillMask as unknown as { dispose?: () => Promise<void> } | null;
    fillMask = null;
    await p?.dispose?.();
    return true;
  },
};

scope.onmessage = (event) => {
  const { id, op, args } = event.data;
  const fn = ops[op];
  if (!fn) {
    scope.postMessage({ id, error: `unknown op ${op}` });
    return;
  }
  fn(args ?? {}).then(
    (result) => scope.postMessage({ id, result }),
    (error: unknown) =>
      scope.postMessage({
        id,
        error: error instanceof Error ? `${error.message}\n${error.stack ?? ''}` : String(error),
      }),
  );
};
