// What the page can honestly say about memory. A model worker's own memory (ONNX Runtime's WASM
// heap, the weights) can't be read per worker, so per model we give the size of its files as they
// were loaded (bytes the runtime reported per file; the weights take about that much once in
// memory), and for the whole tab what the browser measures:
//   performance.measureUserAgentSpecificMemory() — the page and its workers (cross-origin isolated
//     pages in Chromium; it may wait for a garbage collection, so it is asked for on demand);
//   else performance.memory.usedJSHeapSize — the page's own JavaScript heap only (Chromium),
//     which leaves the workers out.
import type { FileProgress } from './workspace.ts';

/** The bytes of a model's files as the runtime reported them while it loaded (null: none reported). */
export function modelFileBytes(files: Record<string, FileProgress>): number | null {
  const sizes = Object.values(files).map((f) => f.total || (f.done ? f.loaded : 0));
  const sum = sizes.reduce((a, b) => a + b, 0);
  return sum > 0 ? sum : null;
}

export type TabMemory =
  /** measureUserAgentSpecificMemory: the whole tab, and the part of it in dedicated workers. */
  | { kind: 'tab'; bytes: number; workerBytes: number }
  /** performance.memory: the page's JavaScript heap (not the workers). */
  | { kind: 'page-heap'; bytes: number };

interface MemoryBreakdown {
  bytes: number;
  attribution: { scope?: string }[];
}
interface MemoryPerformance {
  measureUserAgentSpecificMemory?: () => Promise<{ bytes: number; breakdown: MemoryBreakdown[] }>;
  memory?: { usedJSHeapSize: number };
}

/** The best memory figure this browser gives (null: none). */
export async function measureTabMemory(): Promise<TabMemory | null> {
  const perf = (globalThis as { performance?: MemoryPerformance }).performance;
  const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
  if (perf?.measureUserAgentSpecificMemory && isolated) {
    try {
      const result = await perf.measureUserAgentSpecificMemory();
      const workerBytes = result.breakdown
        .filter((b) => b.attribution.some((a) => a.scope === 'DedicatedWorkerGlobalScope'))
        .reduce((sum, b) => sum + b.bytes, 0);
      return { kind: 'tab', bytes: result.bytes, workerBytes };
    } catch {
      // Refused (e.g. not isolated after all): fall back to the page's heap.
    }
  }
  const heap = perf?.memory?.usedJSHeapSize;
  return typeof heap === 'number' && heap > 0 ? { kind: 'page-heap', bytes: heap } : null;
}
