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
// The language model stays frozen: only Δ is learned. Math in float64; the optimisation runs in
// the span of the training vectors (see tuneLabels), which holds the optimum.

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
  // Work in coordinates of an orthonormal basis Q (r × H, r ≤ n) of the training vectors' span:
  // h_i·Δv_l = x_i·u_l with x_i = Q h_i, Δv_l = Qᵀu_l and ‖Δv_l‖ = ‖u_l‖; a component of Δv outside
  // the span only adds to the penalty, so the (strictly convex, λ > 0) objective has the same
  // minimiser — at n·r instead of n·H per step (r ≤ 80 against H = 768 for K = 16, 5 labels).
  const span = spanCoordinates(h, n, H);
  const { x, r } = span;
  const P = L * r + L; // parameters: u (L × r), then Δc
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
    // scores = z + x·u + Δc, then softmax in place.
    for (let i = 0; i < n; i++) {
      const xo = i * r;
      for (let l = 0; l < L; l++) {
        const uo = l * r;
        let s = z[i * L + l]! + theta[L * r + l]!;
        for (let a = 0; a < r; a++) s += x[xo + a]! * theta[uo + a]!;
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
      const xo = i * r;
      for (let l = 0; l < L; l++) {
        const g = (scores[i * L + l]! - (gold[i] === l ? 1 : 0)) / n;
        grad[L * r + l] = grad[L * r + l]! + g;
        const uo = l * r;
        for (let a = 0; a < r; a++) grad[uo + a] = grad[uo + a]! + g * x[xo + a]!;
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
  // Back to the hidden space: Δv_l = Qᵀ u_l.
  const dv = new Float64Array(L * H);
  for (let l = 0; l < L; l++) dv.set(span.toHidden(theta.subarray(l * r, (l + 1) * r)), l * H);
  return { labels: L, hiddenSize: H, dv, dc: theta.slice(L * r), steps, initialLoss, finalLoss };
}

export interface SpanCoordinates {
  /** Rank of the span. */
  r: number;
  /** n × r: row i holds h_i's coordinates in an orthonormal basis Q of the span (x_i·x_j = h_i·h_j). */
  x: Float64Array;
  /** Qᵀu: the vector of the hidden space whose coordinates are u (length r). */
  toHidden(u: ArrayLike<number>): Float64Array;
}

/**
 * Coordinates of the n rows of h (n × H) in an orthonormal basis of their span, without forming the
 * basis: pivoted Cholesky of the Gram matrix G = h hᵀ gives X (n × r) with X Xᵀ = G, and h = X Q
 * for an orthonormal Q. Back: Qᵀu = hᵀ X (XᵀX)⁻¹ u. About n²H/2 multiplications in all; pivots
 * below 1e-12 of the largest diagonal entry end the factorisation (duplicate vectors add nothing).
 */
export function spanCoordinates(h: Float64Array, n: number, H: number): SpanCoordinates {
  const G = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let k = 0; k < H; k++) s += h[i * H + k]! * h[j * H + k]!;
      G[i * n + j] = s;
      G[j * n + i] = s;
    }
  const d = new Float64Array(n);
  let maxDiag = 0;
  for (let i = 0; i < n; i++) {
    d[i] = G[i * n + i]!;
    if (d[i]! > maxDiag) maxDiag = d[i]!;
  }
  const tol = 1e-12 * maxDiag;
  const full = new Float64Array(n * n); // X, n × n, its first r columns used
  const chosen = new Uint8Array(n);
  let r = 0;
  for (; r < n; r++) {
    let p = -1;
    for (let i = 0; i < n; i++) if (!chosen[i] && (p < 0 || d[i]! > d[p]!)) p = i;
    if (p < 0 || !(d[p]! > tol)) break;
    chosen[p] = 1;
    const pivot = Math.sqrt(d[p]!);
    full[p * n + r] = pivot;
    for (let i = 0; i < n; i++) {
      if (chosen[i]) continue;
      let s = G[i * n + p]!;
      for (let m = 0; m < r; m++) s -= full[i * n + m]! * full[p * n + m]!;
      const v = s / pivot;
      full[i * n + r] = v;
      d[i] = d[i]! - v * v;
    }
  }
  const x = new Float64Array(n * r);
  for (let i = 0; i < n; i++) for (let a = 0; a < r; a++) x[i * r + a] = full[i * n + a]!;
  // Cholesky of M = XᵀX (r × r, positive definite) for the way back.
  const c = new Float64Array(r * r);
  for (let a = 0; a < r; a++)
    for (let b = 0; b <= a; b++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += x[i * r + a]! * x[i * r + b]!;
      for (let m = 0; m < b; m++) s -= c[a * r + m]! * c[b * r + m]!;
      c[a * r + b] = a === b ? Math.sqrt(Math.max(s, 1e-300)) : s / c[b * r + b]!;
    }
  const toHidden = (u: ArrayLike<number>): Float64Array => {
    // β = M⁻¹u (two triangular solves), α = Xβ, result = Σ_i α_i h_i.
    const y = new Float64Array(r);
    for (let a = 0; a < r; a++) {
      let s = u[a]!;
      for (let m = 0; m < a; m++) s -= c[a * r + m]! * y[m]!;
      y[a] = s / c[a * r + a]!;
    }
    const beta = new Float64Array(r);
    for (let a = r - 1; a >= 0; a--) {
      let s = y[a]!;
      for (let m = a + 1; m < r; m++) s -= c[m * r + a]! * beta[m]!;
      beta[a] = s / c[a * r + a]!;
    }
    const out = new Float64Array(H);
    for (let i = 0; i < n; i++) {
      let alpha = 0;
      for (let a = 0; a < r; a++) alpha += x[i * r + a]! * beta[a]!;
      if (alpha === 0) continue;
      for (let k = 0; k < H; k++) out[k] = out[k]! + alpha * h[i * H + k]!;
    }
    return out;
  };
  return { r, x, toHidden };
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
