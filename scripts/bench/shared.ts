// Benchmark pieces that run the same way in Node and in the browser page: the deterministic data,
// the setup, statistics, and the two ClozeLab drivers (evaluation via src/core/evaluation.ts over a
// RuntimeClient, exactly as src/store/evaluation/run.ts does it; live scoring via src/store/live.ts).
import { COMMON_WORDS, MORE_WORDS, splitWords } from '../fixtures/vocab-en.ts';
import { Rng } from '../fixtures/prng.ts';
import type { EvalExample } from '../../src/core/dataset.ts';
import { EVAL_DEFAULTS, runEvaluation, type EvaluationRun } from '../../src/core/evaluation.ts';
import { CACHE_LIMITS, ScoringPipeline, type PipelineModel } from '../../src/core/pipeline.ts';
import { VerbalizerBinder } from '../../src/core/bound-verbalizer.ts';
import { parseVerbalizer, type Verbalizer } from '../../src/core/verbalizer.ts';
import { parseTemplate, renderPrompt } from '../../src/core/template.ts';
import { DEFAULT_SCORING_OPTIONS } from '../../src/core/scoring.ts';
import type { ModelFacts, RenderedPrompt } from '../../src/core/types.ts';
import type { RuntimeClient } from '../../src/runtime/client.ts';
import type { ScoreStats } from '../../src/runtime/protocol.ts';

export const BENCH_MODEL_ID = 'clozelab-test/distilbert-shaped';
export const TEMPLATE = '[X] Overall, it was a [Z] movie.';
export const LABELS = ['positive', 'negative', 'neutral'] as const;
export const VERBALIZER_TEXT = 'positive: great, good\nnegative: terrible, bad\nneutral: okay, fine';
/** What the evaluation workbench sends per runtime request (src/core/evaluation.ts EVAL_DEFAULTS). */
export const EVAL_PROMPTS_PER_REQUEST = EVAL_DEFAULTS.promptsPerRequest;

export function verbalizer(text = VERBALIZER_TEXT): Verbalizer {
  const parsed = parseVerbalizer(text);
  if (!parsed.ok) throw new Error('bench verbalizer does not parse');
  return parsed.verbalizer;
}

const WORDS = [...splitWords(COMMON_WORDS), ...splitWords(MORE_WORDS)].filter((w) => /^[a-z]+$/.test(w));

/** A deterministic sentence of `n` words ("Word word, word word."). */
function sentence(rng: Rng, n: number): string {
  const words: string[] = [];
  for (let i = 0; i < n; i++) {
    let w = WORDS[Math.floor(rng.next() * WORDS.length)] as string;
    if (i === 0) w = w[0]!.toUpperCase() + w.slice(1);
    if (i > 2 && i < n - 1 && rng.next() < 0.08) w += ',';
    words.push(w);
  }
  return `${words.join(' ')}.`;
}

/** `n` labelled examples with 5–60 words each (uniform), deterministic. */
export function makeExamples(n: number, seed = 20261129): EvalExample[] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, (_, i) => {
    const words = 5 + Math.floor(rng.next() * 56);
    const gold = LABELS[Math.floor(rng.next() * LABELS.length)] as string;
    return { line: i + 2, endLine: i + 2, inputs: { X: sentence(rng, words) }, gold, rawLabel: gold };
  });
}

/** Inputs typed into the playground, one per edit (12–20 words, like a short review). */
export function makeLiveInputs(n: number, seed = 7): string[] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => sentence(rng, 12 + Math.floor(rng.next() * 9)));
}

/** The naive reference's text: the template with [X] filled and [Z] as the mask token. */
export function renderText(input: string, maskToken: string): string {
  return TEMPLATE.replace('[X]', input).replace('[Z]', maskToken);
}

/** The bench template rendered for one input (what the live pipeline sends). */
export function benchPrompt(input: string): RenderedPrompt {
  const parsed = parseTemplate(TEMPLATE);
  if (!parsed.ok) throw new Error('bench template does not parse');
  return renderPrompt(parsed.template, { X: input });
}

