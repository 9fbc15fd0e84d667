// One score request: prompts become token sequences (prompt-assembly.ts); identical ones run once
// and those whose mask rows are cached do not run at all (mask-row-cache.ts); the rest run in
// batches of similar length (batching.ts); each mask row becomes probabilities at the label words
// and a top-k (mask-row-scores.ts), with the hidden vector at the mask when asked for. Independent
// of how the model was loaded.

import type { MaskScores, ModelFacts, PromptScores, RenderedPrompt } from '../core/types.ts';
import { RuntimeError, toRuntimeError, type ErrorContext } from './errors.ts';
import type { ScoreResult, ScoreStats } from './protocol.ts';
import { checkSignal } from './abort.ts';
import { isNodeRuntime, now } from './environment.ts';
import { yieldToEventLoop } from '../core/scheduling.ts';
import { assemblePrompt, type AssembledPrompt, type AssemblyTokenizer, type BoundaryRules } from './prompt-assembly.ts';
import { packBatch, planModelRuns } from './batching.ts';
import { scoreRow } from './mask-row-scores.ts';
import { ROW_CACHE_MAX_PROMPTS, copyRow, maskRowKey, type MaskRowCache } from './mask-row-cache.ts';
import { validateScoreInput } from './score-input.ts';
import type { BatchOutput, ModelRunner } from './runner.ts';

export interface ScoreOptions {
  /** How many most-likely tokens to return per mask (0 = none). */
  topK: number;
  /** Most prompts per model run (default 32 on the mask-rows path, 16 otherwise; lowered automatically for big vocabularies × lengths). */
  batchSize?: number;
  signal?: AbortSignal;
  /**
   * Keep the mask rows' full logits (requests of ≤ 64 prompts) so that a later request for the same
   * prompts with other label words needs no forward pass. Cached rows are used whenever present.
   */
  cacheRows?: boolean;
  /**
   * Return the hidden vector at each mask (`MaskScores.hidden`, the projection's input) where the
   * model has it (`runner.hiddenAtMask`; EngineInfo.hiddenAtMask). Each is its own buffer.
   */
  hidden?: boolean;
}

/** What scoring needs of a loaded model. */
export interface ScoringModel {
  facts: ModelFacts;
  rules: BoundaryRules;
  prefixIds: readonly number[];
  suffixIds: readonly number[];
  /** The separator token a prompt's `separator` parts become (null: the model has none). */
  separatorId?: number | null;
  padId: number;
  runner: ModelRunner;
  rowCache: MaskRowCache;
  /** Token ids of a text part (no special tokens). */
  encode: (text: string) => readonly number[];
  /** Vocabulary string of a token id. */
  tokenOf: (id: number) => string;
  /** False once the model was unloaded (checked before every batch). */
  loaded: () => boolean;
  errorContext: ErrorContext;
}

