// Creates the runtime Web Worker (browser). Pass this to `new RuntimeClient(createRuntimeWorker)`.
// This file only references the worker by URL: it does not load Transformers.js on the main thread.

import type { WorkerLike } from './protocol.ts';

export function createRuntimeWorker(): WorkerLike {
  return new Worker(new URL('./worker.ts', import.meta.url), {
    type: 'module',
    name: 'clozelab-runtime',
  }) as unknown as WorkerLike;
}
