// Module Web Worker owning one MaskedLMEngine. Create it with createRuntimeWorker()
// (src/runtime/browser-worker.ts) or:
//   new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' })
// Browser/Vite only: the message handler itself lives in handler.ts (importable in Node).

import { env } from '@huggingface/transformers';
// ONNX Runtime's WASM files are served by the app itself (never a CDN). These specifiers are
// listed in onnxruntime-web's package "exports", so Vite resolves them; `?url` emits them as assets.
import ortWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url';
import ortMjsUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.mjs?url';
// The same ORT module instance Transformers.js imports: the engine runs its mask-rows session on it.
import * as ortWeb from 'onnxruntime-web/webgpu';
import { appModelsPath } from './app-base.ts';
import { installDownloadGuard, verifiedCache } from './download-guard.ts';
import { createRuntimeHandler } from './handler.ts';
import { isOpenedFile } from './local-files.ts';
import { provideOrt } from './ort-backend.ts';
import type { WorkerRequest, WorkerResponse } from './protocol.ts';
import { holdLifeLock } from './worker-liveness.ts';

/** Most WASM threads we ask for (ORT's own default is min(4, cores / 2)). */
const MAX_THREADS = 8;

const scope = self as unknown as {
  name?: string;
  crossOriginIsolated?: boolean;
  navigator: { hardwareConcurrency?: number };
  postMessage(message: WorkerResponse, transfer?: ArrayBuffer[]): void;
  onmessage: ((event: MessageEvent<WorkerRequest>) => void) | null;
};

const onnx = env.backends.onnx as {
  wasm?: { wasmPaths?: unknown; numThreads?: number; proxy?: boolean };
};
if (onnx.wasm) {
  onnx.wasm.wasmPaths = { wasm: ortWasmUrl, mjs: ortMjsUrl };
  const cores = scope.navigator.hardwareConcurrency ?? 1;
  onnx.wasm.numThreads = scope.crossOriginIsolated ? Math.max(1, Math.min(cores, MAX_THREADS)) : 1;
  onnx.wasm.proxy = false; // we already are in a worker
}
env.allowLocalModels = true;
// A path, not an absolute URL (Transformers.js 4.3 treats URLs differently); follows where the app is served.
env.localModelPath = appModelsPath();
// Downloaded model files are kept in the Cache API 'transformers-cache', but only files that arrived
// whole (download-guard.ts), and never the files of a folder the user opened (local-files.ts).
env.cacheKey = 'transformers-cache';
env.useBrowserCache = false;
env.useCustomCache = true;
env.customCache = verifiedCache(env.cacheKey, (url) => !isOpenedFile(url));
installDownloadGuard();

provideOrt(ortWeb);

// Held until this worker ends, so that the page notices an end without an error event.
holdLifeLock(scope.name ?? '');

const handler = createRuntimeHandler({
  post: (message, transfer) => (transfer ? scope.postMessage(message, transfer) : scope.postMessage(message)),
});
scope.onmessage = (event) => {
  void handler.handle(event.data);
};