export async function scorePrompts(
  model: ScoringModel,
  prompts: RenderedPrompt[],
  tokenIds: number[],
  options: ScoreOptions,
): Promise<ScoreResult> {
  const t0 = now();
  const { signal } = options;
  if (!model.loaded()) throw new RuntimeError('not-loaded', 'The model was unloaded; load it again.');
  validateScoreInput(prompts, tokenIds, options.topK, model.facts);
  checkSignal(signal, 'Scoring');

  // 1. Token sequences: parts tokenized, inputs truncated, special tokens added.
  const assembly: AssemblyTokenizer = {
    rules: model.rules,
    prefixIds: model.prefixIds,
    suffixIds: model.suffixIds,
    maskTokenId: model.facts.maskTokenId,
    separatorId: model.separatorId ?? null,
    unkTokenId: model.facts.unkTokenId,
    maxLength: model.facts.maxLength,
    encode: model.encode,
  };
  const seqs = prompts.map((prompt, index) => assemblePrompt(prompt, index, assembly));

  // 2. Identical prompts run once; prompts whose mask rows are cached do not run at all.
  const results = new Array<PromptScores>(prompts.length);
  const { tokenOf, runner, rowCache } = model;
  const cacheRows = options.cacheRows === true && prompts.length <= ROW_CACHE_MAX_PROMPTS;
  const hidden = options.hidden === true && runner.hiddenAtMask;
  const keys = seqs.map(maskRowKey);
  const firstOf = new Map<string, number>();
  const duplicates: [number, number][] = [];
  const toRun: number[] = [];
  let cachedPrompts = 0;
  const finish = (seqIndex: number, masks: PromptScores['masks']): void => {
    const seq = seqs[seqIndex] as AssembledPrompt;
    results[seqIndex] = {
      masks,
      tokens: seq.ids.map(tokenOf),
      maskPositions: seq.maskPositions,
      truncatedTokens: seq.truncated,
      ...(seq.truncatedInputs ? { truncatedInputs: seq.truncatedInputs } : {}),
      ...(seq.inputsRead ? { inputsRead: seq.inputsRead } : {}),
      ...(seq.droppedDemos ? { droppedDemos: seq.droppedDemos } : {}),
    };
  };
  seqs.forEach((seq, i) => {
    const key = keys[i] as string;
    const first = firstOf.get(key);
    if (first !== undefined) {
      duplicates.push([i, first]);
      return;
    }
    firstOf.set(key, i);
    const rows = rowCache.get(key);
    // A row cached without its hidden vector does not answer a request for it.
    if (rows?.length === seq.maskPositions.length && (!hidden || rows.every((r) => r.hidden))) {
      cachedPrompts++;
      finish(
        i,
        rows.map((row) =>
          withHidden(
            scoreRow(row.logits, 0, row.logits.length, tokenIds, options.topK, tokenOf),
            // a copy: the answer's buffer may be transferred to the main thread
            hidden ? row.hidden?.slice() : undefined,
          ),
        ),
      );
    } else {
      toRun.push(i);
    }
  });

  // 3. Batch by similar length and run.
  const batches = planModelRuns(
    toRun.map((i) => seqs[i] as AssembledPrompt),
    {
      batchSize: options.batchSize,
      vocabSize: model.facts.vocabSize,
      maskRowsOnly: runner.maskRowsOnly,
      native: isNodeRuntime(),
    },
  ).map((batch) => batch.map((j) => toRun[j] as number));
  const stats: ScoreStats = {
    prompts: prompts.length,
    batches: batches.length,
    tokensRun: 0,
    paddedTokens: 0,
    modelMs: 0,
    totalMs: 0,
    cachedPrompts,
    duplicatePrompts: duplicates.length,
    shapes: [],
  };

  for (const batch of batches) {
    await yieldToEventLoop();
    checkSignal(signal, 'Scoring');
    if (!model.loaded()) throw new RuntimeError('not-loaded', 'The model was unloaded while scoring.');
    const packed = packBatch(
      batch.map((i) => seqs[i] as AssembledPrompt),
      model.padId,
    );
    stats.paddedTokens += packed.paddedTokens;
    stats.tokensRun += packed.size * packed.length;
    stats.shapes?.push([packed.size, packed.length]);

    const tRun = now();
    let out: BatchOutput;
    try {
      out = await runner.run(packed, { hidden });
    } catch (error) {
      throw toRuntimeError(error, model.errorContext);
    }
    stats.modelMs += now() - tRun;
    try {
      const { data, vocab: V } = out;
      const h = out.hidden;
      let k = 0;
      for (const seqIndex of batch) {
        const seq = seqs[seqIndex] as AssembledPrompt;
        const first = k;
        const offsets = seq.maskPositions.map(() => out.offsetOf(k++) * V);
        // Hidden row j of this batch's output is mask row j (the fast path's offsetOf is the identity).
        const hiddenAt = (m: number): Float32Array | undefined =>
          h ? h.data.slice((first + m) * h.size, (first + m + 1) * h.size) : undefined;
        finish(
          seqIndex,
          offsets.map((offset, m) =>
            withHidden(scoreRow(data, offset, V, tokenIds, options.topK, tokenOf), hiddenAt(m)),
          ),
        );
        if (cacheRows)
          rowCache.set(
            keys[seqIndex] as string,
            offsets.map((offset, m) => {
              const row = hiddenAt(m);
              return row ? { logits: copyRow(data, offset, V), hidden: row } : { logits: copyRow(data, offset, V) };
            }),
          );
      }
    } finally {
      out.dispose();
    }
  }
  for (const [i, first] of duplicates) {
    const r = results[first] as PromptScores;
    const seq = seqs[i] as AssembledPrompt;
    const { truncatedInputs: _, inputsRead: __, droppedDemos: ___, ...rest } = r;
    results[i] = {
      ...rest,
      masks: r.masks.map((m) =>
        withHidden({ probs: [...m.probs], logits: [...m.logits], top: [...m.top] }, m.hidden?.slice()),
      ),
      tokens: [...r.tokens],
      truncatedTokens: seq.truncated,
      ...(seq.truncatedInputs ? { truncatedInputs: seq.truncatedInputs } : {}),
      ...(seq.inputsRead ? { inputsRead: seq.inputsRead } : {}),
      ...(seq.droppedDemos ? { droppedDemos: seq.droppedDemos } : {}),
    };
  }
  stats.modelMs = Math.round(stats.modelMs * 100) / 100;
  stats.totalMs = Math.round((now() - t0) * 100) / 100;
  return { scores: results, stats };
}

/** The mask's scores with its hidden vector (when there is one). */
function withHidden(scores: MaskScores, hidden: Float32Array | undefined): MaskScores {
  return hidden ? { ...scores, hidden } : scores;
}
