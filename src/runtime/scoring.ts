// Pure helpers for the runtime: part boundary handling, truncation, batch planning, log-softmax
// and top-k. No model runtime imports (unit-testable, cheap).

import type { MaskScores, PromptPart } from '../core/types.ts';

/** A prompt part after tokenization. */
export interface Segment {
  kind: 'template' | 'input' | 'mask';
  ids: number[];
}

export interface BoundaryRules {
  /** The mask token swallows whitespace before it (RoBERTa's `<mask>` has lstrip=true). */
  maskLstrip: boolean;
  /** The mask token swallows whitespace after it. */
  maskRstrip: boolean;
  /**
   * Move whitespace at the end of a text part to the start of the following text part, so that
   * byte-level BPE / SentencePiece see " word" (one token) instead of "…Ġ" + "word".
   */
  moveTrailingSpace: boolean;
}

const TRAILING_WS = /\s+$/u;
const LEADING_WS = /^\s+/u;

/**
 * Text of each text part as it will be tokenized (null for mask parts), applying the tokenizer's
 * conventions at part boundaries. Concatenating the texts (with the mask token at mask parts)
 * gives what the tokenizer would see for the whole prompt.
 */
export function partTexts(parts: readonly PromptPart[], rules: BoundaryRules): (string | null)[] {
  const out: (string | null)[] = parts.map((p) => (p.kind === 'mask' ? null : p.text));
  for (let i = 0; i < parts.length; i++) {
    const text = out[i];
    if (text === null || text === undefined) continue;
    let t = text;
    const prev = parts[i - 1];
    const next = parts[i + 1];
    if (prev?.kind === 'mask' && rules.maskRstrip) t = t.replace(LEADING_WS, '');
    if (next?.kind === 'mask' && rules.maskLstrip) t = t.replace(TRAILING_WS, '');
    else if (next && next.kind !== 'mask' && rules.moveTrailingSpace) {
      const ws = TRAILING_WS.exec(t)?.[0];
      if (ws) {
        t = t.slice(0, t.length - ws.length);
        const following = out[i + 1];
        if (typeof following === 'string') out[i + 1] = ws + following;
      }
    }
    out[i] = t;
  }
  return out;
}

/**
 * Shortens input segments (from their end, the longest input first) until the whole prompt,
 * `reserved` special tokens included, fits in `maxLength`. Template and mask segments are never
 * cut. Returns the number of removed tokens, or -1 if even with empty inputs it does not fit.
 */
export function truncateInputs(segments: Segment[], reserved: number, maxLength: number): number {
  let total = reserved;
  for (const s of segments) total += s.ids.length;
  let excess = total - maxLength;
  if (excess <= 0) return 0;
  const inputs = segments.filter((s) => s.kind === 'input');
  const inputTotal = inputs.reduce((n, s) => n + s.ids.length, 0);
  if (inputTotal < excess) return -1;
  let removed = 0;
  while (excess > 0) {
    // Longest input (first one on ties); cut it down towards the second longest in one step.
    let longest: Segment | undefined;
    let second = 0;
    for (const s of inputs) {
      if (!longest || s.ids.length > longest.ids.length) {
        if (longest) second = Math.max(second, longest.ids.length);
        longest = s;
      } else second = Math.max(second, s.ids.length);
    }
    if (!longest || longest.ids.length === 0) break;
    const cut = Math.max(1, Math.min(excess, longest.ids.length - second));
    longest.ids.length -= cut;
    excess -= cut;
    removed += cut;
  }
  return removed;
}

/**
 * Groups sequence indices into batches of similar length: sort by length, then fill batches up to
 * `maxBatch` items and about `maxLogitFloats` output floats (batch × padded length × vocab, or with
 * `outputRows` — the model returns only those rows per sequence — rows × vocab), and at most
 * `maxTokens` padded tokens when given.
 */
