// "Latest edit wins" scheduling, shared by live scoring (live.ts) and the template comparison
// (compare.ts): every edit schedules a run after a typing pause (or at once), and starting a run
// makes every older one stale — its `isCurrent()` turns false, so it stops without writing.

export interface LatestRunner {
  /** Runs after `delayMs` (a newer call resets the wait). */
  schedule(delayMs: number): void;
  /** Runs at once (cancelling a scheduled run). */
  now(): Promise<void>;
}

export function latestRunner(run: (isCurrent: () => boolean) => Promise<void>): LatestRunner {
  let generation = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const start = () => {
    const mine = ++generation;
    return run(() => mine === generation);
  };
  const clear = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
  };
  return {
    schedule(delayMs) {
      clear();
      timer = setTimeout(() => {
        timer = undefined;
        void start();
      }, delayMs);
    },
    now() {
      clear();
      return start();
    },
  };
}
