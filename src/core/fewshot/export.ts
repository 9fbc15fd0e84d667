// A few-shot run as files (summary CSV, cells CSV, splits CSV, JSON) and as the table the CLI prints
// and the UI mirrors (method rows × K columns, "mean ± std" over the seeds). Conventions as the
// evaluation exports (core/evaluation-report.ts): proportions in [0, 1] rounded to 6 decimals,
// undefined values empty (CSV) or null (JSON), rows in a fixed order (the config's K and seed
// order, methods in FEWSHOT_METHODS order), "\n" line ends, spreadsheet formulas escaped.

import Papa from 'papaparse';
import { MACRO_CONVENTION } from '../metrics.ts';
import type { EvalExample } from '../dataset.ts';
import { splitRows } from './splits.ts';
import { FEWSHOT_METHODS, type FewShotData, type FewShotMethod, type FewShotResult, type MeanStd } from './types.ts';

const round6 = (x: number) => Math.round(x * 1e6) / 1e6;
const round6OrNull = (x: number | null) => (x === null || !Number.isFinite(x) ? null : round6(x));
const csv = (fields: string[], data: (string | number | null)[][]) =>
  Papa.unparse({ fields, data: data.map((r) => r.map((v) => v ?? '')) }, { newline: '\n', escapeFormulae: true });

/** One row per (method, K): mean and sample std over the seeds. */
export function summaryCsv(result: FewShotResult): string {
  return csv(
    ['method', 'k', 'seeds', 'accuracy_mean', 'accuracy_std', 'macro_f1_mean', 'macro_f1_std'],
    result.summary.map((r) => [
      r.method,
      r.k,
      r.accuracy.seeds,
      round6OrNull(r.accuracy.mean),
      round6OrNull(r.accuracy.std),
      r.macroF1 ? round6OrNull(r.macroF1.mean) : null,
      r.macroF1 ? round6OrNull(r.macroF1.std) : null,
    ]),
  );
}

/** One row per (method, K, seed). */
export function cellsCsv(result: FewShotResult): string {
  return csv(
    ['method', 'k', 'seed', 'n', 'accuracy', 'macro_f1'],
    result.cells.map((c) => [c.method, c.k, c.seed, c.n, round6(c.accuracy), round6OrNull(c.macroF1)]),
  );
}

/** Every split's examples: K, seed, train/test, the data line, the gold label. */
export function splitsCsv(result: FewShotResult, data: FewShotData): string {
  const rows = result.splits.flatMap((s) => splitRows(s, data.examples, data.testExamples));
  return csv(
    ['k', 'seed', 'role', 'line', 'label'],
    rows.map((r) => [r.k, r.seed, r.role, r.line, r.label]),
  );
}

export interface FewShotReport {
  format: 'clozelab-fewshot';
  version: 1;
  metricsConvention: string;
  /** How the summary's spread is computed. */
  summaryConvention: string;
  model: { id: string; dtype: string } | null;
  modelKey: string;
  labels: string[];
  templates: FewShotResult['templates'];
  config: FewShotResult['config'];
  complete: boolean;
  status: FewShotResult['status'];
  error: string | null;
  /** Data lines (1-based, as in the file) of each split's training and test examples. */
  splits: { k: number; seed: number; testSource: 'rest' | 'file'; train: number[]; test: number[] }[];
  cells: { method: FewShotMethod; k: number; seed: number; n: number; accuracy: number; macroF1: number | null }[];
  summary: {
    method: FewShotMethod;
    k: number;
    accuracy: MeanStd;
    macroF1: MeanStd | null;
  }[];
  skipped: FewShotResult['skipped'];
  stats: FewShotResult['stats'];
}

export const SUMMARY_CONVENTION =
  'Mean and sample standard deviation (n − 1) over the seeds of each (method, K); 0 for a single seed.';

const roundMeanStd = (m: MeanStd): MeanStd => ({ mean: round6(m.mean), std: round6(m.std), seeds: m.seeds });

