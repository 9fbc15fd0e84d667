// A WorkerLike that runs the runtime handler in the same thread (Node tests, a CLI). Messages are
// structured-cloned and delivered on a later macrotask, like a real Worker. Not for the browser UI
// thread: it loads Transformers.js where it is imported.

import { createRuntimeHandler, type RuntimeHandler, type RuntimeHandlerOptions } from './handler.ts';
import type { WorkerLike, WorkerRequest, WorkerResponse } from './protocol.ts';

export class InProcessWorker implements WorkerLike {
  onmessage: ((event: { data: WorkerResponse }) => void) | null = null;
  onerror: ((event: { message?: string; error?: unknown }) => void) | null = null;
  readonly handler: RuntimeHandler;
  private terminated = false;

  constructor(options: Omit<RuntimeHandlerOptions, 'post'> = {}) {
    this.handler = createRuntimeHandler({
      ...options,
      post: (message, transfer) => {
        if (this.terminated) return;
        // Transferred buffers move (detached here), as postMessage does between threads.
        const copy = structuredClone(message, transfer ? { transfer } : undefined);
        setTimeout(() => {
          if (!this.terminated) this.onmessage?.({ data: copy });
        }, 0);
      },
    });
  }

  postMessage(message: WorkerRequest): void {
    if (this.terminated) return;
    const copy = structuredClone(message);
    setTimeout(() => {
      if (this.terminated) return;
      this.handler.handle(copy).catch((error: unknown) => {
        this.onerror?.({ message: error instanceof Error ? error.message : String(error), error });
      });
    }, 0);
  }

  terminate(): void {
    if (this.terminated) return;
    this.terminated = true;
    void this.handler.dispose();
  }
}
