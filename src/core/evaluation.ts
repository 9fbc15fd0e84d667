// Batch evaluation on labelled data, shared by the browser workbench and the CLI (same code, so the
// same numbers for the same setup, data and model).
//
// Flow:  pipeline.bindTemplates(setup templates, verbalizer)          label words per template
//        runEvaluation({ templates, examples, pipeline, … })           chunks of examples → pipeline
//        runMetrics(run, template | 'ensemble', mode)                  metrics on finished examples
//        diagnose(metrics), evaluationReport(run), predictionsCsv(run)
//
// Each chunk of examples is one pass of the scoring pipeline (pipeline.ts) — the same planning,
// de-duplication, cache and re-scoring as the live playground — with PASSES.evaluation's settings:
// calibration's content-free prompts are always planned, so one pass gives both the uncalibrated
// and the calibrated distribution. The content-free prompts run once per template, a repeated
// input once. Examples run in a fixed shuffled order so that a run cancelled midway has evaluated
// a random sample, not the first rows of a sorted file.

import Papa from 'papaparse';
import { promptLayout, renderPrompt, type Template } from './template.ts';
import { isUsable } from './verbalizer.ts';
import { argmax, type ScoringOptions } from './scoring.ts';
import type { PreparedTemplate } from './bound-verbalizer.ts';
import { PASSES, type PassJob, type PassSettings, type ScoringPipeline } from './pipeline.ts';
import { computeMetrics, MACRO_CONVENTION, type Metrics } from './metrics.ts';
import type { EvalExample } from './dataset.ts';

// ---------------------------------------------------------------------------------------------
// Templates with their label words: bound by the pipeline (ScoringPipeline.bindTemplates)

export type { PreparedTemplate, TemplateProblem } from './bound-verbalizer.ts';

/** The union of every template's slots, in order (X, or X1, X2, …). */
export function templateSlots(templates: readonly { template: Template }[]): string[] {
  const slots: string[] = [];
  for (const t of templates) for (const s of t.template.slots) if (!slots.includes(s)) slots.push(s);
  return slots.sort((a, b) => (a === 'X' ? 0 : Number(a.slice(1))) - (b === 'X' ? 0 : Number(b.slice(1))));
}

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
  truncatedTokens: number;
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
/** Longest stretch of work between two turns for the host (milliseconds). */
const SLICE_MS = 12;
const macrotask = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

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
  const yieldNow = input.yieldNow ?? macrotask;
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

// ---------------------------------------------------------------------------------------------
// Results

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

// ---------------------------------------------------------------------------------------------
// Diagnosis: plain-language hints from the metrics

export type HintCode =
  | 'low-recall' // a label's gold examples are mostly missed
  | 'low-precision' // a label is predicted for many examples of other labels
  | 'confused-pair' // two labels are mistaken for each other
  | 'prediction-bias' // one label is predicted far more often than it occurs
  | 'imbalanced-gold' // one label dominates the data
  | 'no-support' // a label has no examples in the data
  | 'calibration-helps' // the other calibration mode is clearly better
  | 'uniform'; // some examples got no probability for any label

export interface DiagnosisHint {
  code: HintCode;
  severity: 'info' | 'warning';
  label?: string;
  /** The other label of a confused pair, or the label most often mistaken for `label`. */
  other?: string;
  /** A rate in [0, 1] (recall, precision, share) or a count, depending on the code. */
  value?: number;
  /** A second number: the gold share for prediction-bias, the pair's count, the other mode's macro-F1. */
  reference?: number;
  count?: number;
}

export const DIAGNOSIS_THRESHOLDS = Object.freeze({
  /** Recall or precision below this is called low. */
  low: 0.5,
  /** Fewest gold (recall) or predicted (precision) examples before we judge a label. */
  minCount: 3,
  /** A pair is "confused" when it is mixed up both ways and its mix-ups are at least this share of both labels' examples … */
  pairShare: 0.2,
  /** … and at least this many. */
  pairMin: 3,
  /** Predicted share above the gold share by at least this much is a bias. */
  biasGap: 0.15,
  /** Difference in macro-F1 that makes calibration worth mentioning. */
  calibrationGain: 0.05,
});

