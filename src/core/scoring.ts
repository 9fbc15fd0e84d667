// Scoring: from the model's scores at the mask(s) to a distribution over labels.
//
// Flow:  plan = planScoring(template, inputs, resolvedWords, options, { maskToken })
//        results[i] = runtime(plan.prompts[i], plan.tokenIds)       (or from a cache by plan.keys[i])
//        scores = scoreLabels(plan, results)                         (pure; no model needed)
// Scoring is a pure function of (plan, results, options): re-scoring with another aggregation,
// multi-token mode, length normalisation or calibration needs no forward pass as long as the plan
// holds the prompts those options need — plan with `{ complete: true }` to have all of them.

import { issue, type Issue, type ScoringWarningCode } from './issues.ts';
import type { PromptScores, RenderedPrompt } from './types.ts';
import { promptKey, renderPrompt, type Template } from './template.ts';
import { isUsable, type ResolvedWord, type WordStatus } from './verbalizer.ts';

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
// Content-free inputs (Calibrate Before Use)

/** The content-free strings of Zhao et al. 2021: "N/A", the empty string, and the mask token. */
export function contentFreeStrings(maskToken?: string): string[] {
  return maskToken ? ['N/A', '', maskToken] : ['N/A', ''];
}

/**
 * One inputs record per content-free string, every slot filled with that same string.
 * The third record puts the literal mask token into an *input* part. planScoring renders these
 * prompts with `contentFree` input parts, so the runtime keeps that mask token (it reads a mask
 * token in any other input as [UNK]); the answer is still read only at the `mask` part's positions.
 */
export function contentFreeInputs(slots: readonly string[], maskToken?: string): Record<string, string>[] {
  return contentFreeStrings(maskToken).map((s) => Object.fromEntries(slots.map((slot) => [slot, s])));
}

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

// ---------------------------------------------------------------------------------------------
// Numerics

/** log Σ exp(x_i), stable; -Infinity for an empty list or all -Infinity. */
export function logSumExp(xs: readonly number[]): number {
  let m = -Infinity;
  for (const x of xs) if (x > m) m = x;
  if (m === -Infinity) return -Infinity;
  if (m === Infinity) return Infinity;
  let s = 0;
  for (const x of xs) s += Math.exp(x - m);
  return m + Math.log(s);
}

/**
 * softmax(x)_i = exp(x_i - m) / Σ_j exp(x_j - m), m = max x (stable). Entries of -Infinity get 0.
 * Returns null when nothing is finite (all -Infinity / NaN): callers fall back to uniform.
 */
export function softmax(xs: readonly number[]): number[] | null {
  const clean = xs.map((x) => (Number.isNaN(x) ? -Infinity : x));
  const infs = clean.filter((x) => x === Infinity).length;
  if (infs > 0) return clean.map((x) => (x === Infinity ? 1 / infs : 0));
  let m = -Infinity;
  for (const x of clean) if (x > m) m = x;
  if (m === -Infinity) return null;
  const e = clean.map((x) => Math.exp(x - m));
  const z = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / z);
}

export function uniform(n: number): number[] {
  return Array.from({ length: n }, () => 1 / n);
}

/** Index of the largest value (first one on ties); -1 for an empty list. */
export function argmax(xs: readonly number[]): number {
  let best = -1;
  for (let i = 0; i < xs.length; i++) if (best < 0 || xs[i]! > xs[best]!) best = i;
  return best;
}

/** Smallest p_cf used in calibration: dividing by a smaller number would only amplify noise. */
export const PCF_FLOOR = 1e-12;

/**
 * Contextual calibration (Zhao et al. 2021) with W = diag(p_cf)^-1, b = 0:
 *   q(l) = (P(l) / p_cf(l)) / Σ_l' (P(l') / p_cf(l')),   p_cf(l) floored at PCF_FLOOR.
 * A label with P(l) = 0 stays 0. If every q is 0 the result is uniform.
 */
