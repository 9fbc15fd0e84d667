// Full-vocabulary statistics for the label-word search, gathered where the logits are (the worker):
// Σ log p(t | x) per label for every vocabulary token t, then ranked by src/core/label-search.ts.
// Only the ranked candidates are returned; no per-example logits cross the thread boundary.

import { rankLabelWords, type LabelWordStatsArgs, type LabelWordStatsResult } from '../core/label-search.ts';
import type { MaskedLMEngine } from './engine.ts';
import { RuntimeError } from './errors.ts';

/** Prompts per model call: the engine returns every token's score, so keep the batch's arrays small. */
const PROMPTS_PER_CALL = 16;
/** Most prompts one request may ask for. */
export const MAX_LABEL_SEARCH_PROMPTS = 4_000;

export async function collectLabelWordStats(
  engine: MaskedLMEngine,
  args: LabelWordStatsArgs,
  signal: AbortSignal,
): Promise<LabelWordStatsResult> {
  const started = typeof performance !== 'undefined' ? performance.now() : Date.now();
  const { prompts, groups, groupCount } = args;
  if (!Array.isArray(prompts) || !Array.isArray(groups) || prompts.length !== groups.length) {
    throw new RuntimeError('invalid-input', 'labelWordStats needs one group per prompt.');
  }
  if (prompts.length > MAX_LABEL_SEARCH_PROMPTS) {
    throw new RuntimeError(
      'invalid-input',
      `labelWordStats accepts at most ${MAX_LABEL_SEARCH_PROMPTS} prompts (got ${prompts.length}).`,
    );
  }
  if (
    !Number.isInteger(groupCount) ||
    groupCount < 1 ||
    groups.some((g) => !Number.isInteger(g) || g < 0 || g >= groupCount)
  ) {
    throw new RuntimeError('invalid-input', 'labelWordStats: every group must be an integer in 0…groupCount-1.');
  }
  const V = engine.facts.vocabSize;
  const allIds = Array.from({ length: V }, (_, i) => i);
  const sums = Array.from({ length: groupCount }, () => new Float64Array(V));
  const counts = new Array<number>(groupCount).fill(0);

  for (let start = 0; start < prompts.length; start += PROMPTS_PER_CALL) {
    const chunk = prompts.slice(start, start + PROMPTS_PER_CALL);
    // Asking for every id gives the whole row of logits at the first mask, inside this worker.
    const scores = await engine.score(chunk, allIds, { topK: 0, signal });
    scores.forEach((score, i) => {
      const logits = score.masks[0]?.logits;
      if (!logits) return;
      const group = groups[start + i]!;
      // log p(t) = logit(t) − log Σ exp(logits), in float64.
      let max = -Infinity;
      for (let v = 0; v < V; v++) if (logits[v]! > max) max = logits[v]!;
      let z = 0;
      for (let v = 0; v < V; v++) z += Math.exp(logits[v]! - max);
      const logZ = max + Math.log(z);
      const sum = sums[group]!;
      for (let v = 0; v < V; v++) sum[v]! += logits[v]! - logZ;
      counts[group]!++;
    });
  }

  const candidates = rankLabelWords({
    sums,
    counts,
    vocabSize: V,
    tokenOf: (id) => engine.tokenString(id),
    tokenizerKind: engine.facts.tokenizerKind,
    exclude: new Set(args.exclude ?? []),
    topN: Math.min(50, Math.max(1, Math.floor(args.topN))),
  });
  const ms = (typeof performance !== 'undefined' ? performance.now() : Date.now()) - started;
  return { candidates, counts, vocabSize: V, ms: Math.round(ms) };
}
