// Few-shot numbers: one cell per (method, K, seed) from its predictions (core/metrics.ts), and the
// curve's points — mean ± sample standard deviation over the seeds of each (method, K).

import { computeMetrics } from '../metrics.ts';
import { argmax } from '../numerics.ts';
import type { FewShotCell, FewShotConfig, FewShotMethod, FewShotSummaryRow, MeanStd } from './types.ts';
import { FEWSHOT_METHODS } from './types.ts';

/** Mean and sample standard deviation (n − 1; 0 for a single value). */
export function meanStd(values: readonly number[]): MeanStd {
  const n = values.length;
  if (n === 0) return { mean: NaN, std: NaN, seeds: 0 };
  const mean = values.reduce((a, b) => a + b, 0) / n;
  if (n === 1) return { mean, std: 0, seeds: 1 };
  const ss = values.reduce((a, b) => a + (b - mean) * (b - mean), 0);
  return { mean, std: Math.sqrt(ss / (n - 1)), seeds: n };
}

/** A cell from gold label indices and label distributions (argmax, first label on ties). */
export function cellFrom(
  method: FewShotMethod,
  k: number,
  seed: number,
  labels: readonly string[],
  gold: readonly string[],
  distributions: readonly (readonly number[])[],
): FewShotCell {
  const predicted = distributions.map((d) => labels[argmax(d)] ?? '');
  const m = computeMetrics(gold, predicted, labels);
  return { method, k, seed, n: m.n, accuracy: m.accuracy ?? 0, macroF1: m.n > 0 ? m.macroF1 : null };
}

/** Cells in the order of the config: K, then seed, then method (FEWSHOT_METHODS order). */
export function sortCells(cells: FewShotCell[], config: Pick<FewShotConfig, 'ks' | 'seeds'>): FewShotCell[] {
  const kIndex = (k: number) => config.ks.indexOf(k);
  const sIndex = (s: number) => config.seeds.indexOf(s);
  const mIndex = (m: FewShotMethod) => FEWSHOT_METHODS.indexOf(m);
  return cells.sort(
    (a, b) => kIndex(a.k) - kIndex(b.k) || sIndex(a.seed) - sIndex(b.seed) || mIndex(a.method) - mIndex(b.method),
  );
}

/**
 * One row per (method, K) that has at least one cell: method order (FEWSHOT_METHODS), then the
 * config's K order. macroF1 is null when no cell of the row has one.
 */
export function summarize(cells: readonly FewShotCell[], config: Pick<FewShotConfig, 'ks'>): FewShotSummaryRow[] {
  const rows: FewShotSummaryRow[] = [];
  for (const method of FEWSHOT_METHODS) {
    for (const k of config.ks) {
      const mine = cells.filter((c) => c.method === method && c.k === k);
      if (mine.length === 0) continue;
      const f1s = mine.map((c) => c.macroF1).filter((x): x is number => x !== null);
      rows.push({
        method,
        k,
        accuracy: meanStd(mine.map((c) => c.accuracy)),
        macroF1: f1s.length > 0 ? meanStd(f1s) : null,
      });
    }
  }
  return rows;
}
