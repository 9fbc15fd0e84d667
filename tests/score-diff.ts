// How far two scorings of the same prompt are apart — for batch invariance, in Node and in Chromium.
import { expect } from 'vitest';
import type { PromptScores } from '../src/core/types.ts';

/** Largest |Δ| over label-word probabilities and top-k probabilities; the masks and top-k ids must match. */
export function maxScoreDiff(a: PromptScores, b: PromptScores): number {
  let d = 0;
  expect(a.masks).toHaveLength(b.masks.length);
  a.masks.forEach((m, k) => {
    const n = b.masks[k]!;
    m.probs.forEach((p, j) => (d = Math.max(d, Math.abs(p - n.probs[j]!))));
    expect(m.top.map((t) => t.id)).toEqual(n.top.map((t) => t.id));
    m.top.forEach((t, j) => (d = Math.max(d, Math.abs(t.prob - n.top[j]!.prob))));
  });
  return d;
}
