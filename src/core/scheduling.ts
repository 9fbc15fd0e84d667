// Cooperative scheduling for long work on the main thread (parsing a dataset, building examples, an
// evaluation between model calls): work in short slices and give the host a turn between them, so
// that the page keeps painting and answering input, and Node its signals (Ctrl+C in the CLI).

/** Longest stretch of work between two turns for the host (milliseconds). */
export const SLICE_MS = 12;

/**
 * Resolves on the next macrotask: setImmediate where there is one (Node), else a MessageChannel
 * message (browsers and workers, without setTimeout's clamping to 4 ms), else setTimeout.
 */
export function yieldToEventLoop(): Promise<void> {
  const g = globalThis as { setImmediate?: (cb: () => void) => unknown };
  if (typeof g.setImmediate === 'function') {
    const setImmediate = g.setImmediate;
    return new Promise((resolve) => void setImmediate(resolve));
  }
  if (typeof MessageChannel !== 'undefined') {
    return new Promise((resolve) => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => {
        channel.port1.close();
        resolve();
      };
      channel.port2.postMessage(null);
    });
  }
  return new Promise((resolve) => setTimeout(resolve, 0));
}