/** The run as JSON-ready data (the browser's JSON export and `clozelab fewshot --json`). */
export function fewShotReport(
  result: FewShotResult,
  data: FewShotData,
  meta: { model: { id: string; dtype: string } | null },
): FewShotReport {
  const lines = (pool: readonly EvalExample[], idx: readonly number[]) => idx.map((i) => pool[i]!.line);
  return {
    format: 'clozelab-fewshot',
    version: 1,
    metricsConvention: MACRO_CONVENTION,
    summaryConvention: SUMMARY_CONVENTION,
    model: meta.model,
    modelKey: result.modelKey,
    labels: [...result.labels],
    templates: result.templates.map((t) => ({ ...t })),
    config: structuredClone(result.config),
    complete: result.status === 'complete',
    status: result.status,
    error: result.error ?? null,
    splits: result.splits.map((s) => ({
      k: s.k,
      seed: s.seed,
      testSource: s.testSource,
      train: lines(data.examples, s.train),
      test: lines(s.testSource === 'file' ? (data.testExamples ?? []) : data.examples, s.test),
    })),
    cells: result.cells.map((c) => ({ ...c, accuracy: round6(c.accuracy), macroF1: round6OrNull(c.macroF1) })),
    summary: result.summary.map((r) => ({
      method: r.method,
      k: r.k,
      accuracy: roundMeanStd(r.accuracy),
      macroF1: r.macroF1 ? roundMeanStd(r.macroF1) : null,
    })),
    skipped: result.skipped.map((s) => ({ ...s, params: { ...s.params } })),
    stats: {
      ...result.stats,
      trainingMs: result.stats.trainingMs.map((t) => ({ ...t, ms: Math.round(t.ms * 1000) / 1000 })),
      elapsedMs: Math.round(result.stats.elapsedMs),
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The table

export type FewShotMetric = 'accuracy' | 'macroF1';

export interface FewShotTable {
  ks: number[];
  rows: { method: FewShotMethod; cells: (MeanStd | null)[] }[];
}

/** Methods (FEWSHOT_METHODS order, those of the config) × K (config order); null where nothing was computed. */
export function fewShotTable(result: FewShotResult, metric: FewShotMetric): FewShotTable {
  const ks = [...result.config.ks];
  const rows = FEWSHOT_METHODS.filter((m) => result.config.methods.includes(m)).map((method) => ({
    method,
    cells: ks.map((k) => {
      const row = result.summary.find((r) => r.method === method && r.k === k);
      return row ? (metric === 'accuracy' ? row.accuracy : row.macroF1) : null;
    }),
  }));
  return { ks, rows };
}

/** "83.4 ± 1.2" (percentage points, one decimal); "—" when nothing was computed. */
export function meanStdText(m: MeanStd | null): string {
  if (!m || !Number.isFinite(m.mean)) return '—';
  return `${(100 * m.mean).toFixed(1)} ± ${(100 * m.std).toFixed(1)}`;
}

/** The table as plain text for a terminal: a header of K values, one line per method. */
export function formatFewShotTable(
  table: FewShotTable,
  names: Readonly<Record<FewShotMethod, string>> = METHOD_NAMES,
  kHeader = (k: number) => `K=${k}`,
): string {
  const head = ['', ...table.ks.map(kHeader)];
  const body = table.rows.map((r) => [names[r.method], ...r.cells.map(meanStdText)]);
  const widths = head.map((_, c) => Math.max(...[head, ...body].map((row) => row[c]!.length)));
  const line = (row: string[]) =>
    row
      .map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!)))
      .join('  ')
      .trimEnd();
  return [line(head), ...body.map(line)].join('\n');
}

/** English method names (the UI has its own, translated). */
export const METHOD_NAMES: Readonly<Record<FewShotMethod, string>> = Object.freeze({
  'zero-shot': 'zero-shot',
  calibrated: 'calibrated',
  ensemble: 'ensemble',
  demonstrations: 'demonstrations',
  tuned: 'tuned verbalizer',
});
