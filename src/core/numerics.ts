// Small, numerically stable helpers for probability distributions.

/** log Σ exp(x_i), stable; -Infinity for an empty list or all -Infinity. */
export function logSumExp(xs: readonly number[]): number {
  let m = -Infinity;
  for (const x of xs) if (x > m) m = x;
  if (m === -Infinity) return -Infinity;
  if (m === Infinity) return Infinity;
  let s = 0;
  for (const x of xs) s += Math.exp(x - m);
  return m + Math.log(s);
}

/**
 * softmax(x)_i = exp(x_i - m) / Σ_j exp(x_j - m), m = max x (stable). Entries of -Infinity get 0.
 * Returns null when nothing is finite (all -Infinity / NaN): callers fall back to uniform.
 */
export function softmax(xs: readonly number[]): number[] | null {
  const clean = xs.map((x) => (Number.isNaN(x) ? -Infinity : x));
  const infs = clean.filter((x) => x === Infinity).length;
  if (infs > 0) return clean.map((x) => (x === Infinity ? 1 / infs : 0));
  let m = -Infinity;
  for (const x of clean) if (x > m) m = x;
  if (m === -Infinity) return null;
  const e = clean.map((x) => Math.exp(x - m));
  const z = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / z);
}

export function uniform(n: number): number[] {
  return Array.from({ length: n }, () => 1 / n);
}

/** Index of the largest value (first one on ties); -1 for an empty list. */
export function argmax(xs: readonly number[]): number {
  let best = -1;
  for (let i = 0; i < xs.length; i++) if (best < 0 || xs[i]! > xs[best]!) best = i;
  return best;
}