export function planBatches(
  lengths: readonly number[],
  maxBatch: number,
  vocabSize: number,
  maxLogitFloats: number,
  limits: { outputRows?: readonly number[]; maxTokens?: number; runCost?: number } = {},
): number[][] {
  const { outputRows, maxTokens, runCost } = limits;
  const order = lengths.map((_, i) => i).sort((a, b) => (lengths[a] ?? 0) - (lengths[b] ?? 0) || a - b);
  if (runCost !== undefined)
    return planBatchesOptimal(order, lengths, maxBatch, vocabSize, maxLogitFloats, outputRows, maxTokens, runCost);
  const batches: number[][] = [];
  let current: number[] = [];
  let rows = 0;
  for (const i of order) {
    const len = lengths[i] ?? 0;
    const own = outputRows ? (outputRows[i] ?? 1) : 0;
    // Sorted ascending: the padded length of `current` + i is `len`.
    const floats = outputRows ? (rows + own) * vocabSize : (current.length + 1) * len * vocabSize;
    const tooLong = maxTokens !== undefined && (current.length + 1) * len > maxTokens;
    if (current.length > 0 && (current.length >= maxBatch || floats > maxLogitFloats || tooLong)) {
      batches.push(current);
      current = [];
      rows = 0;
    }
    current.push(i);
    rows += own;
  }
  if (current.length) batches.push(current);
  return batches;
}

/**
 * Length bucketing with the least work: splits the length-sorted sequences into contiguous batches
 * minimising Σ (batch size × padded length + runCost) — padded tokens plus a per-run overhead in
 * token equivalents — under the same limits as the greedy planner (dynamic programming, O(n · maxBatch)).
 * Greedy fills every batch to `maxBatch`, so one long prompt pads fifteen short ones; this pays a
 * run's overhead only where that saves more padding.
 */
function planBatchesOptimal(
  order: readonly number[],
  lengths: readonly number[],
  maxBatch: number,
  vocabSize: number,
  maxLogitFloats: number,
  outputRows: readonly number[] | undefined,
  maxTokens: number | undefined,
  runCost: number,
): number[][] {
  const n = order.length;
  const len = order.map((i) => lengths[i] ?? 0);
  const rowsPrefix = [0];
  for (let k = 0; k < n; k++)
    rowsPrefix.push((rowsPrefix[k] as number) + (outputRows ? (outputRows[order[k] as number] ?? 1) : 0));
  const best = new Float64Array(n + 1).fill(Infinity);
  const from = new Int32Array(n + 1);
  best[0] = 0;
  for (let j = 1; j <= n; j++) {
    const padded = len[j - 1] as number;
    for (let i = j - 1; i >= 0 && j - i <= maxBatch; i--) {
      const b = j - i;
      if (b > 1) {
        const floats = outputRows
          ? ((rowsPrefix[j] as number) - (rowsPrefix[i] as number)) * vocabSize
          : b * padded * vocabSize;
        if (floats > maxLogitFloats || (maxTokens !== undefined && b * padded > maxTokens)) break;
      }
      const cost = (best[i] as number) + b * padded + runCost;
      if (cost < (best[j] as number)) {
        best[j] = cost;
        from[j] = i;
      }
    }
  }
  const batches: number[][] = [];
  for (let j = n; j > 0; j = from[j] as number) batches.push(order.slice(from[j], j));
  return batches.reverse();
}

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

/** Resolves on the next macrotask, so that queued messages (cancel, newer requests) get handled. */
export function yieldToEventLoop(): Promise<void> {
  const g = globalThis as { setImmediate?: (cb: () => void) => unknown };
  if (typeof g.setImmediate === 'function') {
    const setImmediate = g.setImmediate;
    return new Promise((resolve) => void setImmediate(resolve));
  }
  if (typeof MessageChannel !== 'undefined') {
    return new Promise((resolve) => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => {
        channel.port1.close();
        resolve();
      };
      channel.port2.postMessage(null);
    });
  }
  return new Promise((resolve) => setTimeout(resolve, 0));
}
