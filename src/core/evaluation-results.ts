// Views on an evaluation run (evaluation.ts): per finished example the distribution and prediction
// of one template or of the ensemble, in either calibration mode, and the metrics they give.

import { promptLayout, renderPrompt } from './template.ts';
import { argmax } from './numerics.ts';
import { computeMetrics, type Metrics } from './metrics.ts';
import type { EvaluationRun } from './evaluation.ts';

export type CalibrationMode = 'uncalibrated' | 'calibrated';
/** A template index, or the ensemble of all templates. */
export type EvalSource = number | 'ensemble';

export interface ExamplePrediction {
  /** Index into run.examples. */
  example: number;
  probs: number[];
  predicted: number;
  confidence: number;
  correct: boolean;
  uniform: boolean;
}

/** Indices of the finished examples, in file order. */
export function finishedExamples(run: EvaluationRun): number[] {
  return run.order.slice(0, run.done).sort((a, b) => a - b);
}

/**
 * Per finished example: the distribution (one template's, or for the ensemble the mean of all
 * templates' distributions), the predicted label (argmax, first label on ties) and its probability.
 */
export function predictions(run: EvaluationRun, source: EvalSource, mode: CalibrationMode): ExamplePrediction[] {
  const labelIndex = new Map(run.labels.map((l, i) => [l, i] as const));
  const out: ExamplePrediction[] = [];
  for (const example of finishedExamples(run)) {
    let probs: number[];
    let uniform: boolean;
    if (source === 'ensemble') {
      const outs = run.outcomes.map((o) => o[example]!);
      probs = run.labels.map((_, l) => outs.reduce((s, o) => s + (o[mode][l] ?? 0), 0) / Math.max(1, outs.length));
      uniform = outs.every((o) => o.uniform);
    } else {
      const o = run.outcomes[source]![example]!;
      probs = o[mode];
      uniform = o.uniform;
    }
    const predicted = argmax(probs);
    out.push({
      example,
      probs,
      predicted,
      confidence: probs[predicted] ?? 0,
      correct: predicted === labelIndex.get(run.examples[example]!.gold),
      uniform,
    });
  }
  return out;
}

export function runMetrics(run: EvaluationRun, source: EvalSource, mode: CalibrationMode): Metrics {
  const preds = predictions(run, source, mode);
  return computeMetrics(
    preds.map((p) => run.examples[p.example]!.gold),
    preds.map((p) => run.labels[p.predicted] ?? ''),
    run.labels,
  );
}

/** The sources a run can be viewed by: each template, plus the ensemble when there are several. */
export function evalSources(run: Pick<EvaluationRun, 'templates'>): EvalSource[] {
  const sources: EvalSource[] = run.templates.map((_, i) => i);
  if (run.templates.length > 1) sources.push('ensemble');
  return sources;
}

/** The rendered prompt of an example for a template (1 mask), with its layout for highlighting. */
export function examplePrompt(run: EvaluationRun, template: number, example: number) {
  const t = run.templates[template]!;
  return promptLayout(renderPrompt(t.template, run.examples[example]!.inputs, 1), run.maskToken);
}
