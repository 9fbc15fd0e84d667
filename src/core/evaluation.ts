// Batch evaluation on labelled data, shared by the browser workbench and the CLI (same code, so the
// same numbers for the same setup, data and model).
//
// Flow:  pipeline.bindTemplates(setup templates, verbalizer)          label words per template
//        runEvaluation({ templates, examples, pipeline, … })           chunks of examples → pipeline
//        runMetrics(run, template | 'ensemble', mode)                  metrics (evaluation-results.ts)
//        diagnose(metrics) (diagnosis.ts), evaluationReport(run), predictionsCsv(run) (evaluation-report.ts)
//
// Each chunk of examples is one pass of the scoring pipeline (pipeline.ts) — the same planning,
// de-duplication, cache and re-scoring as the live playground — with PASSES.evaluation's settings:
// calibration's content-free prompts are always planned, so one pass gives both the uncalibrated
// and the calibrated distribution. The content-free prompts run once per template, a repeated
// input once. Examples run in a fixed shuffled order so that a run cancelled midway has evaluated
// a random sample, not the first rows of a sorted file.

import type { ScoringOptions } from './scoring.ts';
import type { PreparedTemplate } from './bound-verbalizer.ts';
import { PASSES, type PassJob, type PassSettings, type ScoringPipeline } from './pipeline.ts';
import type { EvalExample } from './dataset.ts';
import type { InputTruncation } from './types.ts';
import { SLICE_MS, yieldToEventLoop } from './scheduling.ts';

// ---------------------------------------------------------------------------------------------
// Running

export interface TopToken {
  id: number;
  token: string;
  prob: number;
}

/** What one template made of one example. */
export interface ExampleOutcome {
  uncalibrated: number[];
  calibrated: number[];
  /** No label had any probability: the distribution is uniform. */
  uniform: boolean;
  /** Most likely tokens at [Z] (1-mask prompt). */
  top: TopToken[];
  /** Input tokens the runtime cut so that the prompt fits the model (the most over the example's prompts). */
  truncatedTokens: number;
  /** Which inputs they were cut from; [] when nothing was cut. */
  truncatedInputs: InputTruncation[];
}

export type EvaluationStatus = 'running' | 'complete' | 'cancelled' | 'failed';

export interface EvaluationProgress {
  done: number;
  total: number;
  elapsedMs: number;
  promptsRun: number;
  promptsReused: number;
}

export interface EvaluationRun {
  labels: string[];
  templates: PreparedTemplate[];
  examples: EvalExample[];
  scoring: ScoringOptions;
  maskToken: string;
  /** Evaluation order (indices into `examples`); the first `done` are finished. */
  order: number[];
  done: number;
  /** outcomes[template][example]; undefined for examples not evaluated (yet). */
  outcomes: (ExampleOutcome | undefined)[][];
  /** p_cf per template (mean label distribution of the content-free inputs), once known. */
  contentFree: (number[] | null)[];
  status: EvaluationStatus;
  error?: string;
  /** The failure's `code` when it had one (e.g. a runtime error code), for translated messages. */
  errorCode?: string;
  stats: { promptsRun: number; promptsReused: number; requests: number; elapsedMs: number };
}

export interface EvaluationInput {
  templates: PreparedTemplate[];
  examples: EvalExample[];
  labels: string[];
  scoring: ScoringOptions;
  /** The model, through the one scoring pipeline (a fresh one per run keeps the run's cache its own). */
  pipeline: ScoringPipeline;
  /** Runtime lane (default: PASSES.evaluation's). */
  lane?: string;
  signal?: AbortSignal;
  onProgress?: (progress: EvaluationProgress, run: EvaluationRun) => void;
  /** Prompts per runtime request: small enough for a responsive progress bar and Cancel. */
  promptsPerRequest?: number;
  /** Top tokens kept per example for error analysis. */
  topK?: number;
  seed?: number;
  now?: () => number;
  /**
   * Lets the host breathe between chunks that needed no model call (all their prompts were
   * already answered): without it a run over repeated inputs would never give the page a turn.
   */
  yieldNow?: () => Promise<void>;
}

export const EVAL_DEFAULTS = Object.freeze({
  promptsPerRequest: PASSES.evaluation.requestSize,
  topK: PASSES.evaluation.topK,
  seed: 1,
});

