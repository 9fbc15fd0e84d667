// Running an evaluation grid (grid.ts) as one job, browser and CLI alike: per model, ONE evaluation
// run (evaluation.ts, PASSES.evaluation, the one scoring pipeline) whose "templates" are every
// (template, verbalizer) pair, so prompts are shared — a pass asks for the union of the variants'
// token ids, identical prompts run once, content-free prompts once per template — and calibration
// comes from the same pass ('both'). Models run one after another: `modelFor` loads each (or says
// it can't, and that model's cells are skipped with its reason). Progress, cancel, partial results
// kept: a cancelled grid keeps every finished example of every cell.
//
// A cell's full results are an EvaluationRun of its own (cellRun), sliced from its model's run, so
// the results page shows a cell exactly as a single evaluation of that configuration.

import type { PreparedTemplate, TemplateProblem } from './bound-verbalizer.ts';
import type { EvalExample } from './dataset.ts';
import { runEvaluation, type EvaluationRun } from './evaluation.ts';
import { runMetrics } from './evaluation-results.ts';
import { gridAxes, gridCellKeys, gridVerbalizer, type GridAxes, type GridCellKey } from './grid.ts';
import type { ScoringPipeline } from './pipeline.ts';
import type { ModelRef, PromptSetup } from './setup.ts';

export type GridModelStatus = 'pending' | 'running' | 'complete' | 'cancelled' | 'failed' | 'skipped';

export interface GridModelResult {
  model: ModelRef;
  status: GridModelStatus;
  /** The model's run: its templates are the (template, verbalizer) pairs, pairIndex() orders them. */
  run: EvaluationRun | null;
  /** Grid templates that could not be used with this model (invalid template text). */
  templateProblems: TemplateProblem[];
  /** Why the model failed or was skipped (e.g. not loadable here). */
  error?: string;
  errorCode?: string;
}

export type GridStatus = 'running' | 'complete' | 'cancelled' | 'failed';

export interface GridResult {
  axes: GridAxes;
  labels: string[];
  examples: number;
  models: GridModelResult[];
  status: GridStatus;
  stats: { promptsRun: number; promptsReused: number; requests: number; elapsedMs: number };
}

export interface GridProgress {
  /** Models finished (complete, failed or skipped) and the model now running. */
  model: number;
  models: number;
  done: number;
  total: number;
  promptsRun: number;
}

/** A loaded model's pipeline, or why the grid can't use this model here. */
export type GridModelLoad = { ok: true; pipeline: ScoringPipeline } | { ok: false; error: string; code?: string };

export interface GridInput {
  setup: PromptSetup;
  examples: EvalExample[];
  /** Loads a model of the grid's model axis (one at a time, in order); the runner never holds two. */
  modelFor: (model: ModelRef, index: number) => Promise<GridModelLoad>;
  /** Called when the runner is done with a model (the CLI frees it; the browser keeps its own). */
  release?: (model: ModelRef, index: number) => Promise<void>;
  signal?: AbortSignal;
  onProgress?: (progress: GridProgress, result: GridResult) => void;
  lane?: string;
  promptsPerRequest?: number;
  yieldNow?: () => Promise<void>;
  now?: () => number;
}

/** Index of a (template, verbalizer) pair among a model run's templates. */
export function pairIndex(axes: GridAxes, template: number, verbalizer: number): number {
  return template * axes.verbalizers.length + verbalizer;
}

