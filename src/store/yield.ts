// Long main-thread work in the stores (parsing a large file, building examples) runs in slices,
// with a turn for the page in between so that it can paint and handle input.
import { SLICE_MS, yieldToEventLoop } from '../core/scheduling.ts';

/** For work that asks "should I pause?": yes after `sliceMs` of work since the last pause. */
export function sliceTimer(yieldNow: () => Promise<void> = yieldToEventLoop, sliceMs = SLICE_MS) {
  let sliceStart = performance.now();
  return {
    shouldYield: () => performance.now() - sliceStart > sliceMs,
    yieldNow: async () => {
      await yieldNow();
      sliceStart = performance.now();
    },
  };
}