/** Deterministic pseudo-random numbers in [0, 1) (mulberry32). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A fixed shuffled order of 0..n-1 (Fisher–Yates with a seeded generator). */
export function evaluationOrder(n: number, seed: number = EVAL_DEFAULTS.seed): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  const random = seededRandom(seed);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
}

function emptyRun(input: EvaluationInput): EvaluationRun {
  return {
    labels: [...input.labels],
    templates: input.templates,
    examples: input.examples,
    scoring: { ...input.scoring },
    maskToken: input.pipeline.model.maskToken,
    order: evaluationOrder(input.examples.length, input.seed ?? EVAL_DEFAULTS.seed),
    done: 0,
    outcomes: input.templates.map(() => new Array<ExampleOutcome | undefined>(input.examples.length)),
    contentFree: input.templates.map(() => null),
    status: 'running',
    stats: { promptsRun: 0, promptsReused: 0, requests: 0, elapsedMs: 0 },
  };
}

/**
 * Evaluates every example with every template. Resolves with the run in any case: 'complete',
 * 'cancelled' (signal aborted; finished examples are kept) or 'failed' (error set; finished
 * examples are kept). Never rejects for runtime failures.
 */
export async function runEvaluation(input: EvaluationInput): Promise<EvaluationRun> {
  const now = input.now ?? (() => (typeof performance !== 'undefined' ? performance.now() : Date.now()));
  const started = now();
  const run = emptyRun(input);
  const perRequest = Math.max(1, Math.floor(input.promptsPerRequest ?? EVAL_DEFAULTS.promptsPerRequest));
  const settings: PassSettings = {
    ...PASSES.evaluation,
    lane: input.lane ?? PASSES.evaluation.lane,
    requestSize: perRequest,
    topK: input.topK ?? EVAL_DEFAULTS.topK,
  };

  const report = () => {
    run.stats.elapsedMs = now() - started;
    input.onProgress?.(
      {
        done: run.done,
        total: run.examples.length,
        elapsedMs: run.stats.elapsedMs,
        promptsRun: run.stats.promptsRun,
        promptsReused: run.stats.promptsReused,
      },
      run,
    );
  };

  const n = run.examples.length;
  const yieldNow = input.yieldNow ?? yieldToEventLoop;
  let sliceStart = now();
  let position = 0;
  try {
    while (position < n) {
      if (input.signal?.aborted) {
        run.status = 'cancelled';
        break;
      }
      // Gather examples until their new prompts fill a request (an example that would overfill it
      // starts the next one); the pipeline's cache answers the rest.
      const pass = input.pipeline.pass(input.templates, input.scoring, settings);
      const chunk: { example: number; job: PassJob }[] = [];
      while (position < n && pass.pendingCount < perRequest && chunk.length < perRequest * 4) {
        const example = run.order[position]!;
        const job = pass.add(run.examples[example]!.inputs, perRequest);
        if (!job) break;
        position++;
        chunk.push({ example, job });
      }
      if (pass.pendingCount > 0) {
        await pass.run(input.signal ? { signal: input.signal } : {});
        sliceStart = now(); // awaiting the model gave the host its turn
      }
      run.stats.requests += pass.stats.requests;
      run.stats.promptsRun += pass.stats.promptsRun;
      run.stats.promptsReused += pass.stats.promptsReused;

      for (const { example, job } of chunk) {
        input.templates.forEach((_, t) => {
          const { scores, main } = pass.result(job, t);
          run.outcomes[t]![example] = {
            uncalibrated: scores.uncalibrated,
            calibrated: scores.probs,
            uniform: scores.flags.uniform,
            top: (main.masks[0]?.top ?? []).map((x) => ({ id: x.id, token: x.token, prob: x.prob })),
            truncatedTokens: scores.flags.truncatedTokens,
            truncatedInputs: scores.flags.truncatedInputs,
          };
          if (run.contentFree[t] === null) run.contentFree[t] = scores.contentFree;
        });
      }
      run.done += chunk.length;
      report();
      if (now() - sliceStart > SLICE_MS) {
        await yieldNow();
        sliceStart = now();
      }
    }
    if (run.status === 'running') run.status = 'complete';
  } catch (error) {
    if (input.signal?.aborted) run.status = 'cancelled';
    else {
      run.status = 'failed';
      run.error = error instanceof Error ? error.message : String(error);
      const code = (error as { code?: unknown } | null)?.code;
      if (typeof code === 'string') run.errorCode = code;
    }
  }
  report();
  return run;
}
