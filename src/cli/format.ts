// How `clozelab eval` prints: plain-text tables of the results (the browser shows the same numbers),
// the JSON report, and the progress line.

import { diagnose, labelsWithoutWords } from '../core/diagnosis.ts';
import type { EvaluationProgress, EvaluationRun } from '../core/evaluation.ts';
import { formatIssue } from '../core/messages/index.ts';
import {
  evalSources,
  predictions,
  runMetrics,
  smallSampleNote,
  truncationNote,
  truncationSummary,
  type CalibrationMode,
  type EvalSource,
} from '../core/evaluation-results.ts';
import { isSmallSample, SMALL_SAMPLE_N, type Interval, type Metrics } from '../core/metrics.ts';
import { isTestModelId } from '../core/models.ts';
import { percent, percentRange, percentWithInterval } from '../core/percent.ts';

function table(rows: string[][], alignRight: (column: number) => boolean): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, [...cell].length)));
  return rows.map((row) =>
    row
      .map((cell, i) => {
        const pad = ' '.repeat((widths[i] ?? 0) - [...cell].length);
        return alignRight(i) ? pad + cell : cell + pad;
      })
      .join('  ')
      .trimEnd(),
  );
}

/** A per-label value, with its 95 % interval when it rests on a small sample (`n` = its denominator). */
function labelValue(value: number | null, interval: Interval | null, n: number): string {
  return value !== null && interval && isSmallSample(n)
    ? `${percent(value)} (${percentRange(interval)})`
    : percent(value);
}

function metricsBlock(m: Metrics): string[] {
  const lines: string[] = [];
  const perLabel = [
    ['label', 'precision', 'recall', 'F1', 'support', 'predicted'],
    ...m.perLabel.map((l) => [
      l.label,
      labelValue(l.precision, l.precisionCI, l.predicted),
      labelValue(l.recall, l.recallCI, l.support),
      percent(l.f1),
      String(l.support),
      String(l.predicted),
    ]),
  ];
  lines.push(...table(perLabel, (i) => i > 0).map((l) => `  ${l}`));
  if (m.perLabel.some((l) => l.precision === null || l.recall === null || l.f1 === null))
    lines.push("  — undefined (0/0); macro-F1 counts an undefined F1 as 0 (scikit-learn's zero_division=0)");
  if (m.perLabel.some((l) => (l.precisionCI && isSmallSample(l.predicted)) || (l.recallCI && isSmallSample(l.support))))
    lines.push(
      `  (a–b%): 95% confidence interval (Wilson), shown where a value rests on fewer than ${SMALL_SAMPLE_N} examples`,
    );
  lines.push('', '  confusion matrix (rows: gold label, columns: predicted label)');
  const confusion = [
    ['', ...m.labels],
    ...m.labels.map((label, g) => [label, ...m.labels.map((_, p) => String(m.confusion[g]?.[p] ?? 0))]),
  ];
  lines.push(...table(confusion, (i) => i > 0).map((l) => `  ${l}`));
  return lines;
}

export function sourceName(run: EvaluationRun, source: EvalSource): string {
  if (source === 'ensemble') return `Ensemble (mean of the ${run.templates.length} templates' label distributions)`;
  const t = run.templates[source]!;
  return `Template ${t.id} "${t.name}": ${t.text}`;
}

/** The per-source section: both calibration modes side by side, then details for the headline mode. */
export function formatSource(run: EvaluationRun, source: EvalSource, primary: CalibrationMode): string[] {
  const plain = runMetrics(run, source, 'uncalibrated');
  const calibrated = runMetrics(run, source, 'calibrated');
  const main = primary === 'calibrated' ? calibrated : plain;
  const lines = [sourceName(run, source)];
  const head = ['', 'without calibration', 'with calibration'];
  const rows = [
    head,
    [
      'accuracy',
      percentWithInterval(plain.accuracy, plain.accuracyCI, plain.n),
      percentWithInterval(calibrated.accuracy, calibrated.accuracyCI, calibrated.n),
    ],
    ['macro-F1', percent(plain.macroF1), percent(calibrated.macroF1)],
    ['micro-F1', percent(plain.microF1), percent(calibrated.microF1)],
  ];
  lines.push(...table(rows, (i) => i > 0).map((l) => `  ${l}`));
  const small = smallSampleNote(main.n);
  if (small) lines.push(`  note: ${formatIssue(small)}`);
  lines.push('');
  lines.push(`  per label (${primary === 'calibrated' ? 'with' : 'without'} calibration):`);
  lines.push(...metricsBlock(main));
  const uniformCount = predictions(run, source, primary).filter((p) => p.uniform).length;
  const hints = diagnose(main, {
    calibrated: primary === 'calibrated',
    other: primary === 'calibrated' ? plain : calibrated,
    uniformCount,
    labelsWithoutWords: labelsWithoutWords(run, source),
  });
  if (hints.length > 0) {
    lines.push('', '  hints:');
    for (const h of hints) lines.push(`  - ${formatIssue(h)}`);
  }
  return lines;
}

/** JSON with DEL and C1 characters escaped too (JSON.stringify escapes only C0): still valid JSON, safe on a terminal. */
export function jsonForTerminal(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(
    /[\u007f-\u009f]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

export function progressLine(p: EvaluationProgress): string {
  const seconds = p.elapsedMs / 1000;
  const rate = seconds > 0 ? p.done / seconds : 0;
  const eta = rate > 0 ? (p.total - p.done) / rate : 0;
  return `  ${p.done}/${p.total} examples · ${rate.toFixed(0)}/s · ${p.done < p.total ? `about ${Math.ceil(eta)} s left` : 'done'}`;
}

/** The whole text report: what was evaluated, then every source's section. */
export function formatRun(
  run: EvaluationRun,
  context: {
    model: { id: string; dtype: string; device: string };
    dataName: string;
    /** Usable examples in the data (the run may have finished fewer). */
    examples: number;
    skippedRows: number;
    primary: CalibrationMode;
    /** The --predictions file as given, when one is written (the truncation note points to it). */
    predictionsFile?: string;
  },
): string {
  const { model, primary } = context;
  const truncated = cliTruncationNote(run, context.predictionsFile);
  const lines = [
    'ClozeLab evaluation',
    `  model     ${model.id} (${model.dtype}, ${model.device})${isTestModelId(model.id) ? ' — test model with random weights: the numbers are meaningless' : ''}`,
    `  data      ${context.dataName}: ${run.done} of ${context.examples} examples evaluated${context.skippedRows ? `, ${context.skippedRows} row(s) skipped` : ''}`,
    `  labels    ${run.labels.join(', ')}`,
    `  scoring   ${run.scoring.aggregation} of word probabilities; headline: ${primary === 'calibrated' ? 'with' : 'without'} calibration`,
    ...(truncated ? [`  truncated ${truncated}`] : []),
    '',
  ];
  for (const source of evalSources(run)) lines.push(...formatSource(run, source, primary), '');
  return lines.join('\n');
}

/** "12 of 500 examples were truncated; up to 3,400 tokens dropped …", or null when nothing was cut. */
export function cliTruncationNote(run: EvaluationRun, predictionsFile: string | undefined): string | null {
  const note = truncationNote(
    truncationSummary(run),
    predictionsFile === undefined ? 'cli-flag' : 'cli-file',
    predictionsFile ?? '',
  );
  return note ? formatIssue(note) : null;
}
