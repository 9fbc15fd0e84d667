// A run's results as files: the metrics as JSON (what the browser exports and `clozelab eval --json`
// prints) and one CSV row per finished example and source.

import Papa from 'papaparse';
import type { ScoringOptions } from './scoring.ts';
import { MACRO_CONVENTION, type LabelMetrics, type Metrics } from './metrics.ts';
import { templateSlots } from './dataset-mapping.ts';
import type { EvaluationRun } from './evaluation.ts';
import { evalSources, predictions, runMetrics, type CalibrationMode, type EvalSource } from './evaluation-results.ts';

const round6 = (x: number) => Math.round(x * 1e6) / 1e6;
/** Rounded, and undefined stays undefined (null). */
const round6OrNull = (x: number | null) => (x === null ? null : round6(x));

/** A label's metrics as exported: the same values (rounded), without the flags that null already says. */
export type LabelSummary = Omit<LabelMetrics, 'noSupport' | 'noPredictions'>;

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
