// Word attribution, step 3: score the n + 1 occlusion inputs through the one scoring pipeline and
// give, per word, the change in each label's probability: Δp(l) = P(l | input) − P(l | input with
// the word occluded). Positive: the word pushes toward l (without it, l loses probability).
//
// Cost: the n + 1 prompts (n words), nothing per word beyond them. Where the plan needs more per
// input (a k-mask prompt for each sub-token count k of multi-token label words with "all
// sub-tokens"; calibration's content-free prompts, the same for all n + 1 and so run once), they
// are added as the pipeline plans them; `prompts` counts what was needed, `promptsRun` what ran.
// Results stream: the original and the first few words go in the first request, the rest in
// requests of the pass's size, and `onUpdate` gets a snapshot after each.

import {
  PASSES,
  type PassJob,
  type PassSettings,
  type PassTemplate,
  type RunControl,
  type ScoringPipeline,
} from '../pipeline.ts';
import type { LabelScores } from '../label-scores.ts';
import type { ScoringOptions } from '../scoring.ts';
import { occlusionSet, type OcclusionMode } from './occlusion.ts';
import type { InputWord } from './words.ts';

export interface WordAttribution {
  word: InputWord;
  /** Per label (aligned with `labels`): P(l | input) − P(l | occluded); null until its prompt has run. */
  delta: number[] | null;
  /** The occluded input's label distribution (null until scored). */
  occluded: LabelScores | null;
}

export interface AttributionResult {
  mode: OcclusionMode;
  labels: string[];
  /** The input as it is. */
  original: LabelScores;
  words: WordAttribution[];
  /** Distinct prompts this attribution needed so far: n + 1 when done (more only as explained above). */
  prompts: number;
  /** Of which ran on the model now (the rest came from the pipeline's cache). */
  promptsRun: number;
  requests: number;
  /** True once every word is scored. */
  done: boolean;
}

export interface AttributionOptions extends RunControl {
  settings?: PassSettings;
  /** Words scored in the first request, with the original (default 3). */
  firstChunk?: number;
  /** A snapshot after each request (the words scored so far). */
  onUpdate?: (result: AttributionResult) => void;
}

/**
 * Occlusion attribution for one input and one template. Null when `isCurrent` turned false
 * (a newer attribution took over). An input without words gives an empty `words` list.
 */
export async function explainInput(
  pipeline: ScoringPipeline,
  template: PassTemplate,
  inputs: Readonly<Record<string, string>>,
  scoring: ScoringOptions,
  mode: OcclusionMode,
  options: AttributionOptions = {},
): Promise<AttributionResult | null> {
  const settings = options.settings ?? PASSES.explain;
  const set = occlusionSet(inputs, template.template.slots, mode, pipeline.model.maskToken);
  const transform = set.transform ?? undefined;
  // One pass: each chunk's variants are added, then run() runs only what is still unanswered.
  const pass = pipeline.pass([template], scoring, settings);
  const needed = new Set<string>();
  const firstChunk = Math.max(0, Math.floor(options.firstChunk ?? 3));
  const chunk = Math.max(1, Math.floor(settings.requestSize));
  let original: LabelScores | null = null;
  const words: WordAttribution[] = set.words.map((word) => ({ word, delta: null, occluded: null }));
  let snapshot: AttributionResult | null = null;
  for (let from = 0; from < set.variants.length;) {
    const end = Math.min(set.variants.length, from === 0 ? 1 + firstChunk : from + chunk);
    const jobs: PassJob[] = [];
    for (let i = from; i < end; i++) {
      const job = pass.add(set.variants[i]!.inputs, Infinity, transform)!;
      for (const key of pass.requiredKeys(job)) needed.add(key);
      jobs.push(job);
    }
    if (!(await pass.run(options))) return null;
    jobs.forEach((job, j) => {
      const scores = pass.result(job, 0).scores;
      if (from + j === 0) original = scores;
      else {
        const w = words[from + j - 1]!;
        const base = original!;
        w.occluded = scores;
        w.delta = base.probs.map((p, l) => p - (scores.probs[l] ?? 0));
      }
    });
    from = end;
    const base = original!;
    snapshot = {
      mode,
      labels: base.labels,
      original: base,
      words: words.map((w) => ({ ...w })),
      prompts: needed.size,
      promptsRun: pass.stats.promptsRun,
      requests: pass.stats.requests,
      done: from >= set.variants.length,
    };
    options.onUpdate?.(snapshot);
  }
  return snapshot;
}
