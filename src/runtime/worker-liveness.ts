// Noticing that the model worker is gone. A worker that throws reports it through `onerror`, but a
// worker that is terminated from outside (the browser discards it, it closes itself, a crashed
// renderer process, DevTools) sends nothing at all, and every pending request would wait forever.
//
// Web Locks are released when the context holding them ends. The worker takes a lock named after
// itself for its whole life (holdLifeLock, in the worker); the page waits to be granted that same
// lock (watchWorkerLife). The grant means the worker ended: if the page did not terminate it, the
// watcher dispatches an 'error' event on the Worker, which RuntimeClient treats as a crash
// (message, restart, reload of the model).

interface LockManagerLike {
  request(name: string, callback: () => unknown): Promise<unknown>;
  query(): Promise<{ held?: { name?: string }[] }>;
}

function locks(): LockManagerLike | null {
  const nav = (globalThis as { navigator?: { locks?: LockManagerLike } }).navigator;
  return nav?.locks ?? null;
}

/** The lock a worker named `workerName` holds while it lives. */
export function lifeLockName(workerName: string): string {
  return `${workerName}:alive`;
}

/** In the worker: hold the life lock until this context ends. No-op without Web Locks. */
export function holdLifeLock(workerName: string): void {
  const manager = locks();
  if (!manager || !workerName) return;
  void manager.request(lifeLockName(workerName), () => new Promise<never>(() => {})).catch(() => {});
}

export interface LifeWatch {
  /** Call before terminating the worker on purpose: its end is then not reported. */
  expectEnd(): void;
}

/**
 * In the page: once the worker holds its life lock, wait for the lock; when it is granted the worker
 * has ended, and unless `expectEnd()` was called, `onLost` runs. Without Web Locks it does nothing.
 */
export function watchWorkerLife(
  workerName: string,
  onLost: () => void,
  { pollMs = 100, giveUpMs = 120_000 } = {},
): LifeWatch {
  let expected = false;
  const manager = locks();
  if (manager) {
    const name = lifeLockName(workerName);
    const started = Date.now();
    const poll = async (): Promise<void> => {
      while (!expected && Date.now() - started < giveUpMs) {
        const state = await manager.query().catch(() => ({ held: [] }));
        if (state.held?.some((lock) => lock.name === name)) {
          await manager.request(name, () => {
            if (!expected) onLost();
          });
          return;
        }
        await new Promise((r) => setTimeout(r, pollMs));
      }
    };
    void poll().catch(() => {});
  }
  return {
    expectEnd: () => {
      expected = true;
    },
  };
}
