// Lever: how prompts are grouped into batches. Runs the batch plans of several strategies through
// the raw mask-rows session (model time only — what batching changes), on the real token lengths of
// the bench examples grouped as the evaluation sends them (48 prompts per request, its shuffled order).
// Always runs in Node (the suite's side), so the tokenizer here is Transformers.js in Node.
import { join } from 'node:path';
import { AutoTokenizer, env } from '@huggingface/transformers';
import { evaluationOrder } from '../../src/core/evaluation.ts';
import { planBatches } from '../../src/runtime/batching.ts';
import { BENCH_MODEL_ID, EVAL_PROMPTS_PER_REQUEST, makeExamples, renderText } from './shared.ts';
import { REPO_ROOT } from './server.ts';

export interface BatchingVariant {
  name: string;
  maxBatch: number;
  runCost?: number;
}

export const BATCHING_VARIANTS: BatchingVariant[] = [
  { name: 'greedy, max 16 (before)', maxBatch: 16 },
  { name: 'greedy, max 8', maxBatch: 8 },
  { name: 'greedy, max 32', maxBatch: 32 },
  { name: 'least work, run = 16 tokens (browser default)', maxBatch: 32, runCost: 16 },
  { name: 'least work, run = 48 tokens (Node default)', maxBatch: 32, runCost: 48 },
];

/** Token lengths (special tokens included) of the first n bench prompts, in evaluation order, grouped per request. */
export async function requestLengths(n: number): Promise<number[][]> {
  const saved = env.localModelPath;
  env.localModelPath = `${join(REPO_ROOT, '.cache/models')}/`;
  try {
    const tokenizer = (await AutoTokenizer.from_pretrained(BENCH_MODEL_ID, { local_files_only: true })) as unknown as {
      encode(t: string): number[];
    };
    const examples = makeExamples(1000).slice(0, n);
    const lengths = evaluationOrder(examples.length, 1).map(
      (i) => tokenizer.encode(renderText(examples[i]!.inputs.X as string, '[MASK]')).length,
    );
    const groups: number[][] = [];
    for (let i = 0; i < lengths.length; i += EVAL_PROMPTS_PER_REQUEST)
      groups.push(lengths.slice(i, i + EVAL_PROMPTS_PER_REQUEST));
    return groups;
  } finally {
    env.localModelPath = saved;
  }
}

export function shapesFor(
  groups: number[][],
  v: BatchingVariant,
  vocab = 30522,
): { shapes: [number, number][]; paddingPct: number } {
  let real = 0;
  let total = 0;
  const shapes = groups.flatMap((g) =>
    planBatches(g, v.maxBatch, vocab, 24 * 1024 * 1024, {
      outputRows: g.map(() => 1),
      maxTokens: 4096,
      ...(v.runCost === undefined ? {} : { runCost: v.runCost }),
    }).map((batch) => {
      const len = Math.max(...batch.map((k) => g[k] as number));
      real += batch.reduce((s, k) => s + (g[k] as number), 0);
      total += batch.length * len;
      return [batch.length, len] as [number, number];
    }),
  );
  return { shapes, paddingPct: (100 * (total - real)) / total };
}
