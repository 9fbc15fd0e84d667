// Word attribution for an evaluation's predictions (`clozelab eval --explain`): per template and
// finished example, the words that pushed most toward the predicted label, as extra columns of the
// predictions file. The prediction is the one of the run's primary mode (calibrated when the setup
// calibrates); each example costs its own n + 1 prompts.

import type { EvaluationRun } from '../evaluation.ts';
import { predictions, type CalibrationMode } from '../evaluation-results.ts';
import { PASSES, type ScoringPipeline } from '../pipeline.ts';
import type { OcclusionMode } from './occlusion.ts';
import { explainInput } from './run.ts';
import { topWords, type TopWord } from './top-words.ts';

export interface ExampleExplanation {
  /** The label explained: the example's predicted label. */
  label: string;
  top: TopWord[];
  /** Distinct prompts its attribution needed (n + 1, see run.ts). */
  prompts: number;
}

export interface RunExplanations {
  mode: OcclusionMode;
  count: number;
  /** [template][example]; undefined for examples not evaluated. */
  byTemplate: (ExampleExplanation | undefined)[][];
  /** Prompts that ran on the model for all of them. */
  promptsRun: number;
}

export async function explainRun(
  run: EvaluationRun,
  pipeline: ScoringPipeline,
  options: {
    mode: OcclusionMode;
    count: number;
    signal?: AbortSignal;
    onProgress?: (done: number, total: number) => void;
  },
): Promise<RunExplanations> {
  const primary: CalibrationMode = run.scoring.calibrate ? 'calibrated' : 'uncalibrated';
  const byTemplate = run.templates.map(() => run.examples.map((): ExampleExplanation | undefined => undefined));
  const jobs = run.templates.flatMap((_, t) => predictions(run, t, primary).map((p) => ({ t, p })));
  let promptsRun = 0;
  let done = 0;
  for (const { t, p } of jobs) {
    if (options.signal?.aborted) break;
    const template = run.templates[t]!;
    const result = await explainInput(pipeline, template, run.examples[p.example]!.inputs, run.scoring, options.mode, {
      settings: { ...PASSES.explain, requestSize: PASSES.evaluation.requestSize },
      firstChunk: PASSES.evaluation.requestSize,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    if (!result) break;
    const label = run.labels[p.predicted] ?? '';
    const l = result.labels.indexOf(label);
    byTemplate[t]![p.example] = {
      label,
      top: l < 0 ? [] : topWords(result, l, options.count),
      prompts: result.prompts,
    };
    promptsRun += result.promptsRun;
    options.onProgress?.(++done, jobs.length);
  }
  return { mode: options.mode, count: options.count, byTemplate, promptsRun };
}

/** The predictions file's extra columns: explained label, then word and Δp of each top word, and the prompts. */
export function explanationHeader(count: number): string[] {
  const cols = ['explained_label'];
  for (let k = 1; k <= count; k++) cols.push(`top_word_${k}`, `top_delta_${k}`);
  cols.push('explain_prompts');
  return cols;
}

/** One row's cells (empty for the ensemble and for examples without an explanation). */
export function explanationCells(e: ExampleExplanation | undefined, count: number, slots: number): (string | number)[] {
  const cells: (string | number)[] = [e?.label ?? ''];
  for (let k = 0; k < count; k++) {
    const w = e?.top[k];
    cells.push(w ? (slots > 1 ? `${w.slot}:${w.word}` : w.word) : '', w ? Math.round(w.delta * 1e6) / 1e6 : '');
  }
  cells.push(e ? e.prompts : '');
  return cells;
}
