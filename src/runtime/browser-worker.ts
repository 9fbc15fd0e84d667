// Creates the runtime Web Worker (browser). Pass this to `new RuntimeClient(createRuntimeWorker)`.
// This file only references the worker by URL: it does not load Transformers.js on the main thread.

import type { WorkerLike } from './protocol.ts';
import { watchWorkerLife } from './worker-liveness.ts';

let created = 0;

export function createRuntimeWorker(): WorkerLike {
  // A name per worker, so that its life lock (worker-liveness.ts) is its own.
  const name = `clozelab-runtime-${++created}-${Math.random().toString(36).slice(2, 10)}`;
  const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name });
  // A worker that ends without an error event (terminated from outside) is reported as a crash.
  const watch = watchWorkerLife(name, () => {
    worker.dispatchEvent(new ErrorEvent('error', { message: 'The model worker was terminated.' }));
  });
  const terminate = worker.terminate.bind(worker);
  worker.terminate = () => {
    watch.expectEnd();
    terminate();
  };
  return worker as unknown as WorkerLike;
}
