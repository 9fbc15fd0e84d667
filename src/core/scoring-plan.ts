// Scoring, step 1: which prompts to run for one input, and which token ids to read at their masks.

import { issue } from './issues.ts';
import type { RenderedPrompt } from './types.ts';
import { promptKey, renderPrompt, type Template } from './template.ts';
import { isUsable, type ResolvedWord, type WordStatus } from './label-words.ts';
import { DEFAULT_SCORING_OPTIONS, type MultiTokenMode, type ScoringOptions, type ScoringWarning } from './scoring.ts';
import { contentFreeInputs } from './calibration.ts';

// ---------------------------------------------------------------------------------------------
// Plan

export interface PlannedWord {
  label: string;
  labelIndex: number;
  word: string;
  status: WordStatus;
  /** Token ids of the word's form (sub-tokens t1..tk). */
  ids: number[];
  /** Position of each id in `plan.tokenIds` (= in MaskScores.probs / logits). */
  columns: number[];
}

export interface PlannedPrompt {
  prompt: RenderedPrompt;
  key: string;
  maskCount: number;
  /** What it renders: 'input' or index into `plan.contentFreeInputs`. A prompt can serve several (deduplicated). */
  uses: ('input' | number)[];
}

export interface ScoringPlan {
  labels: string[];
  words: PlannedWord[];
  /** Deduplicated union of all usable label-word ids: what the runtime must read at each mask. */
  tokenIds: number[];
  /** Distinct prompts to run (deduplicated by key), aligned with `keys` and `info`. */
  prompts: RenderedPrompt[];
  keys: string[];
  info: PlannedPrompt[];
  /** maskCount → index into prompts, for the real input. */
  inputPrompt: Record<number, number>;
  /** Per content-free input: maskCount → index into prompts (empty unless calibrating or complete). */
  contentFreePrompts: Record<number, number>[];
  contentFreeInputs: Record<string, string>[];
  /** Options the plan was made for (the default for scoreLabels). */
  options: ScoringOptions;
  warnings: ScoringWarning[];
}

export interface PlanContext {
  /** The model's mask token, for the third content-free input. Without it only "N/A" and "" are used. */
  maskToken?: string;
  /** Plan prompts for every option combination (all mask counts, content-free prompts), so any option change is a pure re-score. */
  complete?: boolean;
}

function maskCountsFor(words: readonly PlannedWord[], multiToken: MultiTokenMode, complete: boolean): number[] {
  const counts = new Set<number>([1]);
  if (multiToken === 'all-subtokens' || complete) {
    for (const w of words) if (w.status === 'multi') counts.add(w.ids.length);
  }
  return [...counts].sort((a, b) => a - b);
}

/**
 * Which prompts to run for one input. Always the 1-mask prompt; with 'all-subtokens' also a k-mask
 * prompt for each distinct sub-token count k of a multi-token word; with calibration the same
 * prompts for each content-free input. Unusable words (unknown / empty) are planned but never scored.
 */
export function planScoring(
  template: Template,
  inputs: Readonly<Record<string, string>>,
  resolvedWords: readonly ResolvedWord[],
  options: ScoringOptions = DEFAULT_SCORING_OPTIONS,
  context: PlanContext = {},
): ScoringPlan {
  const complete = context.complete === true;
  const labels: string[] = [];
  const tokenIds: number[] = [];
  const column = new Map<number, number>();
  const words: PlannedWord[] = resolvedWords.map((w) => {
    let labelIndex = labels.indexOf(w.label);
    if (labelIndex < 0) labelIndex = labels.push(w.label) - 1;
    const ids = [...w.form.ids];
    const columns = isUsable(w)
      ? ids.map((id) => {
          let c = column.get(id);
          if (c === undefined) {
            c = tokenIds.push(id) - 1;
            column.set(id, c);
          }
          return c;
        })
      : [];
    return { label: w.label, labelIndex, word: w.word, status: w.status, ids, columns };
  });

  const warnings: ScoringWarning[] = [];
  const prompts: RenderedPrompt[] = [];
  const keys: string[] = [];
  const info: PlannedPrompt[] = [];
  const add = (inp: Readonly<Record<string, string>>, count: number, use: 'input' | number): number => {
    const prompt = renderPrompt(template, inp, count, { contentFree: use !== 'input' });
    const key = promptKey(prompt);
    let idx = keys.indexOf(key);
    if (idx < 0) {
      idx = prompts.push(prompt) - 1;
      keys.push(key);
      info.push({ prompt, key, maskCount: count, uses: [] });
    }
    info[idx]!.uses.push(use);
    return idx;
  };

  const counts = maskCountsFor(words, options.multiToken, complete);
  const inputPrompt: Record<number, number> = {};
  for (const k of counts) inputPrompt[k] = add(inputs, k, 'input');

  const cfInputs = contentFreeInputs(template.slots, context.maskToken);
  const contentFreePrompts: Record<number, number>[] = [];
  if (options.calibrate || complete) {
    if (!context.maskToken) {
      warnings.push(issue('no-mask-content-free', 'warning', {}));
    }
    cfInputs.forEach((cf, j) => {
      const map: Record<number, number> = {};
      for (const k of counts) map[k] = add(cf, k, j);
      contentFreePrompts.push(map);
    });
  }

  return {
    labels,
    words,
    tokenIds,
    prompts,
    keys,
    info,
    inputPrompt,
    contentFreePrompts,
    contentFreeInputs: options.calibrate || complete ? cfInputs : [],
    options: { ...options },
    warnings,
  };
}

/** Indices of `plan.prompts` whose results `scoreLabels(plan, results, options)` reads. */
export function requiredPrompts(plan: ScoringPlan, options: ScoringOptions = plan.options): number[] {
  const counts = maskCountsFor(plan.words, options.multiToken, false);
  const maps = [plan.inputPrompt, ...(options.calibrate ? plan.contentFreePrompts : [])];
  const out = new Set<number>();
  for (const map of maps) for (const k of counts) if (map[k] !== undefined) out.add(map[k]);
  return [...out].sort((a, b) => a - b);
}

/** True if the plan holds every prompt the options need (else re-plan). */
export function planSupports(plan: ScoringPlan, options: ScoringOptions): boolean {
  const counts = maskCountsFor(plan.words, options.multiToken, false);
  const maps = [plan.inputPrompt, ...(options.calibrate ? plan.contentFreePrompts : [])];
  if (options.calibrate && plan.contentFreePrompts.length === 0) return false;
  return maps.every((map) => counts.every((k) => map[k] !== undefined));
}
