// "Latest wins": when newer work of the same kind starts (a newer edit, load, parse, run), older
// work must neither write its results nor keep the CPU or the model busy. Each kind of work has one
// slot; `begin()` hands the new work a ticket and makes every older ticket stale: its signal aborts
// and its `isCurrent()` turns false, so it stops without writing. Live scoring and the template
// comparison add a typing pause in front (`latestRunner`).

export interface RunTicket {
  /** Aborts once this work is superseded, cancelled, or asked to stop (`abort()`). */
  readonly signal: AbortSignal;
  /** False once newer work began or the slot was cancelled: stop without writing anything. */
  readonly isCurrent: () => boolean;
}

export interface LatestSlot {
  /** Starts new work: every older ticket becomes stale and its signal aborts. */
  begin(): RunTicket;
  /**
   * Asks the current work to stop (its signal aborts) while it stays current, so that it can still
   * record how it ended — a cancelled evaluation keeps what it finished.
   */
  abort(): void;
  /** Makes all work begun so far stale and aborts it: none of it may write any more. */
  cancel(): void;
}

export function latestSlot(): LatestSlot {
  let current: AbortController | null = null;
  return {
    begin() {
      current?.abort();
      const mine = new AbortController();
      current = mine;
      return { signal: mine.signal, isCurrent: () => current === mine };
    },
    abort() {
      current?.abort();
    },
    cancel() {
      current?.abort();
      current = null;
    },
  };
}

export interface LatestRunner {
  /** Runs after `delayMs` (a newer call restarts the wait). */
  schedule(delayMs: number): void;
  /** Runs at once (dropping a scheduled run). */
  now(): Promise<void>;
  /** Drops a scheduled run and makes the running one stale. */
  cancel(): void;
}

/** A latest-wins slot for `run`, with a debounce for typing. */
export function latestRunner(run: (ticket: RunTicket) => Promise<void>): LatestRunner {
  const slot = latestSlot();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const clearTimer = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
  };
  return {
    schedule(delayMs) {
      clearTimer();
      timer = setTimeout(() => {
        timer = undefined;
        void run(slot.begin());
      }, delayMs);
    },
    now() {
      clearTimer();
      return run(slot.begin());
    },
    cancel() {
      clearTimer();
      slot.cancel();
    },
  };
}
