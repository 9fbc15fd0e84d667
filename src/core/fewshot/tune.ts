// Verbalizer tuning on a frozen model: one learned vector and bias per label on the hidden vector at
// [Z], trained on the K-shot examples (full batch, Adam, softmax cross-entropy, L2 toward the start).
//
// Why this is "label vectors initialised from the label words' output rows and biases":
// the model's logit of a token w at [Z] is h·W_w + b_w (h: the projection's input at [Z], W_w its
// output row, b_w its bias). The zero-shot 'logit-mean' score of label l is the mean over its words
//   z_l(x) = (1/|W_l|) Σ_w (h·W_w + b_w) = h·v_l + c_l,   v_l = mean_w W_w,  c_l = mean_w b_w,
// so a label vector v_l' = v_l + Δv_l and bias c_l' = c_l + Δc_l score
//   score_l(x) = h·v_l' + c_l' = z_l(x) + h·Δv_l + Δc_l.
// We learn Δ = (Δv, Δc) from 0 and penalise λ‖Δ‖² (= L2 toward the label words' own vectors).
// Reading z_l from the model's own logits instead of recomputing h·v_l + c_l makes step 0 exact
// for any dtype: on a q8 model the logits come from quantized matmuls that h·W in float would
// not reproduce, but Δ = 0 adds exactly nothing. (A multi-token word's z is its sub-tokens' mean
// logit on the k-mask prompt, as 'logit-mean' scoring has it; Δ still acts on the 1-mask [Z].)
// The language model stays frozen: only Δ is learned. Math in float64.

import type { TuningOptions } from './types.ts';

export interface TuningExample {
  /** Zero-shot 'logit-mean' label scores (length L); -Infinity for a label without a usable word. */
  z: readonly number[];
  /** Hidden vector at [Z] (length H). */
  hidden: ArrayLike<number>;
  /** Gold label index. */
  gold: number;
}

export interface TunedLabels {
  labels: number;
  hiddenSize: number;
  /** Δv, L × H row-major. */
  dv: Float64Array;
  /** Δc, length L. */
  dc: Float64Array;
  steps: number;
  /** Mean cross-entropy + penalty before the first and after the last step. */
  initialLoss: number;
  finalLoss: number;
}

/** How far below the lowest finite score a label without usable words starts (its probability ≈ e^-30). */
const MISSING_GAP = 30;

/** z with -Infinity replaced by a finite floor (so the gradient is defined), per example. */
function finiteScores(examples: readonly { z: readonly number[] }[]): number {
  let min = Infinity;
  for (const e of examples) for (const v of e.z) if (Number.isFinite(v) && v < min) min = v;
  return Number.isFinite(min) ? min - MISSING_GAP : -MISSING_GAP;
}

/** Row-wise softmax of `scores` (n × L) in place; returns Σ -log p[gold] / n. */
function softmaxLoss(scores: Float64Array, n: number, L: number, gold: readonly number[]): number {
  let loss = 0;
  for (let i = 0; i < n; i++) {
    const o = i * L;
    let max = -Infinity;
    for (let l = 0; l < L; l++) if (scores[o + l]! > max) max = scores[o + l]!;
    let sum = 0;
    for (let l = 0; l < L; l++) {
      const e = Math.exp(scores[o + l]! - max);
      scores[o + l] = e;
      sum += e;
    }
    for (let l = 0; l < L; l++) scores[o + l] = scores[o + l]! / sum;
    loss -= Math.log(Math.max(scores[o + gold[i]!]!, 1e-300));
  }
  return n > 0 ? loss / n : 0;
}

/**
 * Learns Δv, Δc on the training examples. With steps = 0 (or no examples) Δ stays 0 and the tuned
 * scores are exactly the zero-shot logit-mean scores.
 */