/**
 * A label "dominates" a distribution of L labels when its share is at least 20% of the way from
 * an even share (1/L) to everything (1): 0.6 for two labels, 0.47 for three, 0.4 for four.
 */
export function dominanceThreshold(labelCount: number): number {
  const even = 1 / Math.max(1, labelCount);
  return even + (1 - even) * 0.2;
}

/** Gold and predicted count per label, and the label that dominates each (if any). */
export function labelBalance(metrics: Metrics) {
  const n = Math.max(1, metrics.n);
  const gold = metrics.perLabel.map((m) => m.support);
  const predicted = metrics.perLabel.map((m) => m.predicted);
  const threshold = dominanceThreshold(metrics.labels.length);
  const dominant = (counts: number[]) => {
    const i = argmax(counts);
    return i >= 0 && metrics.n > 0 && counts[i]! / n >= threshold && metrics.labels.length > 1 ? i : -1;
  };
  return { gold, predicted, threshold, dominantGold: dominant(gold), dominantPredicted: dominant(predicted) };
}

/** Hints in plain words, most important first. `other` is the same source's metrics in the other calibration mode. */
export function diagnose(
  metrics: Metrics,
  context: { calibrated: boolean; other?: Metrics; uniformCount?: number },
): DiagnosisHint[] {
  const T = DIAGNOSIS_THRESHOLDS;
  const hints: DiagnosisHint[] = [];
  if (metrics.n === 0) return hints;
  const { labels, confusion, perLabel } = metrics;
  const balance = labelBalance(metrics);

  if (balance.dominantPredicted >= 0) {
    const i = balance.dominantPredicted;
    const share = balance.predicted[i]! / metrics.n;
    const goldShare = balance.gold[i]! / metrics.n;
    if (share - goldShare >= T.biasGap) {
      hints.push({
        code: 'prediction-bias',
        severity: 'warning',
        label: labels[i]!,
        value: share,
        reference: goldShare,
      });
    }
  }
  // Confused pairs: mix-ups in both directions.
  const pairs: DiagnosisHint[] = [];
  for (let a = 0; a < labels.length; a++) {
    for (let b = a + 1; b < labels.length; b++) {
      const ab = confusion[a]?.[b] ?? 0;
      const ba = confusion[b]?.[a] ?? 0;
      const mixed = ab + ba;
      const both = (perLabel[a]?.support ?? 0) + (perLabel[b]?.support ?? 0);
      // Mistakes in one direction only are a bias (see prediction-bias / low-recall), not a mix-up.
      if (ab > 0 && ba > 0 && mixed >= T.pairMin && both > 0 && mixed / both >= T.pairShare) {
        pairs.push({
          code: 'confused-pair',
          severity: 'warning',
          label: labels[a]!,
          other: labels[b]!,
          count: mixed,
          value: mixed / both,
        });
      }
    }
  }
  pairs.sort((x, y) => (y.count ?? 0) - (x.count ?? 0));
  hints.push(...pairs);
  perLabel.forEach((m, l) => {
    if (m.noSupport) {
      hints.push({ code: 'no-support', severity: 'info', label: m.label });
      return;
    }
    if (m.support >= T.minCount && m.recall !== null && m.recall < T.low) {
      // Where its examples went instead.
      const row = confusion[l] ?? [];
      const j = argmax(row.map((c, k) => (k === l ? -1 : c)));
      hints.push({
        code: 'low-recall',
        severity: 'warning',
        label: m.label,
        value: m.recall,
        count: m.support,
        ...(j >= 0 && (row[j] ?? 0) > 0 ? { other: labels[j]! } : {}),
      });
    }
    if (m.predicted >= T.minCount && m.precision !== null && m.precision < T.low) {
      const j = argmax(confusion.map((row, k) => (k === l ? -1 : (row[l] ?? 0))));
      hints.push({
        code: 'low-precision',
        severity: 'warning',
        label: m.label,
        value: m.precision,
        count: m.predicted,
        ...(j >= 0 ? { other: labels[j]! } : {}),
      });
    }
  });
  if (balance.dominantGold >= 0) {
    const i = balance.dominantGold;
    hints.push({ code: 'imbalanced-gold', severity: 'info', label: labels[i]!, value: balance.gold[i]! / metrics.n });
  }
  if (context.other?.n === metrics.n && context.other.macroF1 - metrics.macroF1 >= T.calibrationGain) {
    hints.push({
      code: 'calibration-helps',
      severity: 'info',
      value: metrics.macroF1,
      reference: context.other.macroF1,
    });
  }
  if (context.uniformCount && context.uniformCount > 0)
    hints.push({ code: 'uniform', severity: 'warning', count: context.uniformCount });
  return hints;
}

