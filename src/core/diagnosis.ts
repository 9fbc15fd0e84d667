// Diagnosis: plain-language hints from an evaluation's metrics (shared by the workbench and the CLI).

import { argmax } from './numerics.ts';
import { issue, type HintCode, type Issue } from './issues.ts';
import type { Metrics } from './metrics.ts';
import type { EvaluationRun } from './evaluation.ts';
import type { EvalSource } from './evaluation-results.ts';
import { isUsable } from './label-words.ts';

// Hints: labels without a label word the model can read (unreadable-label-words); examples that got no
// probability for any label (uniform); one label predicted far more often than it occurs
// (prediction-bias); two labels mistaken for each other (confused-pair); a label's gold examples
// mostly missed (low-recall) or a label predicted for many examples of others (low-precision); a
// label without examples (no-support) or dominating the data (imbalanced-gold); the other
// calibration mode clearly better (calibration-helps).
export type DiagnosisHint = Issue<HintCode>;
export type { HintCode } from './issues.ts';

/**
 * Hints come in this order, by cause: a hint comes before the hints it explains or makes moot.
 * Label words the model can't read make every number below them meaningless; examples without
 * any probability fall back to the first label, which looks like a bias; a bias or a confused pair
 * is why recall and precision are low; facts about the data come next, and calibration — a remedy,
 * not a cause — last. Hints of equal rank keep the order they were found in (label order).
 */
export const HINT_ORDER: Readonly<Record<HintCode, number>> = Object.freeze({
  'unreadable-label-words': 0,
  uniform: 1,
  'prediction-bias': 2,
  'confused-pair': 3,
  'low-recall': 4,
  'low-precision': 4,
  'no-support': 5,
  'imbalanced-gold': 5,
  'calibration-helps': 6,
});

/** Hints about what the model did; moot when every example fell back to the uniform distribution. */
const MODEL_BEHAVIOUR: ReadonlySet<HintCode> = new Set<HintCode>([
  'prediction-bias',
  'confused-pair',
  'low-recall',
  'low-precision',
  'calibration-helps',
]);

/**
 * The labels of which no word is usable for the run's model (every word unknown to its tokenizer
 * or empty), in label order — in the template `source`, or in every template for the ensemble.
 */
export function labelsWithoutWords(run: EvaluationRun, source: EvalSource): string[] {
  const one = source === 'ensemble' ? undefined : run.templates[source];
  const templates = source === 'ensemble' ? run.templates : one ? [one] : [];
  if (templates.length === 0) return [];
  return run.labels.filter((label) =>
    templates.every((tpl) => !tpl.words.some((w) => w.label === label && isUsable(w))),
  );
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

/**
 * Hints, by cause (HINT_ORDER); their words are in the message catalogs. `other` is the same
 * source's metrics in the other calibration mode; `uniformCount` how many examples got no
 * probability for any label; `labelsWithoutWords` the labels no word of which the model can read
 * (labelsWithoutWords()).
 */
export function diagnose(
  metrics: Metrics,
  context: { calibrated: boolean; other?: Metrics; uniformCount?: number; labelsWithoutWords?: readonly string[] },
): DiagnosisHint[] {
  const found = findHints(metrics, context);
  // Every example fell back to the uniform distribution: what the "model did" is the fallback's doing.
  const allUniform = metrics.n > 0 && (context.uniformCount ?? 0) >= metrics.n;
  return found
    .filter((h) => !(allUniform && MODEL_BEHAVIOUR.has(h.code)))
    .map((h, i) => ({ h, i }))
    .sort((a, b) => HINT_ORDER[a.h.code] - HINT_ORDER[b.h.code] || a.i - b.i)
    .map(({ h }) => h);
}

function findHints(
  metrics: Metrics,
  context: { calibrated: boolean; other?: Metrics; uniformCount?: number; labelsWithoutWords?: readonly string[] },
): DiagnosisHint[] {
  const T = DIAGNOSIS_THRESHOLDS;
  const hints: DiagnosisHint[] = [];
  if (metrics.n === 0) return hints;
  const { labels, confusion, perLabel } = metrics;
  const balance = labelBalance(metrics);
  const wordless = context.labelsWithoutWords ?? [];
  if (wordless.length > 0) {
    const all = wordless.length === labels.length;
    hints.push(
      issue('unreadable-label-words', 'warning', {
        labels: wordless.join(', '),
        all: all ? 1 : 0,
      }),
    );
  }

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
  // When no label has a usable word, unreadable-label-words already says why every example is uniform.
  if (context.uniformCount && context.uniformCount > 0 && wordless.length < labels.length)
    hints.push(issue('uniform', 'warning', { count: context.uniformCount }));
  return hints;
}
