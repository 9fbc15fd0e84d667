// Diagnosis: plain-language hints from an evaluation's metrics (shared by the workbench and the CLI).

import { argmax } from './numerics.ts';
import { issue, type HintCode, type Issue } from './issues.ts';
import type { Metrics } from './metrics.ts';

// Hints: a label's gold examples mostly missed (low-recall) or a label predicted for many examples
// of others (low-precision); two labels mistaken for each other (confused-pair); one label
// predicted far more often than it occurs (prediction-bias) or dominating the data
// (imbalanced-gold); a label without examples (no-support); the other calibration mode clearly
// better (calibration-helps); examples that got no probability for any label (uniform).
export type DiagnosisHint = Issue<HintCode>;
export type { HintCode } from './issues.ts';

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

/**
 * Hints, most important first; their words are in the message catalogs. `other` is the same
 * source's metrics in the other calibration mode.
 */
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
      hints.push(
        issue('prediction-bias', 'warning', {
          label: labels[i]!,
          value: share,
          reference: goldShare,
          calibrated: context.calibrated ? 1 : 0,
        }),
      );
    }
  }
  // Confused pairs: mix-ups in both directions.
  const pairs: Issue<'confused-pair'>[] = [];
  for (let a = 0; a < labels.length; a++) {
    for (let b = a + 1; b < labels.length; b++) {
      const ab = confusion[a]?.[b] ?? 0;
      const ba = confusion[b]?.[a] ?? 0;
      const mixed = ab + ba;
      const both = (perLabel[a]?.support ?? 0) + (perLabel[b]?.support ?? 0);
      // Mistakes in one direction only are a bias (see prediction-bias / low-recall), not a mix-up.
      if (ab > 0 && ba > 0 && mixed >= T.pairMin && both > 0 && mixed / both >= T.pairShare) {
        pairs.push(
          issue('confused-pair', 'warning', {
            label: labels[a]!,
            other: labels[b]!,
            count: mixed,
            share: mixed / both,
          }),
        );
      }
    }
  }
  pairs.sort((x, y) => y.params.count - x.params.count);
  hints.push(...pairs);
  perLabel.forEach((m, l) => {
    if (m.noSupport) {
      hints.push(issue('no-support', 'info', { label: m.label }));
      return;
    }
    if (m.support >= T.minCount && m.recall !== null && m.recall < T.low) {
      // Where its examples went instead.
      const row = confusion[l] ?? [];
      const j = argmax(row.map((c, k) => (k === l ? -1 : c)));
      hints.push(
        issue('low-recall', 'warning', {
          label: m.label,
          value: m.recall,
          count: m.support,
          other: j >= 0 && (row[j] ?? 0) > 0 ? labels[j]! : '',
        }),
      );
    }
    if (m.predicted >= T.minCount && m.precision !== null && m.precision < T.low) {
      const j = argmax(confusion.map((row, k) => (k === l ? -1 : (row[l] ?? 0))));
      hints.push(
        issue('low-precision', 'warning', {
          label: m.label,
          value: m.precision,
          count: m.predicted,
          other: j >= 0 ? labels[j]! : '',
        }),
      );
    }
  });
  if (balance.dominantGold >= 0) {
    const i = balance.dominantGold;
    hints.push(issue('imbalanced-gold', 'info', { label: labels[i]!, value: balance.gold[i]! / metrics.n }));
  }
  if (context.other?.n === metrics.n && context.other.macroF1 - metrics.macroF1 >= T.calibrationGain) {
    hints.push(
      issue('calibration-helps', 'info', {
        value: metrics.macroF1,
        reference: context.other.macroF1,
        calibrated: context.calibrated ? 1 : 0,
      }),
    );
  }
  if (context.uniformCount && context.uniformCount > 0)
    hints.push(issue('uniform', 'warning', { count: context.uniformCount }));
  return hints;
}