export function calibrate(distribution: readonly number[], pcf: readonly number[]): number[] {
  if (distribution.length !== pcf.length) throw new RangeError('calibrate: distribution and p_cf differ in length');
  const q = distribution.map((p, l) => (p > 0 && Number.isFinite(p) ? p / Math.max(pcf[l] ?? 0, PCF_FLOOR) : 0));
  const z = q.reduce((a, b) => a + b, 0);
  if (!(z > 0) || !Number.isFinite(z)) return uniform(distribution.length);
  return q.map((x) => x / z);
}

/** p_cf(l) = mean over content-free prompts of their label distributions. */
export function meanDistribution(dists: readonly (readonly number[])[]): number[] {
  if (dists.length === 0) return [];
  const n = dists[0]!.length;
  const out = new Array<number>(n).fill(0);
  for (const d of dists) for (let l = 0; l < n; l++) out[l]! += (d[l] ?? 0) / dists.length;
  return out;
}

// ---------------------------------------------------------------------------------------------
// Scoring

// Warnings: a label with no scorable word (probability 0), no label with any score (uniform), words
// scored by their first sub-token only, an input the runtime shortened, invalid scores from the
// runtime (treated as 0), calibration without the mask-token content-free input.
export type ScoringWarning = Issue<ScoringWarningCode>;
export type { ScoringWarningCode } from './issues.ts';

export interface WordScore {
  label: string;
  word: string;
  status: WordStatus;
  /** False for unknown / empty words, which are left out. */
  used: boolean;
  /** p(w) = exp(logProb). */
  prob: number;
  /** log p(w): Σ_i log p_i(t_i) (÷ k if length-normalised) for multi-token words. -Infinity if unused / zero. */
  logProb: number;
  /** Logit used by 'logit-mean': the word's logit, or the mean of its sub-tokens' logits. null if unused. */
  logit: number | null;
  /** True when only the first sub-token was scored (multiToken 'first-subtoken'). */
  approximated: boolean;
  /** Masks of the prompt this word was read from. */
  maskCount: number;
}

export interface LabelDistribution {
  labels: string[];
  probs: number[];
  /** s_l before normalisation: Σ / mean / max of p(w) (linear), or the mean logit for 'logit-mean'. */
  labelScores: number[];
  wordScores: WordScore[];
  /** True when no label had a score and the distribution is uniform. */
  uniform: boolean;
}

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
  };
  options: ScoringOptions;
}

function pickResult(
  results: readonly (PromptScores | undefined)[],
  idx: number | undefined,
  count: number,
): PromptScores {
  if (idx === undefined)
    throw new Error(
      `scoreLabels: the plan has no ${count}-mask prompt for these options; re-plan (or plan with { complete: true })`,
    );
  const r = results[idx];
  if (!r) throw new Error(`scoreLabels: missing result for prompt ${idx}`);
  if (r.masks.length < count)
    throw new Error(`scoreLabels: prompt ${idx} has ${r.masks.length} mask scores, expected ${count}`);
  return r;
}

function readProb(r: PromptScores, mask: number, col: number, bad: { n: number }): number {
  const v = r.masks[mask]!.probs[col];
  if (v === undefined)
    throw new Error(`scoreLabels: mask scores have no column ${col}; pass plan.tokenIds to the runtime`);
  if (!(v >= 0) || !Number.isFinite(v)) {
    bad.n++;
    return 0;
  }
  return Math.min(v, 1);
}

function readLogit(r: PromptScores, mask: number, col: number, bad: { n: number }): number {
  const v = r.masks[mask]!.logits[col];
  if (v === undefined)
    throw new Error(`scoreLabels: mask scores have no column ${col}; pass plan.tokenIds to the runtime`);
  if (Number.isNaN(v)) {
    bad.n++;
    return -Infinity;
  }
  return v;
}

