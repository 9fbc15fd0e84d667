// A run's results as files: the metrics as JSON (what the browser exports and `clozelab eval --json`
// prints) and one CSV row per finished example and source.

import Papa from 'papaparse';
import type { ScoringOptions } from './scoring.ts';
import {
  CONFIDENCE_CONVENTION,
  isSmallSample,
  MACRO_CONVENTION,
  SMALL_SAMPLE_N,
  type Interval,
  type LabelMetrics,
  type Metrics,
} from './metrics.ts';
import { templateSlots } from './dataset-mapping.ts';
import type { EvaluationRun } from './evaluation.ts';
import {
  evalSources,
  exampleTruncation,
  predictions,
  runMetrics,
  truncatedInputsText,
  truncationSummary,
  type CalibrationMode,
  type EvalSource,
} from './evaluation-results.ts';
import type { InputTruncation } from './types.ts';

const round6 = (x: number) => Math.round(x * 1e6) / 1e6;
/** Rounded, and undefined stays undefined (null). */
const round6OrNull = (x: number | null) => (x === null ? null : round6(x));
const roundInterval = (ci: Interval | null): Interval | null =>
  ci === null ? null : { low: round6(ci.low), high: round6(ci.high) };

/** A label's metrics as exported: the same values (rounded), without the flags that null already says. */
export type LabelSummary = Omit<LabelMetrics, 'noSupport' | 'noPredictions'>;

export interface MetricsSummary {
  n: number;
  /** null when no example was evaluated. */
  accuracy: number | null;
  /** 95 % Wilson score interval of accuracy ({low, high} in [0, 1]); null when no example was evaluated. */
  accuracyCI: Interval | null;
  /** n is below `smallSampleN` (the report's): read the intervals, not only the values. */
  smallSample: boolean;
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
    accuracyCI: roundInterval(m.accuracyCI),
    smallSample: isSmallSample(m.n),
    macroF1: round6(m.macroF1),
    microF1: round6OrNull(m.microF1),
    perLabel: m.perLabel.map((l) => ({
      label: l.label,
      precision: round6OrNull(l.precision),
      recall: round6OrNull(l.recall),
      precisionCI: roundInterval(l.precisionCI),
      recallCI: roundInterval(l.recallCI),
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

/**
 * Input text the runtime cut so that prompts fit the model (only inputs are cut, from their end;
 * the template and [Z] never).
 */
export interface TruncationReport {
  /** Evaluated examples with input cut by at least one template. */
  examples: number;
  /** The most tokens cut from one example. */
  maxTokens: number;
  /** Tokens cut over all examples (each example counted once, with its largest cut). */
  totalTokens: number;
  /** Per truncated example, in file order: its first line in the data, the tokens cut (the most over the templates) and per input slot. */
  perExample: { line: number; tokens: number; inputs: InputTruncation[] }[];
}

export interface EvaluationReport {
  format: 'clozelab-evaluation';
  /**
   * 2: undefined per-label values are null (1 wrote 0), counts per label, `metricsConvention`.
   * 3: `truncation` (which examples' inputs were cut to fit the model) and `truncatedExamples` per template.
   * 4: 95 % Wilson intervals (`accuracyCI`; per label `precisionCI`, `recallCI`), `smallSample`,
   *    `confidenceConvention` and `smallSampleN`.
   */
  version: 4;
  /** How undefined values and macro averages are written (MACRO_CONVENTION). */
  metricsConvention: string;
  /** How the confidence intervals are computed (CONFIDENCE_CONVENTION). */
  confidenceConvention: string;
  /** Fewer examples than this are a small sample (SMALL_SAMPLE_N). */
  smallSampleN: number;
  model: { id: string; dtype: string } | null;
  labels: string[];
  scoring: ScoringOptions;
  /** Which mode the setup's scoring options select (the headline numbers). */
  primaryMode: CalibrationMode;
  examples: { evaluated: number; total: number; skippedRows: number };
  complete: boolean;
  truncation: TruncationReport;
  templates: {
    id: string;
    name: string;
    text: string;
    /** Evaluated examples whose prompt with this template had input cut. */
    truncatedExamples: number;
    uncalibrated: MetricsSummary;
    calibrated: MetricsSummary;
  }[];
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
  const truncation = truncationSummary(run);
  return {
    format: 'clozelab-evaluation',
    version: 4,
    metricsConvention: MACRO_CONVENTION,
    confidenceConvention: CONFIDENCE_CONVENTION,
    smallSampleN: SMALL_SAMPLE_N,
    model: meta.model,
    labels: [...run.labels],
    scoring: { ...run.scoring },
    primaryMode: run.scoring.calibrate ? 'calibrated' : 'uncalibrated',
    examples: { evaluated: run.done, total: run.examples.length, skippedRows: meta.skippedRows },
    complete: run.status === 'complete',
    truncation: {
      examples: truncation.examples,
      maxTokens: truncation.maxTokens,
      totalTokens: truncation.totalTokens,
      perExample: truncation.perExample.map(({ example, truncation: cut }) => ({
        line: run.examples[example]!.line,
        tokens: cut.tokens,
        inputs: cut.inputs.map((i) => ({ ...i })),
      })),
    },
    templates: run.templates.map((t, i) => ({
      id: t.id,
      name: t.name,
      text: t.text,
      truncatedExamples: truncationSummary(run, i).examples,
      ...both(i),
    })),
    ensemble: run.templates.length > 1 ? both('ensemble') : null,
  };
}

/**
 * One CSV row per finished example and source (each template, then the ensemble): the inputs, the
 * gold label, and for both modes the prediction, its probability, whether it is right, and every
 * label's probability; last, the input tokens cut to fit the model (`truncated_tokens`; for the
 * ensemble the most over the templates) and from which slots (`truncated_inputs`, "X:3400").
 */
/** Columns added to every row of the predictions file (e.g. word attribution's top words). */
export interface PredictionColumns {
  header: string[];
  cells: (source: EvalSource, example: number) => (string | number)[];
}

export function predictionsCsv(run: EvaluationRun, extra?: PredictionColumns): string {
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
    'truncated_tokens',
    'truncated_inputs',
    ...(extra?.header ?? []),
  ];
  const rows: (string | number)[][] = [];
  for (const source of evalSources(run)) {
    const name = source === 'ensemble' ? 'ensemble' : run.templates[source]!.id;
    const plain = predictions(run, source, 'uncalibrated');
    const calibrated = predictions(run, source, 'calibrated');
    plain.forEach((p, i) => {
      const c = calibrated[i]!;
      const ex = run.examples[p.example]!;
      const cut = exampleTruncation(run, source, p.example);
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
        cut?.tokens ?? 0,
        cut ? truncatedInputsText(cut.inputs) : '',
        ...(extra ? extra.cells(source, p.example) : []),
      ]);
    });
  }
  // escapeFormulae: a cell starting with =, +, - or @ must not run as a spreadsheet formula.
  return Papa.unparse({ fields: header, data: rows }, { newline: '\n', escapeFormulae: true });
}
