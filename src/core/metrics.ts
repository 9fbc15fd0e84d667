// Classification metrics for the evaluation workbench.
//
// For each label l (one-vs-rest): tp = #(gold=l, pred=l), fp = #(gold≠l, pred=l), fn = #(gold=l, pred≠l)
//   precision = tp / (tp + fp), recall = tp / (tp + fn), F1 = 2·tp / (2·tp + fp + fn)
//   (= 2·P·R / (P + R) where both are defined).
// Undefined stays undefined: a 0/0 is null (never NaN, never a made-up 0) — precision of a label
//   never predicted, recall of a label without gold examples, F1 of a label with neither — and
//   flagged (noPredictions / noSupport); the counts are always there.
// accuracy = #(gold = pred) / n  (string equality, whether or not the label is in `labels`); null when n = 0.
// macro-F1 = mean of the per-label F1 over all given labels, an undefined F1 counting as 0 — the
//   convention of scikit-learn's f1_score(average='macro', zero_division=0). MACRO_CONVENTION says
//   so in every export.
// micro-F1 from Σtp, Σfp, Σfn over the given labels (null when 0/0); equals accuracy when every gold
//   and predicted label is in `labels`.
// confusion[g][p] = #(gold = labels[g], pred = labels[p]); rows or columns outside `labels` are
//   counted in `outsideLabels` instead.
// Confidence: accuracy, and each label's precision and recall, come with the 95 % Wilson score
//   interval of their proportion (wilsonInterval) — null where the value is undefined. This is the
//   one place they are computed; the browser, the CLI text and the metrics JSON all read them here.

/** Below this many examples (the denominator of a proportion) the numbers get a small-sample note. */
export const SMALL_SAMPLE_N = 30;

/** How the confidence intervals are computed (stated in the metrics JSON and the README). */
export const CONFIDENCE_CONVENTION =
  '95% Wilson score intervals (z = 1.96) for accuracy (correct of n), per-label precision (tp of predicted) and recall (tp of support); null where the value is undefined. ' +
  `Fewer than ${SMALL_SAMPLE_N} examples are flagged as a small sample.`;

/** A confidence interval of a proportion, in [0, 1]. */
export interface Interval {
  low: number;
  high: number;
}

/** z for a two-sided 95 % interval. */
const Z95 = 1.959963984540054;

/**
 * The Wilson score interval of `successes` out of `n` (Wilson 1927): unlike p ± z·√(p(1−p)/n) it
 * stays inside [0, 1], is not zero-width at 0 of n or n of n, and keeps close to its nominal
 * coverage for small n. null when n = 0 (nothing to estimate).
 *   centre = (p + z²/2n) / (1 + z²/n), half = z·√(p(1−p)/n + z²/4n²) / (1 + z²/n)
 */
export function wilsonInterval(successes: number, n: number, z = Z95): Interval | null {
  if (!(n > 0) || successes < 0 || successes > n) return null;
  const p = successes / n;
  const z2 = z * z;
  const denominator = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denominator;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denominator;
  // Exact ends at 0 and n (rounding would put them a hair outside).
  return {
    low: successes === 0 ? 0 : Math.max(0, centre - half),
    high: successes === n ? 1 : Math.min(1, centre + half),
  };
}

/** How macro averages treat undefined per-label values (stated in the metrics JSON and the README). */
export const MACRO_CONVENTION =
  'Per-label precision, recall and F1 that are undefined (0/0: a label never predicted, or without gold examples) are null. ' +
  "Macro-F1 is the mean over all labels with an undefined F1 counted as 0 (scikit-learn's f1_score(average='macro', zero_division=0)).";

export interface LabelMetrics {
  label: string;
  /** tp / (tp + fp); null when the label is never predicted. */
  precision: number | null;
  /** tp / (tp + fn); null when the label has no gold example. */
  recall: number | null;
  /** 95 % Wilson interval of precision (tp of predicted); null when precision is. */
  precisionCI: Interval | null;
  /** 95 % Wilson interval of recall (tp of support); null when recall is. */
  recallCI: Interval | null;
  /** 2·tp / (2·tp + fp + fn); null only with neither gold examples nor predictions. */
  f1: number | null;
  /** Number of gold examples with this label. */
  support: number;
  /** Number of examples predicted as this label. */
  predicted: number;
  tp: number;
  fp: number;
  fn: number;
  /** No gold example has this label: recall is undefined (null). */
  noSupport: boolean;
  /** Never predicted: precision is undefined (null). */
  noPredictions: boolean;
}