/** English wording of a hint (CLI; the browser uses its translated message catalog). */
export function describeHint(h: DiagnosisHint, calibrated: boolean): string {
  const pct = (x: number | undefined) => `${Math.round(100 * (x ?? 0))}%`;
  switch (h.code) {
    case 'prediction-bias':
      return calibrated
        ? `The model predicts "${h.label}" for ${pct(h.value)} of the examples, though only ${pct(h.reference)} are "${h.label}", even with calibration. Try other label words or another template.`
        : `The model predicts "${h.label}" for ${pct(h.value)} of the examples, though only ${pct(h.reference)} are "${h.label}". This label bias is what calibration corrects: try it.`;
    case 'confused-pair':
      return `"${h.label}" and "${h.other}" are often mistaken for each other (${h.count} examples). Consider label words that tell them apart better, or merging the two labels.`;
    case 'low-recall':
      return `Low recall for "${h.label}" (${pct(h.value)}): most of its examples are predicted as something else${h.other ? `, mostly "${h.other}"` : ''}. Its label words may rarely fit this template; try other words. Also check those examples for label noise.`;
    case 'low-precision':
      return `Low precision for "${h.label}" (${pct(h.value)}): it is predicted for many examples of other labels${h.other ? `, mostly "${h.other}"` : ''}. Its words may be too general, or the labels are imbalanced.`;
    case 'imbalanced-gold':
      return `The data is imbalanced: ${pct(h.value)} of the examples are "${h.label}". Accuracy can look good just by predicting it; compare macro-F1.`;
    case 'no-support':
      return `"${h.label}" has no examples in the data; its recall is undefined (—) and its F1 counts as 0 in macro-F1.`;
    case 'calibration-helps':
      return calibrated
        ? `Calibration lowers macro-F1 here (${pct(h.reference)} without vs ${pct(h.value)} with it).`
        : `Calibration raises macro-F1 from ${pct(h.value)} to ${pct(h.reference)}.`;
    case 'uniform':
      return `${h.count} example(s) gave no probability to any label (all label words unusable?); they count as the first label.`;
  }
}

// ---------------------------------------------------------------------------------------------
// Export

const round6 = (x: number) => Math.round(x * 1e6) / 1e6;
/** Rounded, and undefined stays undefined (null). */
const round6OrNull = (x: number | null) => (x === null ? null : round6(x));

export interface LabelSummary {
  label: string;
  /** null when undefined (never predicted); see MACRO_CONVENTION. */
  precision: number | null;
  /** null when undefined (no gold example). */
  recall: number | null;
  /** null when undefined (no gold example and never predicted). */
  f1: number | null;
  support: number;
  predicted: number;
  tp: number;
  fp: number;
  fn: number;
}

export interface MetricsSummary {
  n: number;
  /** null when no example was evaluated. */
  accuracy: number | null;
  macroF1: number;
  microF1: number | null;
  perLabel: LabelSummary[];
  /** confusion[gold][predicted], indices into `labels`. */
  confusion: number[][];
}

export function summarizeMetrics(m: Metrics): MetricsSummary {
  return {
    n: m.n,
    accuracy: round6OrNull(m.accuracy),
    macroF1: round6(m.macroF1),
    microF1: round6OrNull(m.microF1),
    perLabel: m.perLabel.map((l) => ({
      label: l.label,
      precision: round6OrNull(l.precision),
      recall: round6OrNull(l.recall),
      f1: round6OrNull(l.f1),
      support: l.support,
      predicted: l.predicted,
      tp: l.tp,
      fp: l.fp,
      fn: l.fn,
    })),
    confusion: m.confusion.map((row) => [...row]),
  };
}