/**
 * Label distribution for one rendered input (no calibration), given the results of its prompts by
 * mask count. Formulas:
 *  word w, one token t:              p(w) = p(t) at the mask
 *  word w = t1..tk, 'all-subtokens': log p(w) = Σ_i log p_i(t_i) on the k-mask prompt (mask i),
 *                                    ÷ k when lengthNormalize; p(w) = exp(log p(w))
 *  word w = t1..tk, 'first-subtoken': p(w) = p(t1) on the 1-mask prompt (approximated)
 *  label score s_l over its usable words W_l (computed in log space with log-sum-exp):
 *    sum: s_l = Σ_w p(w)   mean: s_l = (1/|W_l|) Σ_w p(w)   max: s_l = max_w p(w)
 *    then P(l) = s_l / Σ_l' s_l'
 *  'logit-mean' (PET): s_l = mean_w logit(w), where a multi-token word's logit is the mean of its
 *    sub-tokens' logits at their masks (k-mask prompt; first sub-token only with 'first-subtoken');
 *    then P(l) = softmax_l(s_l).
 *  A label without usable words gets P(l) = 0; if no label has a score, P is uniform (flagged).
 */
export function labelDistribution(
  plan: ScoringPlan,
  results: readonly (PromptScores | undefined)[],
  promptByCount: Readonly<Record<number, number>>,
  options: ScoringOptions,
): LabelDistribution & { invalid: number } {
  const bad = { n: 0 };
  const wordScores: WordScore[] = plan.words.map((w) => {
    const base = { label: w.label, word: w.word, status: w.status };
    if (!(w.status === 'single' || w.status === 'multi')) {
      return { ...base, used: false, prob: 0, logProb: -Infinity, logit: null, approximated: false, maskCount: 0 };
    }
    const k = w.ids.length;
    if (k === 1 || options.multiToken === 'first-subtoken') {
      const r = pickResult(results, promptByCount[1], 1);
      const p = readProb(r, 0, w.columns[0]!, bad);
      return {
        ...base,
        used: true,
        prob: p,
        logProb: Math.log(p),
        logit: readLogit(r, 0, w.columns[0]!, bad),
        approximated: k > 1,
        maskCount: 1,
      };
    }
    const r = pickResult(results, promptByCount[k], k);
    let logProb = 0;
    let logitSum = 0;
    for (let i = 0; i < k; i++) {
      logProb += Math.log(readProb(r, i, w.columns[i]!, bad));
      logitSum += readLogit(r, i, w.columns[i]!, bad);
    }
    if (options.lengthNormalize) logProb /= k;
    return {
      ...base,
      used: true,
      prob: Math.exp(logProb),
      logProb,
      logit: logitSum / k,
      approximated: false,
      maskCount: k,
    };
  });

  const n = plan.labels.length;
  const logScores: number[] = new Array<number>(n).fill(-Infinity);
  const labelScores: number[] = new Array<number>(n).fill(0);
  for (let l = 0; l < n; l++) {
    const mine = wordScores.filter((ws, i) => ws.used && plan.words[i]!.labelIndex === l);
    if (mine.length === 0) continue; // no usable word: log s_l = -Infinity → P(l) = 0
    if (options.aggregation === 'logit-mean') {
      const s = mine.reduce((a, ws) => a + (ws.logit ?? -Infinity), 0) / mine.length;
      logScores[l] = s; // softmax input directly
      labelScores[l] = s;
    } else {
      const lps = mine.map((ws) => ws.logProb);
      const lse = logSumExp(lps);
      const ls =
        options.aggregation === 'sum'
          ? lse
          : options.aggregation === 'mean'
            ? lse - Math.log(mine.length)
            : Math.max(...lps);
      logScores[l] = ls; // P(l) = s_l / Σ s = softmax(log s_l)
      labelScores[l] = Math.exp(ls);
    }
  }
  const sm = n > 0 ? softmax(logScores) : [];
  const isUniform = sm === null;
  return {
    labels: [...plan.labels],
    probs: sm ?? uniform(n),
    labelScores,
    wordScores,
    uniform: isUniform,
    invalid: bad.n,
  };
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
  for (const idx of Object.values(plan.inputPrompt)) {
    const r = results[idx];
    if (r && r.truncatedTokens > truncatedTokens) truncatedTokens = r.truncatedTokens;
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
    flags: { uniform: uniformFlag, tie, approximated, calibrated: options.calibrate, truncatedTokens },
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