/** Token ids of each label's words (all single tokens in the bench vocabulary). */
export async function labelTokenIds(
  client: RuntimeClient,
  facts: ModelFacts,
  verbalizerText = VERBALIZER_TEXT,
): Promise<number[][]> {
  const parsed = parseTemplate(TEMPLATE);
  if (!parsed.ok) throw new Error('bench template does not parse');
  const v = verbalizer(verbalizerText);
  // The pipeline's binding step (the same label-word forms the live view and evaluation score).
  const bound = await new VerbalizerBinder({
    key: 'bench',
    tokenizerKind: facts.tokenizerKind,
    tokenizeWords: (texts) => client.tokenizeWords(texts),
  }).bind(parsed.template, v);
  let at = 0;
  return v.labels.map((label) =>
    label.words.map(() => {
      const form = bound.words[at++]!.form;
      if (form.ids.length !== 1) throw new Error(`bench label word "${form.text}" is not one token`);
      return form.ids[0]!;
    }),
  );
}

/** Rank (0 = most likely) of each label word at the mask, from a top-`probeK` list; -1 = beyond. */
export async function labelRanks(
  client: RuntimeClient,
  inputs: string[],
  labelIds: number[],
  probeK: number,
): Promise<number[][]> {
  const scores = await client.score(inputs.map(benchPrompt), labelIds, { topK: probeK, lane: 'bench-probe' });
  return scores.map((s) => labelIds.map((id) => s.masks[0]!.top.findIndex((t) => t.id === id)));
}

/** top_k for the naive pipeline: covers every observed rank with a margin (q8 results move a little with batching). */
export function naiveTopK(ranks: number[][], probeK: number, vocab: number): { topK: number; beyondProbe: number } {
  let max = 0;
  let beyond = 0;
  for (const r of ranks.flat()) {
    if (r < 0) beyond++;
    else max = Math.max(max, r + 1);
  }
  const topK = beyond > 0 ? Math.min(vocab, probeK * 2) : Math.min(vocab, Math.ceil(max * 1.25) + 10);
  return { topK, beyondProbe: beyond };
}

/**
 * Label words the (random-weight) model actually ranks high at [Z] for these inputs — as 'great'
 * ranks high for a real model on a movie-review template — so that the naive reference needs only
 * a small top_k. Whole lower-case words only. Returns the verbalizer and distinct variants of it
 * (label-word edits), all single-token words.
 */
export async function chooseLabelWords(
  client: RuntimeClient,
  inputs: string[],
  edits: number,
): Promise<{ verbalizerText: string; edits: string[]; words: string[] }> {
  const probeK = 1024;
  const scores = await client.score(inputs.map(benchPrompt), [], { topK: probeK, lane: 'bench-probe' });
  // Worst rank of each whole word over all inputs (absent from a top list = probeK): small = always likely.
  const rankSum = new Map<string, number>();
  scores.forEach((s, i) => {
    const seen = new Set<string>();
    s.masks[0]!.top.forEach((t, rank) => {
      if (!/^[a-z]{3,}$/.test(t.token)) return;
      seen.add(t.token);
      if (i === 0) rankSum.set(t.token, rank);
      else if (rankSum.has(t.token)) rankSum.set(t.token, Math.max(rankSum.get(t.token)!, rank));
    });
    for (const w of [...rankSum.keys()]) if (!seen.has(w)) rankSum.set(w, probeK);
  });
  const words = [...rankSum.entries()]
    .sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1))
    .map(([w]) => w)
    .slice(0, 16);
  if (words.length < 16) throw new Error('not enough candidate label words');
  const text = (w: string[]) => `positive: ${w[0]}, ${w[3]}\nnegative: ${w[1]}, ${w[4]}\nneutral: ${w[2]}`;
  const variants = Array.from({ length: edits }, (_, i) => {
    const pick = [0, 1, 2, 3, 4].map((k) => words[(k * 3 + i + 1) % words.length]!);
    return text(pick);
  });
  return { verbalizerText: text(words), edits: [...new Set(variants)], words };
}

/** Every k-th example (a sample with the same length distribution), at most `max`. */
export function sample<T>(items: readonly T[], max: number): T[] {
  if (items.length <= max) return [...items];
  const step = items.length / max;
  return Array.from({ length: max }, (_, i) => items[Math.floor(i * step)] as T);
}

// ---- statistics ----

export function quantile(xs: readonly number[], q: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  // nearest rank
  const idx = Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1));
  return s[idx] as number;
}
export const median = (xs: readonly number[]): number => quantile(xs, 0.5);
export const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);

