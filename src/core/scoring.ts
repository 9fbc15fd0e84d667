// Scoring: from the model's scores at the mask(s) to a distribution over labels. This file holds
// what every step shares — the options and the warnings; the steps have their own files:
//
// Flow:  plan = planScoring(template, inputs, resolvedWords, options, { maskToken })  scoring-plan.ts
//        results[i] = runtime(plan.prompts[i], plan.tokenIds)       (or from a cache by plan.keys[i])
//        scores = scoreLabels(plan, results)                         label-scores.ts (pure; no model)
//          per input: labelDistribution(…)                           label-distribution.ts
//          with calibration: calibrate(P, p_cf)                      calibration.ts
// Scoring is a pure function of (plan, results, options): re-scoring with another aggregation,
// multi-token mode, length normalisation or calibration needs no forward pass as long as the plan
// holds the prompts those options need — plan with `{ complete: true }` to have all of them.
// Only the scoring pipeline (pipeline.ts) calls these steps (scripts/check-architecture.mjs).

export type Aggregation = 'sum' | 'mean' | 'max' | 'logit-mean';
export type MultiTokenMode = 'all-subtokens' | 'first-subtoken';

export interface ScoringOptions {
  /** How a label's words combine: sum / mean / max of word probabilities, or PET's mean of logits. */
  aggregation: Aggregation;
  /** Multi-token words: one mask per sub-token (exact, PET-style), or only the first sub-token on the 1-mask prompt (approximation). */
  multiToken: MultiTokenMode;
  /** Divide a multi-token word's log-probability by its number of sub-tokens. */
  lengthNormalize: boolean;
  /** Contextual calibration (Zhao et al. 2021) with content-free inputs. */
  calibrate: boolean;
}

export const DEFAULT_SCORING_OPTIONS: Readonly<ScoringOptions> = Object.freeze({
  aggregation: 'sum',
  multiToken: 'all-subtokens',
  lengthNormalize: false,
  calibrate: false,
});

// ---------------------------------------------------------------------------------------------
// Warnings

export type ScoringWarningCode =
  | 'no-usable-words' // a label has no scorable word: its probability is 0
  | 'uniform-fallback' // no label got any score: uniform distribution
  | 'approximated' // multi-token words scored by their first sub-token only
  | 'truncated' // the runtime shortened an input
  | 'invalid-score' // the runtime returned NaN / negative values (treated as 0)
  | 'no-mask-content-free'; // calibration without the mask-token content-free input

export interface ScoringWarning {
  code: ScoringWarningCode;
  message: string;
  label?: string;
  /** Counts the message names (tokens cut, invalid scores), for translated messages. */
  params?: Record<string, string | number>;
}
