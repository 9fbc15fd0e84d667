// Few-shot learning (LM-BFF protocol, frozen model): the shapes shared by the core runner
// (run.ts), the store, the UI, the CLI and the exports. One config → one result, the same in the
// browser and the CLI for the same (dataset, K, seed).
//
// Methods, all on the same test examples within a (K, seed) cell:
//   zero-shot       the template as it is (uncalibrated label distribution)
//   calibrated      zero-shot + contextual calibration (content-free inputs)
//   ensemble        mean of every template's zero-shot distribution (only with ≥ 2 templates)
//   demonstrations  LM-BFF: one training example per label, filled with its label word, after the query
//   tuned           label vectors learned on the K-shot training examples' hidden vectors at [Z];
//                   step 0 = zero-shot "mean of logits"; the language model stays frozen
//
// No-demonstration prompts depend only on the example, not on (K, seed): each runs once and serves
// zero-shot, calibrated, ensemble and tuned for every cell (its hidden vector at [Z] included).

import type { EvalExample } from '../dataset.ts';

/** LM-BFF's seeds and the K values offered by default. */
export const FEWSHOT_SEEDS: readonly number[] = Object.freeze([13, 21, 42, 87, 100]);
export const FEWSHOT_KS: readonly number[] = Object.freeze([4, 8, 16, 32]);

export type FewShotMethod = 'zero-shot' | 'calibrated' | 'ensemble' | 'demonstrations' | 'tuned';
export const FEWSHOT_METHODS: readonly FewShotMethod[] = Object.freeze([
  'zero-shot',
  'calibrated',
  'ensemble',
  'demonstrations',
  'tuned',
]);

export interface DemonstrationOptions {
  /** 'random': uniform per label; 'similar': LM-BFF's demo_filter — sampled from the half of each
   * label's training examples closest (cosine of the hidden vectors at [Z]) to the query. */
  selection: 'random' | 'similar';
}

export interface TuningOptions {
  /** Full-batch optimisation steps. */
  steps: number;
  learningRate: number;
  /** Weight of the L2 penalty toward the initialisation (the label words' own vectors). */
  l2: number;
}

export const DEFAULT_TUNING: Readonly<TuningOptions> = Object.freeze({ steps: 300, learningRate: 0.05, l2: 0.01 });

export interface FewShotConfig {
  /** Training examples per label (each a point of the curve). */
  ks: number[];
  seeds: number[];
  methods: FewShotMethod[];
  demonstrations: DemonstrationOptions;
  tuning: TuningOptions;
  /** At most this many test examples per cell (a seeded sample of the test set); null = all. */
  maxTest: number | null;
}

/** One (K, seed) split; indices into the training pool (and into the test pool when it is a separate file). */
export interface FewShotSplit {
  k: number;
  seed: number;
  /** K per label, in label order then draw order. */
  train: number[];
  /** 'rest': pool indices not in `train`; 'file': indices into the test file's examples. */
  test: number[];
  testSource: 'rest' | 'file';
}

/** Why a (K, seed) cell or a method could not be computed. */
export interface FewShotSkip {
  k: number;
  seed: number | null;
  method: FewShotMethod | null;
  code: 'too-few-examples' | 'no-hidden' | 'one-template' | 'no-test-examples';
  /** Parameters for the message (label, have, need, …). */
  params: Record<string, string | number>;
}

export interface FewShotCell {
  method: FewShotMethod;
  k: number;
  seed: number;
  n: number;
  accuracy: number;
  /** null when undefined (see core/metrics.ts). */
  macroF1: number | null;
}

export interface MeanStd {
  mean: number;
  /** Sample standard deviation over the seeds (0 for one seed). */
  std: number;
  seeds: number;
}

export interface FewShotSummaryRow {
  method: FewShotMethod;
  k: number;
  accuracy: MeanStd;
  macroF1: MeanStd | null;
}

export interface FewShotStats {
  /** Prompts the model ran (one encoder pass per distinct prompt). */
  promptsRun: number;
  /** Prompt evaluations answered from an earlier pass (the reuse the issue asks for). */
  promptsReused: number;
  /** What running every method × K × seed on its own would cost. */
  naivePrompts: number;
  /** Label-vector training time per (K, seed), milliseconds. */
  trainingMs: { k: number; seed: number; ms: number }[];
  /** Demonstrations dropped to fit the model, over all demonstration prompts. */
  droppedDemos: number;
  elapsedMs: number;
}

export interface FewShotProgress {
  phase: 'zero-shot' | 'demonstrations' | 'tuning';
  done: number;
  total: number;
  stats: FewShotStats;
}

export type FewShotStatus = 'running' | 'complete' | 'cancelled' | 'failed';

export interface FewShotResult {
  config: FewShotConfig;
  labels: string[];
  /** The active template's text (and the others', for the ensemble). */
  templates: { id: string; name: string; text: string }[];
  modelKey: string;
  splits: FewShotSplit[];
  cells: FewShotCell[];
  summary: FewShotSummaryRow[];
  skipped: FewShotSkip[];
  stats: FewShotStats;
  status: FewShotStatus;
  error?: string;
}

/** The labelled data a run draws from. */
export interface FewShotData {
  /** The training pool (and the test set, as "the rest", when `testExamples` is absent). */
  examples: EvalExample[];
  testExamples?: EvalExample[];
}
