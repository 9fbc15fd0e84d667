// Scoring, step 2: the label distribution of one rendered input from the model's scores at its
// mask(s) — word probabilities, multi-token words, and how a label's words combine.

import type { PromptScores } from './types.ts';
import type { WordStatus } from './label-words.ts';
import type { ScoringOptions } from './scoring.ts';
import type { ScoringPlan } from './scoring-plan.ts';
import { logSumExp, softmax, uniform } from './numerics.ts';

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