export interface Metrics {
  /** Number of examples. */
  n: number;
  /** null when there are no examples. */
  accuracy: number | null;
  /** 95 % Wilson interval of accuracy; null when there are no examples. */
  accuracyCI: Interval | null;
  perLabel: LabelMetrics[];
  /** Mean F1 over all labels, an undefined F1 counting as 0 (MACRO_CONVENTION); 0 without labels. */
  macroF1: number;
  micro: { precision: number | null; recall: number | null; f1: number | null };
  microF1: number | null;
  labels: string[];
  /** counts[gold][pred], indices into `labels`. */
  confusion: number[][];
  /** Examples whose gold or predicted label is not in `labels`. */
  outsideLabels: number;
}

/** a / b, or null for 0/0 (undefined). */
const div = (a: number, b: number): number | null => (b === 0 ? null : a / b);
const f1 = (tp: number, fp: number, fn: number) => div(2 * tp, 2 * tp + fp + fn);

export function computeMetrics(
  gold: readonly string[],
  predicted: readonly string[],
  labels: readonly string[],
): Metrics {
  if (gold.length !== predicted.length) {
    throw new RangeError(`computeMetrics: ${gold.length} gold labels but ${predicted.length} predictions`);
  }
  const labelList = [...new Set(labels)];
  const index = new Map(labelList.map((l, i) => [l, i] as const));
  const L = labelList.length;
  const confusion = Array.from({ length: L }, () => new Array<number>(L).fill(0));
  let correct = 0;
  let outsideLabels = 0;
  const tp = new Array<number>(L).fill(0);
  const fp = new Array<number>(L).fill(0);
  const fn = new Array<number>(L).fill(0);
  for (let i = 0; i < gold.length; i++) {
    const g = index.get(gold[i]!);
    const p = index.get(predicted[i]!);
    if (gold[i] === predicted[i]) correct++;
    if (g !== undefined && p !== undefined) confusion[g]![p]!++;
    else outsideLabels++;
    if (g !== undefined && p !== undefined && g === p) tp[g]!++;
    else {
      if (g !== undefined) fn[g]!++;
      if (p !== undefined) fp[p]!++;
    }
  }
  const perLabel: LabelMetrics[] = labelList.map((label, l) => {
    const support = tp[l]! + fn[l]!;
    const predicted = tp[l]! + fp[l]!;
    return {
      label,
      precision: div(tp[l]!, predicted),
      recall: div(tp[l]!, support),
      precisionCI: wilsonInterval(tp[l]!, predicted),
      recallCI: wilsonInterval(tp[l]!, support),
      f1: f1(tp[l]!, fp[l]!, fn[l]!),
      support,
      predicted,
      tp: tp[l]!,
      fp: fp[l]!,
      fn: fn[l]!,
      noSupport: support === 0,
      noPredictions: predicted === 0,
    };
  });
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  const micro = {
    precision: div(sum(tp), sum(tp) + sum(fp)),
    recall: div(sum(tp), sum(tp) + sum(fn)),
    f1: f1(sum(tp), sum(fp), sum(fn)),
  };
  return {
    n: gold.length,
    accuracy: div(correct, gold.length),
    accuracyCI: wilsonInterval(correct, gold.length),
    perLabel,
    macroF1: L === 0 ? 0 : sum(perLabel.map((m) => m.f1 ?? 0)) / L,
    micro,
    microF1: micro.f1,
    labels: labelList,
    confusion,
    outsideLabels,
  };
}

/** Whether a proportion over `n` items is a small sample (0 < n < SMALL_SAMPLE_N). */
export const isSmallSample = (n: number) => n > 0 && n < SMALL_SAMPLE_N;
