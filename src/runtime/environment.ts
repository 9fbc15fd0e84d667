// Where the runtime runs: Node (onnxruntime-node, the CLI, tests) or a browser worker, and a clock
// that exists in both. Nothing browser-only is touched at module load.

/** True in Node (also in a Node worker thread); false in browsers and their workers. */
export function isNodeRuntime(): boolean {
  const p = (globalThis as { process?: { release?: { name?: string } } }).process;
  return p?.release?.name === 'node';
}

/** Milliseconds from a monotonic clock where there is one. */
export function now(): number {
  return typeof performance !== 'undefined' ? performance.now() : Date.now();
}