export function tuneLabels(examples: readonly TuningExample[], labels: number, options: TuningOptions): TunedLabels {
  const L = labels;
  const H = examples[0]?.hidden.length ?? 0;
  const n = examples.length;
  const floor = finiteScores(examples);
  const h = new Float64Array(n * H);
  const z = new Float64Array(n * L);
  const gold = examples.map((e) => e.gold);
  examples.forEach((e, i) => {
    if (e.hidden.length !== H)
      throw new RangeError(`tuneLabels: hidden vector ${i} has ${e.hidden.length} values, expected ${H}`);
    for (let j = 0; j < H; j++) h[i * H + j] = e.hidden[j]!;
    for (let l = 0; l < L; l++) {
      const v = e.z[l] ?? -Infinity;
      z[i * L + l] = Number.isFinite(v) ? v : floor;
    }
  });
  const P = L * H + L; // parameters: Δv then Δc
  const theta = new Float64Array(P);
  const grad = new Float64Array(P);
  const m = new Float64Array(P);
  const v = new Float64Array(P);
  const scores = new Float64Array(n * L);
  const { learningRate: lr, l2 } = options;
  const beta1 = 0.9;
  const beta2 = 0.999;
  const eps = 1e-8;

  const lossAt = (): number => {
    // scores = z + h·Δv + Δc, then softmax in place.
    for (let i = 0; i < n; i++) {
      const ho = i * H;
      for (let l = 0; l < L; l++) {
        const vo = l * H;
        let s = z[i * L + l]! + theta[L * H + l]!;
        for (let j = 0; j < H; j++) s += h[ho + j]! * theta[vo + j]!;
        scores[i * L + l] = s;
      }
    }
    let penalty = 0;
    for (let p = 0; p < P; p++) penalty += theta[p]! * theta[p]!;
    return softmaxLoss(scores, n, L, gold) + l2 * penalty;
  };

  const steps = n > 0 && H > 0 ? Math.max(0, Math.floor(options.steps)) : 0;
  const initialLoss = lossAt();
  let finalLoss = initialLoss;
  for (let t = 1; t <= steps; t++) {
    // scores hold p (from lossAt); gradient of the mean cross-entropy: (p - y) / n.
    for (let p = 0; p < P; p++) grad[p] = 2 * l2 * theta[p]!;
    for (let i = 0; i < n; i++) {
      const ho = i * H;
      for (let l = 0; l < L; l++) {
        const g = (scores[i * L + l]! - (gold[i] === l ? 1 : 0)) / n;
        if (g === 0) continue;
        grad[L * H + l] = grad[L * H + l]! + g;
        const vo = l * H;
        for (let j = 0; j < H; j++) grad[vo + j] = grad[vo + j]! + g * h[ho + j]!;
      }
    }
    const c1 = 1 - Math.pow(beta1, t);
    const c2 = 1 - Math.pow(beta2, t);
    for (let p = 0; p < P; p++) {
      const g = grad[p]!;
      m[p] = beta1 * m[p]! + (1 - beta1) * g;
      v[p] = beta2 * v[p]! + (1 - beta2) * g * g;
      theta[p] = theta[p]! - (lr * (m[p]! / c1)) / (Math.sqrt(v[p]! / c2) + eps);
    }
    finalLoss = lossAt();
  }
  return {
    labels: L,
    hiddenSize: H,
    dv: theta.slice(0, L * H),
    dc: theta.slice(L * H),
    steps,
    initialLoss,
    finalLoss,
  };
}

/** The tuned label scores of one example: z_l + h·Δv_l + Δc_l (-Infinity stays -Infinity). */
export function tunedScores(tuned: TunedLabels, z: readonly number[], hidden: ArrayLike<number>): number[] {
  const H = tuned.hiddenSize;
  return z.map((zl, l) => {
    if (!Number.isFinite(zl)) return zl;
    let s = zl + tuned.dc[l]!;
    for (let j = 0; j < H; j++) s += hidden[j]! * tuned.dv[l * H + j]!;
    return s;
  });
}
