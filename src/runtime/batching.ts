// Batching: which prompts run together in one forward pass (length buckets under memory limits),
// and the padded input tensors of one batch. No model runtime imports.

/**
 * Most prompts per run on the mask-rows path, and a run's fixed overhead in padded-token
 * equivalents for least-work batching (measured with `npm run bench`: BENCHMARKS.md, Levers).
 * onnxruntime-node pays more per run than ORT's WASM, hence the larger cost there.
 */
export const DEFAULT_BATCH_SIZE_LEAST_WORK = 32;
export const RUN_COST_WASM = 16;
export const RUN_COST_NATIVE = 48;
/** Most prompts per run on the plain path (full logits). */
export const DEFAULT_BATCH_SIZE = 16;
/** Padded tokens per batch on the mask-rows path (bounds activations: tokens × intermediate size). */
export const MAX_BATCH_TOKENS = 4096;
/** Upper bound of output floats per batch (batch × padded length × vocab): ~96 MB of logits. */
export const MAX_LOGIT_FLOATS = 24 * 1024 * 1024;

/** A token sequence with the positions whose logits are read. */
export interface BatchItem {
  ids: readonly number[];
  maskPositions: readonly number[];
}

/**
 * Plans the forward passes for `items` (indices into it, per run). The mask-rows path batches for
 * the least work (padding against per-run overhead); the plain path keeps greedy batches bounded by
 * the size of the full logits.
 */
export function planModelRuns(
  items: readonly BatchItem[],
  options: { batchSize?: number; vocabSize: number; maskRowsOnly: boolean; native: boolean },
): number[][] {
  const { maskRowsOnly } = options;
  const maxBatch = Math.max(
    1,
    Math.floor(options.batchSize ?? (maskRowsOnly ? DEFAULT_BATCH_SIZE_LEAST_WORK : DEFAULT_BATCH_SIZE)),
  );
  return planBatches(
    items.map((s) => s.ids.length),
    maxBatch,
    options.vocabSize,
    MAX_LOGIT_FLOATS,
    maskRowsOnly
      ? {
          outputRows: items.map((s) => Math.max(1, s.maskPositions.length)),
          maxTokens: MAX_BATCH_TOKENS,
          runCost: options.native ? RUN_COST_NATIVE : RUN_COST_WASM,
        }
      : {},
  );
}

/** One batch's padded inputs [size, length], and the flat indices (row · length + position) of its mask rows. */
export interface PackedBatch {
  inputIds: BigInt64Array;
  attention: BigInt64Array;
  size: number;
  length: number;
  rows: number[];
  paddedTokens: number;
}

/** Pads the batch's sequences to its longest with `padId` (attention 0 on padding). */
export function packBatch(batch: readonly BatchItem[], padId: number): PackedBatch {
  const length = Math.max(...batch.map((s) => s.ids.length));
  const size = batch.length;
  const inputIds = new BigInt64Array(size * length).fill(BigInt(padId));
  const attention = new BigInt64Array(size * length);
  const rows: number[] = [];
  let paddedTokens = 0;
  batch.forEach(({ ids, maskPositions }, row) => {
    for (let t = 0; t < ids.length; t++) {
      inputIds[row * length + t] = BigInt(ids[t] as number);
      attention[row * length + t] = 1n;
    }
    for (const pos of maskPositions) rows.push(row * length + pos);
    paddedTokens += length - ids.length;
  });
  return { inputIds, attention, size, length, rows, paddedTokens };
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
