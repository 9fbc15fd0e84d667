// Diagnosis: plain-language hints from an evaluation's metrics (shared by the workbench and the CLI).

import { argmax } from './scoring.ts';
import type { Metrics } from './metrics.ts';

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
  if (context.other && context.other.n === metrics.n && context.other.macroF1 - metrics.macroF1 >= T.calibrationGain) {
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
