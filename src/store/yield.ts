// Long main-thread work (parsing a large file, building examples, an evaluation's bookkeeping) is
// done in slices, with a turn for the page in between so that it can paint and handle input.

/** A slice of main-thread work stops after this many milliseconds. */
export const SLICE_MS = 12;

/** Resolves on the next macrotask, without setTimeout's clamping. */
export function nextSlice(): Promise<void> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}

/** For work that asks "should I pause?": yes after `sliceMs` of work since the last pause. */
export function sliceTimer(yieldNow: () => Promise<void> = nextSlice, sliceMs = SLICE_MS) {
  let sliceStart = performance.now();
  return {
    shouldYield: () => performance.now() - sliceStart > sliceMs,
    yieldNow: async () => {
      await yieldNow();
      sliceStart = performance.now();
    },
  };
}
