// The benchmark model in this process (as the CLI loads it: MaskedLMEngine, onnxruntime-node) with
// the scoring pipeline on top, and a log of every prompt the pipeline sends to the model — so the
// bench can check, independently of the run's own counters, that no prompt is encoded twice.
import { join } from 'node:path';
import { CACHE_LIMITS, ScoringPipeline, type PipelineModel } from '../../src/core/pipeline.ts';
import { MaskedLMEngine } from '../../src/runtime/engine.ts';
import { allowHubDownloads, setLocalModelFolder } from '../../src/runtime/node-models.ts';
import { engineModel } from '../../src/runtime/pipeline-model.ts';
import { REPO_ROOT } from './server.ts';
import { BENCH_MODEL_ID } from './shared.ts';

export interface PhaseLog {
  /** Prompts sent to the model (over all requests). */
  sent: number;
  requests: number;
  /** Requests that asked for the hidden vector at [Z]. */
  hiddenRequests: number;
  /** Time inside the model's score calls. */
  modelMs: number;
}

export class PromptLog {
  /** The phase the prompts are booked to (set by the caller). */
  phase = 'other';
  readonly phases = new Map<string, PhaseLog>();
  private readonly seen = new Set<string>();
  private sentTotal = 0;

  record(phase: string, prompts: readonly unknown[], hidden: boolean, ms: number): void {
    const p = this.phases.get(phase) ?? { sent: 0, requests: 0, hiddenRequests: 0, modelMs: 0 };
    p.sent += prompts.length;
    p.requests++;
    if (hidden) p.hiddenRequests++;
    p.modelMs += ms;
    this.phases.set(phase, p);
    this.sentTotal += prompts.length;
    for (const prompt of prompts) this.seen.add(JSON.stringify(prompt));
  }
  /** Prompts sent to the model, and how many of them were distinct (same parts = same prompt). */
  totals(): { sent: number; distinct: number } {
    return { sent: this.sentTotal, distinct: this.seen.size };
  }
  reset(): void {
    this.phases.clear();
    this.seen.clear();
    this.sentTotal = 0;
    this.phase = 'other';
  }
}

export interface BenchModel {
  engine: MaskedLMEngine;
  log: PromptLog;
  /** A fresh pipeline (empty cache) whose prompts go through the log. */
  pipeline(): ScoringPipeline;
  dispose(): Promise<void>;
}

export async function loadBenchModel(dtype: 'q8' | 'fp32' = 'q8'): Promise<BenchModel> {
  setLocalModelFolder(join(REPO_ROOT, '.cache/models'));
  allowHubDownloads(false);
  const engine = await MaskedLMEngine.load({ kind: 'local', id: BENCH_MODEL_ID }, { dtype, device: 'cpu' });
  const log = new PromptLog();
  const inner = engineModel(engine);
  const model: PipelineModel = {
    ...inner,
    score: async (prompts, tokenIds, options) => {
      const t0 = performance.now();
      const scores = await inner.score(prompts, tokenIds, options);
      log.record(log.phase, prompts, options.hidden === true, performance.now() - t0);
      return scores;
    },
  };
  return {
    engine,
    log,
    pipeline: () => new ScoringPipeline(model, { cacheLimit: CACHE_LIMITS.evaluation }),
    dispose: () => engine.dispose(),
  };
}
