// A runtime worker for the WebGPU smoke test (tests/e2e/perf-webgpu.e2e.ts): the app's handler and
// engine, configured like src/runtime/worker.ts, except that the WebGPU parity tolerance can be
// forced through the worker's name ("tolerance=<number>") to exercise the fall-back path.
import { env } from '@huggingface/transformers';
import * as ortWeb from 'onnxruntime-web/webgpu';
import ortWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url';
import ortMjsUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.mjs?url';
import { MaskedLMEngine } from '../../../src/runtime/engine.ts';
import { createRuntimeHandler } from '../../../src/runtime/handler.ts';
import { provideOrt } from '../../../src/runtime/ort-backend.ts';
import type { WorkerRequest, WorkerResponse } from '../../../src/runtime/protocol.ts';

const scope = self as unknown as {
  name: string;
  crossOriginIsolated?: boolean;
  navigator: { hardwareConcurrency?: number };
  postMessage(m: WorkerResponse): void;
  onmessage: ((e: MessageEvent<WorkerRequest>) => void) | null;
};
const wasm = (env.backends.onnx as { wasm?: { wasmPaths?: unknown; numThreads?: number; proxy?: boolean } }).wasm!;
wasm.wasmPaths = { wasm: ortWasmUrl, mjs: ortMjsUrl };
wasm.numThreads = scope.crossOriginIsolated ? Math.max(1, Math.min(scope.navigator.hardwareConcurrency ?? 1, 8)) : 1;
wasm.proxy = false;
env.allowLocalModels = true;
env.localModelPath = '/models/';
env.useBrowserCache = true;
env.cacheKey = 'transformers-cache';
provideOrt(ortWeb);

const forced = /tolerance=([-\d.e]+)/.exec(scope.name)?.[1];
const handler = createRuntimeHandler({
  post: (m) => scope.postMessage(m),
  loadEngine: (source, options) =>
    MaskedLMEngine.load(
      source,
      forced === undefined ? options : { ...options, webgpuParityCheck: { tolerance: Number(forced) } },
    ),
});
scope.onmessage = (e) => void handler.handle(e.data);
