// The scores of one mask row: log-softmax over the vocabulary read at the label words, and the
// row's top-k tokens. No model runtime imports.

import type { MaskScores } from '../core/types.ts';

/** A row of logits stored at `offset` in a flat float array. */
export type FloatArrayLike = ArrayLike<number>;

/**
 * Log-softmax over one vocabulary row (float64, max + log-sum-exp), read at `tokenIds`, with the
 * `topK` most likely tokens. `tokenOf` maps an id to its vocabulary string.
 */
export function scoreRow(
  data: FloatArrayLike,
  offset: number,
  vocabSize: number,
  tokenIds: readonly number[],
  topK: number,
  tokenOf: (id: number) => string,
): MaskScores {
  let max = -Infinity;
  for (let v = 0; v < vocabSize; v++) {
    const x = data[offset + v] as number;
    if (x > max) max = x;
  }
  let sum = 0;
  for (let v = 0; v < vocabSize; v++) sum += Math.exp((data[offset + v] as number) - max);
  const logZ = max + Math.log(sum);

  const probs = new Array<number>(tokenIds.length);
  const logits = new Array<number>(tokenIds.length);
  for (let j = 0; j < tokenIds.length; j++) {
    const x = data[offset + (tokenIds[j] as number)] as number;
    logits[j] = x;
    probs[j] = Math.exp(x - logZ);
  }

  const top: MaskScores['top'] = [];
  const k = Math.min(Math.max(0, Math.floor(topK)), vocabSize);
  if (k > 0) {
    for (const id of topKIndices(data, offset, vocabSize, k)) {
      top.push({ id, token: tokenOf(id), prob: Math.exp((data[offset + id] as number) - logZ) });
    }
  }
  return { probs, logits, top };
}

/** Indices of the k largest values of a row, largest first (lower id first on ties). */
export function topKIndices(data: FloatArrayLike, offset: number, n: number, k: number): number[] {
  if (k <= 0) return [];
  if (k > 256) {
    const idx = Array.from({ length: n }, (_, i) => i);
    idx.sort((a, b) => (data[offset + b] as number) - (data[offset + a] as number) || a - b);
    return idx.slice(0, k);
  }
  const ids = new Int32Array(k);
  const vals = new Float64Array(k).fill(-Infinity);
  let filled = 0;
  for (let i = 0; i < n; i++) {
    const v = data[offset + i] as number;
    if (filled === k && !(v > (vals[k - 1] as number))) continue;
    let pos = filled < k ? filled : k - 1;
    while (pos > 0 && v > (vals[pos - 1] as number)) {
      vals[pos] = vals[pos - 1] as number;
      ids[pos] = ids[pos - 1] as number;
      pos--;
    }
    vals[pos] = v;
    ids[pos] = i;
    if (filled < k) filled++;
  }
  return Array.from(ids.subarray(0, filled));
}