// ---- ClozeLab: batch evaluation, the evaluation workbench's path ----

export interface EvalTiming {
  ms: number;
  examples: number;
  promptsRun: number;
  requests: number;
  shapes: [number, number][];
  maskRows: number[];
  paddedTokens: number;
  tokensRun: number;
  run: EvaluationRun;
}

/**
 * Evaluates `examples` with src/core/evaluation.ts (calibration prompts included, top-5 kept),
 * scoring through `client` on the 'eval' lane — what src/store/evaluation/run.ts does. Also collects
 * the runtime's batch shapes, so the ceiling can run exactly the same shapes.
 */
export async function evaluateWithClozeLab(
  client: RuntimeClient,
  facts: ModelFacts,
  examples: EvalExample[],
  options: { batchSize?: number; promptsPerRequest?: number; verbalizerText?: string } = {},
): Promise<EvalTiming> {
  const shapes: [number, number][] = [];
  const maskRows: number[] = [];
  let paddedTokens = 0;
  let tokensRun = 0;
  const t0 = performance.now();
  const model: PipelineModel = {
    key: 'bench',
    maskToken: facts.maskToken,
    tokenizerKind: facts.tokenizerKind,
    tokenizeWords: (texts) => client.tokenizeWords(texts),
    score: async (prompts, tokenIds, { topK, lane }) => {
      const r = await client.scoreDetailed(prompts, tokenIds, { topK, lane, batchSize: options.batchSize });
      collect(r.stats);
      return r.scores;
    },
  };
  const pipeline = new ScoringPipeline(model, { cacheLimit: CACHE_LIMITS.evaluation });
  const { templates, problems } = await pipeline.bindTemplates(
    [{ id: 't1', name: 'bench', text: TEMPLATE }],
    verbalizer(options.verbalizerText),
  );
  if (problems.length || templates.length !== 1)
    throw new Error(`bench template problems: ${JSON.stringify(problems)}`);
  const run = await runEvaluation({
    templates,
    examples,
    labels: [...LABELS],
    scoring: { ...DEFAULT_SCORING_OPTIONS },
    pipeline,
    promptsPerRequest: options.promptsPerRequest ?? EVAL_PROMPTS_PER_REQUEST,
  });
  const ms = performance.now() - t0;
  if (run.status !== 'complete') throw new Error(`evaluation ${run.status}: ${run.error ?? ''}`);
  function collect(stats: ScoreStats): void {
    for (const s of stats.shapes ?? []) {
      shapes.push(s);
      maskRows.push(s[0]);
    }
    paddedTokens += stats.paddedTokens;
    tokensRun += stats.tokensRun;
  }
  return {
    ms,
    examples: examples.length,
    promptsRun: run.stats.promptsRun,
    requests: run.stats.requests,
    shapes,
    maskRows,
    paddedTokens,
    tokensRun,
    run,
  };
}

/** What the suite keeps of one timed evaluation (both environments). */
export interface EvalSummary {
  ms: number;
  examples: number;
  promptsRun: number;
  requests: number;
  shapes: [number, number][];
  paddedTokens: number;
  tokensRun: number;
  longTasks: { start: number; duration: number }[] | null;
  sampled: { i: number; dist: number[] }[];
}

/**
 * The summary of a timed evaluation; `sampled`: the distributions of up to 200 examples (for
 * agreement checks across methods), or none.
 */
export function evalSummary(
  r: EvalTiming,
  longTasks: EvalSummary['longTasks'],
  options: { sampled: boolean },
): EvalSummary {
  const { ms, examples, promptsRun, requests, shapes, paddedTokens, tokensRun } = r;
  const sampled = options.sampled
    ? sample(
        r.run.examples.map((_, i) => i),
        200,
      ).map((i) => ({ i, dist: r.run.outcomes[0]?.[i]?.uncalibrated ?? [] }))
    : [];
  return { ms, examples, promptsRun, requests, shapes, paddedTokens, tokensRun, longTasks, sampled };
}

/** Per-example uncalibrated distributions of a finished run (for agreement checks). */
export function distributions(run: EvaluationRun): number[][] {
  return run.examples.map((_, i) => run.outcomes[0]?.[i]?.uncalibrated ?? []);
}
