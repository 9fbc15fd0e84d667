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

import type { Issue, ScoringWarningCode } from './issues.ts';

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

// Warnings: a label with no scorable word (probability 0), no label with any score (uniform), words
// scored by their first sub-token only, an input the runtime shortened, invalid scores from the
// runtime (treated as 0), calibration without the mask-token content-free input.
export type ScoringWarning = Issue<ScoringWarningCode>;
export type { ScoringWarningCode } from './issues.ts';
