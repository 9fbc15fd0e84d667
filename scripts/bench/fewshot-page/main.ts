// The few-shot bench page: label-vector training (src/core/fewshot/tune.ts and the naive reference)
// on the page's main thread — where the app's few-shot run trains — timed with performance.now()
// (5 µs resolution: the page is cross-origin isolated). Exposes window.fewshotBench for
// scripts/bench/fewshot.ts (playwright-core).
import type { TuningOptions } from '../../../src/core/fewshot/types.ts';
import { timeTraining, type Trainer, type TuningSetJson } from '../fewshot-timing.ts';

const fewshotBench = {
  env: () => ({
    userAgent: navigator.userAgent,
    crossOriginIsolated: globalThis.crossOriginIsolated,
    hardwareConcurrency: navigator.hardwareConcurrency,
  }),
  time: (sets: TuningSetJson[], trainer: Trainer, options: TuningOptions, rounds: number) =>
    timeTraining(sets, trainer, options, rounds),
};

(globalThis as unknown as { fewshotBench: typeof fewshotBench }).fewshotBench = fewshotBench;
document.title = 'fewshot bench ready';