/** Runs the grid; resolves in any case (never rejects for model or runtime failures). */
export async function runGrid(input: GridInput): Promise<GridResult> {
  const now = input.now ?? (() => (typeof performance !== 'undefined' ? performance.now() : Date.now()));
  const started = now();
  const { setup, examples } = input;
  const axes = gridAxes(setup);
  const result: GridResult = {
    axes,
    labels: setup.verbalizer.labels.map((l) => l.label),
    examples: examples.length,
    models: axes.models.map((model) => ({ model, status: 'pending', run: null, templateProblems: [] })),
    status: 'running',
    stats: { promptsRun: 0, promptsReused: 0, requests: 0, elapsedMs: 0 },
  };
  const totals = () => {
    const s = { promptsRun: 0, promptsReused: 0, requests: 0, elapsedMs: now() - started };
    for (const m of result.models) {
      if (!m.run) continue;
      s.promptsRun += m.run.stats.promptsRun;
      s.promptsReused += m.run.stats.promptsReused;
      s.requests += m.run.stats.requests;
    }
    result.stats = s;
  };
  const report = (model: number, done: number) => {
    totals();
    input.onProgress?.(
      { model, models: axes.models.length, done, total: examples.length, promptsRun: result.stats.promptsRun },
      result,
    );
  };

  for (let m = 0; m < axes.models.length; m++) {
    const slot = result.models[m]!;
    if (input.signal?.aborted) {
      result.status = 'cancelled';
      break;
    }
    slot.status = 'running';
    report(m, 0);
    let load: GridModelLoad;
    try {
      load = await input.modelFor(slot.model, m);
    } catch (error) {
      load = { ok: false, error: error instanceof Error ? error.message : String(error) };
    }
    if (!load.ok) {
      slot.status = input.signal?.aborted ? 'cancelled' : 'skipped';
      slot.error = load.error;
      if (load.code !== undefined) slot.errorCode = load.code;
      continue;
    }
    try {
      const templates = await bindPairs(load.pipeline, setup, axes, slot);
      if (templates === null) {
        slot.status = 'failed';
        slot.errorCode = 'grid-template-invalid';
        slot.error = `Invalid template(s): ${slot.templateProblems.map((p) => p.id).join(', ')}.`;
        continue;
      }
      const run = await runEvaluation({
        templates,
        examples,
        labels: result.labels,
        scoring: setup.scoring,
        // A cache of the grid's own: the pairs of one template share every answer.
        pipeline: load.pipeline,
        ...(input.lane !== undefined ? { lane: input.lane } : {}),
        ...(input.signal ? { signal: input.signal } : {}),
        ...(input.promptsPerRequest !== undefined ? { promptsPerRequest: input.promptsPerRequest } : {}),
        ...(input.yieldNow ? { yieldNow: input.yieldNow } : {}),
        onProgress: (p, r) => {
          slot.run = r;
          report(m, p.done);
        },
      });
      slot.run = run;
      slot.status = run.status === 'running' ? 'complete' : run.status;
      if (run.error !== undefined) slot.error = run.error;
      if (run.errorCode !== undefined) slot.errorCode = run.errorCode;
    } finally {
      await input.release?.(slot.model, m);
    }
    if (slot.status === 'cancelled') {
      result.status = 'cancelled';
      break;
    }
  }
  if (result.status === 'running') {
    const failed = result.models.every((s) => s.status === 'failed' || s.status === 'skipped');
    result.status = failed ? 'failed' : 'complete';
  }
  report(axes.models.length, examples.length);
  return result;
}

/**
 * Every (template, verbalizer) pair bound to this model, in pairIndex order; null when a grid
 * template is invalid (templateProblems says which): a grid runs only with all its templates, so
 * that every model's cells stand at the same positions.
 */
async function bindPairs(
  pipeline: ScoringPipeline,
  setup: PromptSetup,
  axes: GridAxes,
  slot: GridModelResult,
): Promise<PreparedTemplate[] | null> {
  const perVerbalizer = await Promise.all(
    axes.verbalizers.map((name) => pipeline.bindTemplates(axes.templates, gridVerbalizer(setup, name))),
  );
  slot.templateProblems = perVerbalizer[0]?.problems ?? [];
  if (slot.templateProblems.length > 0) return null;
  return axes.templates.flatMap((_, t) => perVerbalizer.map((bound) => bound.templates[t]!));
}

/** A cell's numbers: accuracy and macro-F1 over the examples its model finished (null before any). */
export interface GridCellValue extends GridCellKey {
  accuracy: number | null;
  macroF1: number | null;
  n: number;
}

/** Every cell's accuracy and macro-F1 (core/metrics.ts through runMetrics), in gridCellKeys order. */
export function gridCellValues(result: GridResult): GridCellValue[] {
  return gridCellKeys(result.axes).map((key) => {
    const run = cellRun(result, key);
    if (!run || run.done === 0) return { ...key, accuracy: null, macroF1: null, n: 0 };
    const metrics = runMetrics(run, 0, run.scoring.calibrate ? 'calibrated' : 'uncalibrated');
    return { ...key, accuracy: metrics.accuracy, macroF1: metrics.macroF1, n: metrics.n };
  });
}

/**
 * A cell as an evaluation run of its own (one template, its verbalizer's words, its calibration
 * setting as the run's scoring), sharing the model run's examples and outcomes; null when its model
 * did not run.
 */
export function cellRun(result: GridResult, key: GridCellKey): EvaluationRun | null {
  const run = result.models[key.model]?.run;
  if (!run) return null;
  const pair = pairIndex(result.axes, key.template, key.verbalizer);
  const template = run.templates[pair];
  if (!template) return null;
  return {
    ...run,
    templates: [template],
    outcomes: [run.outcomes[pair]!],
    contentFree: [run.contentFree[pair] ?? null],
    scoring: { ...run.scoring, calibrate: result.axes.calibration[key.calibration] ?? false },
  };
}
