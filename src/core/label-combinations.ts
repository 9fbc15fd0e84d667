// Label-word search, step 2 (LM-BFF, Gao et al. 2021, §5.1): after step 1 ranked vocabulary words
// per label (label-search.ts), take the top-n candidates of each label and search assignments —
// one word per label — by accuracy on the K-shot TRAINING examples. The model runs once: each
// training example's 1-mask prompt is scored at every candidate's token id; every combination is
// then judged from those logits, without another forward pass.
//
// A combination predicts, for an example, the label whose word has the highest logit at [Z] (with
// one single-token word per label, every aggregation ClozeLab offers ranks labels this way;
// uncalibrated). A tie with the gold label counts as wrong. Combinations that give two labels the
// same token are skipped. Ranking: train accuracy, then the mean margin (gold word's logit minus
// the best other word's), then the candidates' step-1 ranks.
//
// Search: exhaustive when the number of combinations is at most `maxExhaustive`; otherwise a beam
// search over the labels in order (width `beamWidth`), where a partial assignment of labels 0…i is
// judged on the examples of those labels, among those labels only. The beam may miss the best
// combination; the result says which search ran.
//
// The training split is drawn by fewShotSplit (fewshot/splits.ts) from (dataset, K, seed): only
// the training examples' inputs are read — never a test row's.

import type { EvalExample } from './dataset.ts';
import { drawOrder, fewShotSplit } from './fewshot/splits.ts';
import type { RenderedPrompt } from './types.ts';
import { renderPrompt, type Template } from './template.ts';

export interface ComboCandidate {
  /** Vocabulary id of the candidate word's one token. */
  id: number;
  word: string;
}

export interface LabelCombination {
  /** Per label, the index of its word in that label's candidate list. */
  picks: number[];
  words: string[];
  ids: number[];
  correct: number;
  n: number;
  accuracy: number;
  /** Mean over the examples of (gold word's logit − best other word's logit). */
  margin: number;
}

export interface ComboSearchResult {
  combinations: LabelCombination[];
  method: 'exhaustive' | 'beam';
  /** Combinations with distinct tokens the labels' candidates allow (product of the list sizes). */
  space: number;
  /** Complete combinations judged on the whole training set. */
  evaluated: number;
  beamWidth: number | null;
}

export const COMBO_SEARCH = Object.freeze({ maxExhaustive: 20_000, beamWidth: 64, top: 10 });

export interface ComboSearchInput {
  /** Per label, its candidates best first (step 1's order). */
  candidates: readonly (readonly ComboCandidate[])[];
  /** The token ids the training examples were scored at (columns of `logits`). */
  tokenIds: readonly number[];
  /** logits[e][c]: training example e's logit at [Z] for tokenIds[c]. */
  logits: readonly (readonly number[])[];
  /** Gold label index of each training example. */
  gold: readonly number[];
  /** Combinations to return. */
  top?: number;
  maxExhaustive?: number;
  beamWidth?: number;
}

interface Judged {
  picks: number[];
  correct: number;
  margin: number;
}

/** Accuracy order: more correct, then a larger margin, then better step-1 ranks (lexicographic). */
function better(a: Judged, b: Judged): boolean {
  if (a.correct !== b.correct) return a.correct > b.correct;
  if (a.margin !== b.margin) return a.margin > b.margin;
  for (let i = 0; i < a.picks.length; i++) if (a.picks[i] !== b.picks[i]) return a.picks[i]! < b.picks[i]!;
  return false;
}

/** Inserts into a list kept best first and at most `size` long. */
function keepBest(list: Judged[], item: Judged, size: number): void {
  if (list.length === size && !better(item, list[size - 1]!)) return;
  let at = list.length;
  while (at > 0 && better(item, list[at - 1]!)) at--;
  list.splice(at, 0, item);
  if (list.length > size) list.pop();
}

