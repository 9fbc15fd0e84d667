// Views on an evaluation run (evaluation.ts): per finished example the distribution and prediction
// of one template or of the ensemble, in either calibration mode, and the metrics they give.

import { promptLayout, renderPrompt } from './template.ts';
import { argmax } from './numerics.ts';
import { computeMetrics, isSmallSample, SMALL_SAMPLE_N, type Metrics } from './metrics.ts';
import type { EvaluationRun } from './evaluation.ts';
import type { InputTruncation } from './types.ts';
import { issue, type IssueOf } from './issues.ts';

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

/** Characters of each input an example's prompt shows (a 10 MB cell would stall the page). */
export const SHOWN_INPUT_CHARS = 3_000;

/**
 * The rendered prompt of an example for a template (1 mask), with its layout for highlighting.
 * Inputs longer than `maxInputChars` are shown up to there and end in "…"; `hiddenChars` counts
 * what is not shown (display only: the model got every input whole, cut only to its token limit).
 */
export function examplePrompt(run: EvaluationRun, template: number, example: number, maxInputChars = Infinity) {
  const t = run.templates[template]!;
  let hiddenChars = 0;
  const parts = renderPrompt(t.template, run.examples[example]!.inputs, 1).parts.map((part) => {
    if (part.kind !== 'input' || part.text.length <= maxInputChars) return part;
    hiddenChars += part.text.length - maxInputChars;
    return { ...part, text: `${part.text.slice(0, maxInputChars)}…` };
  });
  return { layout: promptLayout({ parts }, run.maskToken), hiddenChars };
}

/** What was cut from one example's inputs so that its prompts fit the model. */
export interface ExampleTruncation {
  /** Input tokens dropped (the most over the example's prompts). */
  tokens: number;
  /** Per input slot, tokens dropped and kept. */
  inputs: InputTruncation[];
}

/**
 * The truncation of one example for a source, or null when nothing was cut (or the example is not
 * finished). For the ensemble: across every template, the one that cut the most.
 */
export function exampleTruncation(run: EvaluationRun, source: EvalSource, example: number): ExampleTruncation | null {
  const templates = source === 'ensemble' ? run.outcomes.map((_, i) => i) : [source];
  let most: ExampleTruncation | null = null;
  for (const t of templates) {
    const o = run.outcomes[t]?.[example];
    if (o && o.truncatedTokens > (most?.tokens ?? 0)) most = { tokens: o.truncatedTokens, inputs: o.truncatedInputs };
  }
  return most;
}

export interface TruncationSummary {
  /** Finished examples with input text cut to fit the model. */
  examples: number;
  /** Finished examples. */
  evaluated: number;
  /** The most tokens cut from one example. */
  maxTokens: number;
  /** Tokens cut over all those examples (each example counted once, with its largest cut). */
  totalTokens: number;
  /** The input slots that lost tokens, sorted. */
  slots: string[];
  /** The truncated examples in file order: index into run.examples and what was cut. */
  perExample: { example: number; truncation: ExampleTruncation }[];
}

/** Which finished examples had input cut, for a source ('ensemble': by any template). */
export function truncationSummary(run: EvaluationRun, source: EvalSource = 'ensemble'): TruncationSummary {
  const finished = finishedExamples(run);
  const perExample: TruncationSummary['perExample'] = [];
  const slots = new Set<string>();
  let maxTokens = 0;
  let totalTokens = 0;
  for (const example of finished) {
    const truncation = exampleTruncation(run, source, example);
    if (!truncation) continue;
    perExample.push({ example, truncation });
    maxTokens = Math.max(maxTokens, truncation.tokens);
    totalTokens += truncation.tokens;
    for (const i of truncation.inputs) slots.add(i.slot);
  }
  return {
    examples: perExample.length,
    evaluated: finished.length,
    maxTokens,
    totalTokens,
    slots: [...slots].sort((a, b) => a.localeCompare(b, 'en', { numeric: true })),
    perExample,
  };
}

/** "X:3400" or "X1:300 X2:40": the tokens cut per input slot (CSV, compact). */
export function truncatedInputsText(inputs: readonly InputTruncation[]): string {
  return inputs.map((i) => `${i.slot}:${i.dropped}`).join(' ');
}

/**
 * The summary line about truncation ("12 of 500 examples were truncated; up to 3,400 tokens
 * dropped …"), or null when nothing was cut. `see`: where the per-example numbers are.
 */
export function truncationNote(
  summary: TruncationSummary,
  see: 'cli-file' | 'cli-flag' | 'browser',
  file = '',
): IssueOf<'truncated-examples'> | null {
  if (summary.examples === 0) return null;
  return issue('truncated-examples', 'warning', {
    n: summary.examples,
    total: summary.evaluated,
    max: summary.maxTokens,
    slots: summary.slots.map((s) => `[${s}]`).join(', '),
    see,
    file,
  });
}

/** The small-sample note for metrics over `n` examples, or null from SMALL_SAMPLE_N examples on. */
export function smallSampleNote(n: number): IssueOf<'small-sample'> | null {
  if (!isSmallSample(n)) return null;
  return issue('small-sample', 'info', { n, min: SMALL_SAMPLE_N });
}
