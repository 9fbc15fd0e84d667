// The worker's mask-row cache: full-vocabulary logits of the mask rows of recently scored prompts,
// keyed by their token ids. A label-word edit changes only which columns are read, so it is
// answered from here without a forward pass; top-k stays exact as the whole row is kept. A row
// scored with `hidden` keeps its hidden vector too (counted in the cache's bytes).

import { Lru } from '../core/lru.ts';

/** Requests with at most this many prompts keep their mask rows (the live view's, not evaluations). */
export const ROW_CACHE_MAX_PROMPTS = 64;
/** Memory for cached mask rows (float32 logits over the whole vocabulary). */
export const ROW_CACHE_BYTES = 64 * 1024 * 1024;

/** One cached mask row: its logits over the whole vocabulary, and its hidden vector when it was asked for. */
export interface CachedRow {
  logits: Float32Array;
  hidden?: Float32Array;
}

export type MaskRowCache = Lru<string, CachedRow[]>;

/** An LRU of mask rows bounded by their bytes (logits and hidden vectors). */
export function createMaskRowCache(maxBytes = ROW_CACHE_BYTES): MaskRowCache {
  return new Lru({
    maxWeight: maxBytes,
    weigh: (rows) => rows.reduce((n, r) => n + r.logits.byteLength + (r.hidden?.byteLength ?? 0), 0),
  });
}

/** The cache key of an assembled prompt: its token ids and mask positions. */
export function maskRowKey(prompt: { ids: readonly number[]; maskPositions: readonly number[] }): string {
  return `${prompt.ids.join(',')}|${prompt.maskPositions.join(',')}`;
}

/** A copy of one logits row as float32 (the batch's output is released after reading). */
export function copyRow(data: ArrayLike<number>, offset: number, n: number): Float32Array {
  if (data instanceof Float32Array) return data.slice(offset, offset + n);
  const row = new Float32Array(n);
  for (let v = 0; v < n; v++) row[v] = data[offset + v] as number;
  return row;
}