/** Searches one-word-per-label combinations by training accuracy. Pure; never throws on empty input. */
export function searchLabelCombinations(input: ComboSearchInput): ComboSearchResult {
  const { candidates, logits, gold } = input;
  const top = Math.max(1, Math.floor(input.top ?? COMBO_SEARCH.top));
  const maxExhaustive = input.maxExhaustive ?? COMBO_SEARCH.maxExhaustive;
  const beamWidth = Math.max(top, Math.floor(input.beamWidth ?? COMBO_SEARCH.beamWidth));
  const labels = candidates.length;
  const column = new Map(input.tokenIds.map((id, c) => [id, c] as const));
  // value[l][k][e]: example e's logit for label l's k-th candidate.
  const value = candidates.map((list) =>
    list.map((cand) => {
      const c = column.get(cand.id);
      return logits.map((row) => (c === undefined ? Number.NEGATIVE_INFINITY : (row[c] ?? Number.NEGATIVE_INFINITY)));
    }),
  );
  const space = candidates.reduce((p, list) => p * list.length, labels > 0 ? 1 : 0);
  const empty: ComboSearchResult = { combinations: [], method: 'exhaustive', space, evaluated: 0, beamWidth: null };
  if (space === 0) return empty;

  /** Judges picks for labels 0…upto−1 on the examples whose gold is among them. */
  const judge = (picks: number[], upto: number): Judged | null => {
    const ids = new Set<number>();
    for (let l = 0; l < upto; l++) ids.add(candidates[l]![picks[l]!]!.id);
    if (ids.size < upto) return null; // two labels with the same token
    let correct = 0;
    let margin = 0;
    let counted = 0;
    for (let e = 0; e < gold.length; e++) {
      const g = gold[e]!;
      if (g >= upto) continue;
      const mine = value[g]![picks[g]!]![e]!;
      let other = Number.NEGATIVE_INFINITY;
      for (let l = 0; l < upto; l++) if (l !== g) other = Math.max(other, value[l]![picks[l]!]![e]!);
      if (mine > other) correct++;
      const m = mine - other;
      margin += Number.isFinite(m) ? m : 0;
      counted++;
    }
    return { picks: picks.slice(0, upto), correct, margin: counted > 0 ? margin / counted : 0 };
  };

  let best: Judged[] = [];
  let evaluated = 0;
  let method: ComboSearchResult['method'] = 'exhaustive';
  if (space <= maxExhaustive) {
    // Odometer over every combination.
    const picks = new Array<number>(labels).fill(0);
    for (;;) {
      const j = judge(picks, labels);
      if (j) {
        evaluated++;
        keepBest(best, j, top);
      }
      let l = labels - 1;
      while (l >= 0 && picks[l] === candidates[l]!.length - 1) picks[l--] = 0;
      if (l < 0) break;
      picks[l]!++;
    }
  } else {
    method = 'beam';
    let beam: Judged[] = [{ picks: [], correct: 0, margin: 0 }];
    for (let l = 0; l < labels; l++) {
      const next: Judged[] = [];
      for (const state of beam) {
        for (let k = 0; k < candidates[l]!.length; k++) {
          const j = judge([...state.picks, k], l + 1);
          if (j) keepBest(next, j, beamWidth);
        }
      }
      beam = next;
    }
    evaluated = beam.length;
    best = beam.slice(0, top); // the last step judged complete combinations on every example
  }
  const n = gold.length;
  return {
    combinations: best.map((j) => ({
      picks: j.picks,
      words: j.picks.map((k, l) => candidates[l]![k]!.word),
      ids: j.picks.map((k, l) => candidates[l]![k]!.id),
      correct: j.correct,
      n,
      accuracy: n > 0 ? j.correct / n : 0,
      margin: j.margin,
    })),
    method,
    space,
    evaluated,
    beamWidth: method === 'beam' ? beamWidth : null,
  };
}

export type ComboTraining =
  | { ok: true; prompts: RenderedPrompt[]; gold: number[]; train: number[] }
  | { ok: false; label: string; have: number; need: number };

/**
 * The K-shot training examples of (dataset, K, seed) — fewShotSplit's training set — as 1-mask
 * prompts with their gold label index. Reads only the training examples' inputs.
 */
export function comboTrainingPrompts(
  template: Template,
  examples: readonly EvalExample[],
  labels: readonly string[],
  k: number,
  seed: number,
): ComboTraining {
  const split = fewShotSplit({ examples, labels, k, seed, testFileSize: null, maxTest: null });
  let train: number[];
  if (split.ok) train = split.split.train;
  else if (split.skip.code === 'too-few-examples') {
    const p = split.skip.params;
    return { ok: false, label: String(p.label), have: Number(p.have), need: Number(p.need) };
  } else {
    // Every example is a training example (nothing left to test): step 2 needs no test set.
    train = drawOrder(examples, labels, seed).flatMap((o) => o.slice(0, k));
  }
  const index = new Map(labels.map((l, i) => [l, i] as const));
  return {
    ok: true,
    prompts: train.map((i) => renderPrompt(template, examples[i]!.inputs, 1)),
    gold: train.map((i) => index.get(examples[i]!.gold)!),
    train,
  };
}
