// Plain-text tables for the CLI's evaluation output (the browser shows the same numbers).

import {
  predictions,
  runMetrics,
  type CalibrationMode,
  type EvalSource,
  type EvaluationRun,
} from '../core/evaluation.ts';
import { diagnose } from '../core/diagnosis.ts';
import { formatIssue } from '../core/messages/index.ts';
import type { Metrics } from '../core/metrics.ts';

/** "52.5%"; "—" for an undefined value (null). */
export const pct = (x: number | null) => (x === null ? '—' : `${(100 * x).toFixed(1)}%`);

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

function metricsBlock(m: Metrics): string[] {
  const lines: string[] = [];
  const perLabel = [
    ['label', 'precision', 'recall', 'F1', 'support', 'predicted'],
    ...m.perLabel.map((l) => [
      l.label,
      pct(l.precision),
      pct(l.recall),
      pct(l.f1),
      String(l.support),
      String(l.predicted),
    ]),
  ];
  lines.push(...table(perLabel, (i) => i > 0).map((l) => `  ${l}`));
  if (m.perLabel.some((l) => l.precision === null || l.recall === null || l.f1 === null))
    lines.push("  — undefined (0/0); macro-F1 counts an undefined F1 as 0 (scikit-learn's zero_division=0)");
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
    ['accuracy', pct(plain.accuracy), pct(calibrated.accuracy)],
    ['macro-F1', pct(plain.macroF1), pct(calibrated.macroF1)],
    ['micro-F1', pct(plain.microF1), pct(calibrated.microF1)],
  ];
  lines.push(...table(rows, (i) => i > 0).map((l) => `  ${l}`), '');
  lines.push(`  per label (${primary === 'calibrated' ? 'with' : 'without'} calibration):`);
  lines.push(...metricsBlock(main));
  const uniformCount = predictions(run, source, primary).filter((p) => p.uniform).length;
  const hints = diagnose(main, {
    calibrated: primary === 'calibrated',
    other: primary === 'calibrated' ? plain : calibrated,
    uniformCount,
  });
  if (hints.length > 0) {
    lines.push('', '  hints:');
    for (const h of hints) lines.push(`  - ${formatIssue(h)}`);
  }
  return lines;
}
