// Contextual calibration (Zhao et al. 2021, "Calibrate Before Use"): the content-free inputs, their
// mean label distribution p_cf, and the correction q(l) ∝ P(l) / p_cf(l).

import { uniform } from './numerics.ts';

// ---------------------------------------------------------------------------------------------
// Content-free inputs (Calibrate Before Use)

/** The content-free strings of Zhao et al. 2021: "N/A", the empty string, and the mask token. */
export function contentFreeStrings(maskToken?: string): string[] {
  return maskToken ? ['N/A', '', maskToken] : ['N/A', ''];
}

/**
 * One inputs record per content-free string, every slot filled with that same string.
 * The third record puts the literal mask token into an *input* part. planScoring renders these
 * prompts with `contentFree` input parts, so the runtime keeps that mask token (it reads a mask
 * token in any other input as [UNK]); the answer is still read only at the `mask` part's positions.
 */
export function contentFreeInputs(slots: readonly string[], maskToken?: string): Record<string, string>[] {
  return contentFreeStrings(maskToken).map((s) => Object.fromEntries(slots.map((slot) => [slot, s])));
}

/** Smallest p_cf used in calibration: dividing by a smaller number would only amplify noise. */
export const PCF_FLOOR = 1e-12;

/**
 * Contextual calibration (Zhao et al. 2021) with W = diag(p_cf)^-1, b = 0:
 *   q(l) = (P(l) / p_cf(l)) / Σ_l' (P(l') / p_cf(l')),   p_cf(l) floored at PCF_FLOOR.
 * A label with P(l) = 0 stays 0. If every q is 0 the result is uniform.
 */
export function calibrate(distribution: readonly number[], pcf: readonly number[]): number[] {
  if (distribution.length !== pcf.length) throw new RangeError('calibrate: distribution and p_cf differ in length');
  const q = distribution.map((p, l) => (p > 0 && Number.isFinite(p) ? p / Math.max(pcf[l] ?? 0, PCF_FLOOR) : 0));
  const z = q.reduce((a, b) => a + b, 0);
  if (!(z > 0) || !Number.isFinite(z)) return uniform(distribution.length);
  return q.map((x) => x / z);
}

/** p_cf(l) = mean over content-free prompts of their label distributions. */
export function meanDistribution(dists: readonly (readonly number[])[]): number[] {
  if (dists.length === 0) return [];
  const n = dists[0]!.length;
  const out = new Array<number>(n).fill(0);
  for (const d of dists) for (let l = 0; l < n; l++) out[l]! += (d[l] ?? 0) / dists.length;
  return out;
}
