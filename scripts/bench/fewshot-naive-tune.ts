// The naive reference for the label-vector training time: plain full-batch Adam on Δv in the full
// hidden space (L × H parameters), without tune.ts's shortcut (coordinates in the span of the
// training vectors, from a pivoted Cholesky of their Gram matrix). This is tune.ts as it was in
// commit 21191c2 (before the span coordinates), kept here verbatim in its arithmetic so that the
// bench compares the shipped code with the code it replaced. Same loss, same penalty, same Adam
// settings; Adam is not rotation-invariant, so after a fixed number of steps the two can end at
// slightly different points (the bench prints how far apart they are).
import type { TunedLabels, TuningExample } from '../../src/core/fewshot/tune.ts';
import type { TuningOptions } from '../../src/core/fewshot/types.ts';

const MISSING_GAP = 30;

function finiteFloor(examples: readonly { z: readonly number[] }[]): number {
  let min = Infinity;
  for (const e of examples) for (const v of e.z) if (Number.isFinite(v) && v < min) min = v;
  return Number.isFinite(min) ? min - MISSING_GAP : -MISSING_GAP;
}

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

/** Full-space Adam on (Δv, Δc): n·L·H multiply-adds per step for the scores and as many for the gradient. */
export function naiveTuneLabels(
  examples: readonly TuningExample[],
  labels: number,
  options: TuningOptions,
): TunedLabels {
  const L = labels;
  const H = examples[0]?.hidden.length ?? 0;
  const n = examples.length;
  const floor = finiteFloor(examples);
  const h = new Float64Array(n * H);
  const z = new Float64Array(n * L);
  const gold = examples.map((e) => e.gold);
  examples.forEach((e, i) => {
    if (e.hidden.length !== H)
      throw new RangeError(`naiveTuneLabels: hidden vector ${i} has ${e.hidden.length} values, expected ${H}`);
    for (let j = 0; j < H; j++) h[i * H + j] = e.hidden[j]!;
    for (let l = 0; l < L; l++) {
      const v = e.z[l] ?? -Infinity;
      z[i * L + l] = Number.isFinite(v) ? v : floor;
    }
  });
  const P = L * H + L;
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
  return { labels: L, hiddenSize: H, dv: theta.slice(0, L * H), dc: theta.slice(L * H), steps, initialLoss, finalLoss };
}