export interface EvaluationReport {
  format: 'clozelab-evaluation';
  /** 2: undefined per-label values are null (1 wrote 0), counts per label, `metricsConvention`. */
  version: 2;
  /** How undefined values and macro averages are written (MACRO_CONVENTION). */
  metricsConvention: string;
  model: { id: string; dtype: string } | null;
  labels: string[];
  scoring: ScoringOptions;
  /** Which mode the setup's scoring options select (the headline numbers). */
  primaryMode: CalibrationMode;
  examples: { evaluated: number; total: number; skippedRows: number };
  complete: boolean;
  templates: { id: string; name: string; text: string; uncalibrated: MetricsSummary; calibrated: MetricsSummary }[];
  ensemble: { uncalibrated: MetricsSummary; calibrated: MetricsSummary } | null;
}

/** The metrics of a run as JSON-ready data: what the browser exports and `clozelab eval --json` prints. */
export function evaluationReport(
  run: EvaluationRun,
  meta: { model: { id: string; dtype: string } | null; skippedRows: number },
): EvaluationReport {
  const both = (source: EvalSource) => ({
    uncalibrated: summarizeMetrics(runMetrics(run, source, 'uncalibrated')),
    calibrated: summarizeMetrics(runMetrics(run, source, 'calibrated')),
  });
  return {
    format: 'clozelab-evaluation',
    version: 2,
    metricsConvention: MACRO_CONVENTION,
    model: meta.model,
    labels: [...run.labels],
    scoring: { ...run.scoring },
    primaryMode: run.scoring.calibrate ? 'calibrated' : 'uncalibrated',
    examples: { evaluated: run.done, total: run.examples.length, skippedRows: meta.skippedRows },
    complete: run.status === 'complete',
    templates: run.templates.map((t, i) => ({ id: t.id, name: t.name, text: t.text, ...both(i) })),
    ensemble: run.templates.length > 1 ? both('ensemble') : null,
  };
}

/**
 * One CSV row per finished example and source (each template, then the ensemble): the inputs, the
 * gold label, and for both modes the prediction, its probability, whether it is right, and every
 * label's probability.
 */
export function predictionsCsv(run: EvaluationRun): string {
  const slots = templateSlots(run.templates);
  const header = [
    'line',
    'template',
    ...slots,
    'gold',
    'predicted',
    'confidence',
    'correct',
    ...run.labels.map((l) => `p(${l})`),
    'predicted_calibrated',
    'confidence_calibrated',
    'correct_calibrated',
    ...run.labels.map((l) => `p_calibrated(${l})`),
  ];
  const rows: (string | number)[][] = [];
  for (const source of evalSources(run)) {
    const name = source === 'ensemble' ? 'ensemble' : run.templates[source]!.id;
    const plain = predictions(run, source, 'uncalibrated');
    const calibrated = predictions(run, source, 'calibrated');
    plain.forEach((p, i) => {
      const c = calibrated[i]!;
      const ex = run.examples[p.example]!;
      rows.push([
        ex.line,
        name,
        ...slots.map((s) => ex.inputs[s] ?? ''),
        ex.gold,
        run.labels[p.predicted] ?? '',
        round6(p.confidence),
        p.correct ? 1 : 0,
        ...p.probs.map(round6),
        run.labels[c.predicted] ?? '',
        round6(c.confidence),
        c.correct ? 1 : 0,
        ...c.probs.map(round6),
      ]);
    });
  }
  // escapeFormulae: a cell starting with =, +, - or @ must not run as a spreadsheet formula.
  return Papa.unparse({ fields: header, data: rows }, { newline: '\n', escapeFormulae: true });
}

/** Which words of a prepared template can be scored (for messages). */
export function usableWordCount(t: PreparedTemplate): number {
  return t.words.filter(isUsable).length;
}
