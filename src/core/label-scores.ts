// Scoring, step 3: the label distribution for the plan's input, calibrated when asked, with the
// warnings and flags the views show; and scoring straight from a cache of runtime results.

import { issue } from './issues.ts';
import type { InputTruncation, PromptScores } from './types.ts';
import type { ScoringOptions, ScoringWarning } from './scoring.ts';
import { planSupports, requiredPrompts, type ScoringPlan } from './scoring-plan.ts';
import { labelDistribution, type WordScore } from './label-distribution.ts';
import { argmax } from './numerics.ts';
import { calibrate, meanDistribution } from './calibration.ts';

export interface LabelScores {
  labels: string[];
  /** Final distribution (calibrated when options.calibrate). Sums to 1. */
  probs: number[];
  /** Index of the most probable label (first on ties); -1 if there are no labels. */
  winner: number;
  /** Distribution before calibration (= probs when not calibrating). */
  uncalibrated: number[];
  /** p_cf (mean content-free distribution) when calibrating, else null. */
  contentFree: number[] | null;
  labelScores: number[];
  wordScores: WordScore[];
  warnings: ScoringWarning[];
  flags: {
    /** Distribution fell back to uniform (no usable score). */
    uniform: boolean;
    /** Another label has exactly the winner's probability. */
    tie: boolean;
    /** Some multi-token word was scored by its first sub-token only. */
    approximated: boolean;
    calibrated: boolean;
    /** Input tokens the runtime cut from the real input's prompts (max over them). */
    truncatedTokens: number;
    /** Which inputs they were cut from (of the prompt that lost the most); [] when none. */
    truncatedInputs: InputTruncation[];
  };
  options: ScoringOptions;
}

/**
 * The label distribution for the plan's input. `results` is aligned with `plan.prompts` (entries
 * the options don't need may be undefined). With calibration: P is computed for each content-free
 * input with the same options (uncalibrated), p_cf = their mean, and probs = calibrate(P, p_cf).
 * Throws only on a broken contract (missing result, too few masks, wrong columns).
 */
export function scoreLabels(
  plan: ScoringPlan,
  results: readonly (PromptScores | undefined)[],
  options: ScoringOptions = plan.options,
): LabelScores {
  const main = labelDistribution(plan, results, plan.inputPrompt, options);
  const warnings: ScoringWarning[] = [];
  let invalid = main.invalid;

  for (let l = 0; l < plan.labels.length; l++) {
    if (!plan.words.some((w) => w.labelIndex === l && (w.status === 'single' || w.status === 'multi'))) {
      warnings.push(issue('no-usable-words', 'warning', { label: plan.labels[l]! }));
    }
  }
  const approximated = main.wordScores.some((w) => w.approximated);
  if (approximated) {
    warnings.push(issue('approximated', 'warning', {}));
  }

  let probs = main.probs;
  let contentFree: number[] | null = null;
  const uniformFlag = main.uniform;
  if (options.calibrate) {
    if (plan.contentFreePrompts.length === 0)
      throw new Error('scoreLabels: calibration needs content-free prompts; plan with calibrate or { complete: true }');
    const cf = plan.contentFreePrompts.map((map) => {
      const d = labelDistribution(plan, results, map, options);
      invalid += d.invalid;
      return d.probs;
    });
    contentFree = meanDistribution(cf);
    probs = calibrate(main.probs, contentFree);
    for (const w of plan.warnings) warnings.push(w);
  }
  if (uniformFlag) {
    warnings.push(issue('uniform-fallback', 'warning', {}));
  }
  if (invalid > 0) {
    warnings.push(issue('invalid-score', 'warning', { n: invalid }));
  }
  let truncatedTokens = 0;
  let truncatedInputs: InputTruncation[] = [];
  for (const idx of Object.values(plan.inputPrompt)) {
    const r = results[idx];
    if (r && r.truncatedTokens > truncatedTokens) {
      truncatedTokens = r.truncatedTokens;
      truncatedInputs = r.truncatedInputs ?? [];
    }
  }
  if (truncatedTokens > 0) {
    warnings.push(issue('truncated', 'warning', { n: truncatedTokens }));
  }

  const winner = argmax(probs);
  const tie = winner >= 0 && probs.some((p, i) => i !== winner && p === probs[winner]);
  return {
    labels: main.labels,
    probs,
    winner,
    uncalibrated: main.probs,
    contentFree,
    labelScores: main.labelScores,
    wordScores: main.wordScores,
    warnings,
    flags: {
      uniform: uniformFlag,
      tie,
      approximated,
      calibrated: options.calibrate,
      truncatedTokens,
      truncatedInputs,
    },
    options: { ...options },
  };
}

/**
 * Score from a cache of runtime results keyed by `plan.keys[i]`. Returns the prompts still to run
 * when some are missing (so the caller runs exactly those, caches them and calls again), or
 * `replan: true` when the plan lacks prompts these options need (plan again with them).
 */
export function scoreFromCache(
  plan: ScoringPlan,
  lookup: (key: string) => PromptScores | undefined,
  options: ScoringOptions = plan.options,
): { ok: true; scores: LabelScores } | { ok: false; missing: number[]; replan: boolean } {
  if (!planSupports(plan, options)) return { ok: false, missing: [], replan: true };
  const needed = requiredPrompts(plan, options);
  const results: (PromptScores | undefined)[] = plan.keys.map(() => undefined);
  const missing: number[] = [];
  for (const i of needed) {
    const r = lookup(plan.keys[i]!);
    if (r) results[i] = r;
    else missing.push(i);
  }
  if (missing.length > 0) return { ok: false, missing, replan: false };
  return { ok: true, scores: scoreLabels(plan, results, options) };
}
