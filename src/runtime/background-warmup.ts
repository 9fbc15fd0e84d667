// Browser only: a few small forward passes while a freshly loaded engine is idle. V8 first runs
// ORT's WASM with its baseline compiler, so a fresh worker's first forward passes are several times
// slower (BENCHMARKS.md, Levers); warming up in idle time moves that cost out of the user's first
// edits. Stops at once when real work arrives (which then waits for at most one small run).

import { now } from './environment.ts';
import { runSingle, type ModelRunner } from './runner.ts';

/** Runs at most, prompt lengths (cycled), and idle time before each run. */
const WARMUP_RUNS = 16;
const WARMUP_LENGTHS = [16, 32];
const WARMUP_IDLE_MS = 250;

/** Small prompts for the warm-up: `filler` tokens with a mask in the middle, special tokens around. */
export function warmupInputs(
  prefixIds: readonly number[],
  suffixIds: readonly number[],
  filler: number,
  maskTokenId: number,
): { ids: number[]; maskAt: number }[] {
  return WARMUP_LENGTHS.map((n) => {
    const ids = [...prefixIds, ...new Array<number>(n).fill(filler), ...suffixIds];
    const maskAt = prefixIds.length + Math.floor(n / 2);
    ids[maskAt] = maskTokenId;
    return { ids, maskAt };
  });
}

export interface WarmupState {
  /** False once the engine is disposed. */
  alive(): boolean;
  /** Score requests in progress. */
  busy(): number;
  /** When the last score request ended. */
  lastActivity(): number;
}

export function warmInBackground(
  runner: ModelRunner,
  inputs: readonly { ids: number[]; maskAt: number }[],
  state: WarmupState,
): void {
  let runs = 0;
  const tick = async (): Promise<void> => {
    if (!state.alive() || runs >= WARMUP_RUNS) return;
    if (state.busy() > 0 || now() - state.lastActivity() < WARMUP_IDLE_MS) {
      setTimeout(() => void tick(), WARMUP_IDLE_MS);
      return;
    }
    const { ids, maskAt } = inputs[runs % inputs.length] as { ids: number[]; maskAt: number };
    runs++;
    await runSingle(runner, ids, maskAt).catch(() => undefined);
    setTimeout(() => void tick(), 0);
  };
  setTimeout(() => void tick(), WARMUP_IDLE_MS);
}
