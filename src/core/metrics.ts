// Classification metrics for the evaluation workbench.
//
// For each label l (one-vs-rest): tp = #(gold=l, pred=l), fp = #(gold≠l, pred=l), fn = #(gold=l, pred≠l)
//   precision = tp / (tp + fp), recall = tp / (tp + fn), F1 = 2·P·R / (P + R)
// Any 0/0 is reported as 0 (never NaN) and flagged (noSupport / noPredictions).
// accuracy = #(gold = pred) / n  (string equality, whether or not the label is in `labels`)
// macro-F1 = mean of the per-label F1 over all given labels (zero-support labels count as 0,
//   like scikit-learn with zero_division=0 — the flag tells the UI to explain it).
// micro-F1 from Σtp, Σfp, Σfn over the given labels; equals accuracy when every gold and predicted
//   label is in `labels`.
// confusion[g][p] = #(gold = labels[g], pred = labels[p]); rows or columns outside `labels` are
//   counted in `outsideLabels` instead.

export interface LabelMetrics {
  label: string;
  precision: number;
  recall: number;
  f1: number;
  /** Number of gold examples with this label. */
  support: number;
  /** Number of examples predicted as this label. */
  predicted: number;
  tp: number;
  fp: number;
  fn: number;
  /** No gold example has this label: recall and F1 are 0 by convention. */
  noSupport: boolean;
  /** Never predicted: precision is 0 by convention. */
  noPredictions: boolean;
}

export interface Metrics {
  /** Number of examples. */
  n: number;
  accuracy: number;
  perLabel: LabelMetrics[];
  macroF1: number;
  micro: { precision: number; recall: number; f1: number };
  microF1: number;
  labels: string[];
  /** counts[gold][pred], indices into `labels`. */
  confusion: number[][];
  /** Examples whose gold or predicted label is not in `labels`. */
  outsideLabels: number;
}

const div = (a: number, b: number) => (b === 0 ? 0 : a / b);
const f1 = (p: number, r: number) => (p + r === 0 ? 0 : (2 * p * r) / (p + r));

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
    const precision = div(tp[l]!, tp[l]! + fp[l]!);
    const recall = div(tp[l]!, tp[l]! + fn[l]!);
    return {
      label,
      precision,
      recall,
      f1: f1(precision, recall),
      support: tp[l]! + fn[l]!,
      predicted: tp[l]! + fp[l]!,
      tp: tp[l]!,
      fp: fp[l]!,
      fn: fn[l]!,
      noSupport: tp[l]! + fn[l]! === 0,
      noPredictions: tp[l]! + fp[l]! === 0,
    };
  });
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  const microP = div(sum(tp), sum(tp) + sum(fp));
  const microR = div(sum(tp), sum(tp) + sum(fn));
  const micro = { precision: microP, recall: microR, f1: f1(microP, microR) };
  return {
    n: gold.length,
    accuracy: div(correct, gold.length),
    perLabel,
    macroF1: div(sum(perLabel.map((m) => m.f1)), L),
    micro,
    microF1: micro.f1,
    labels: labelList,
    confusion,
    outsideLabels,
  };
}
