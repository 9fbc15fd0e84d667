// Automatic label-word search (in the spirit of LM-BFF's automatic label selection): rank every
// vocabulary token by how well its probability at [Z] separates one label's examples from the rest.
//
//   score_l(t) = mean_{x: gold(x) = l} log p(t | x)  −  mean_{x: gold(x) ≠ l} log p(t | x)
//
// The runtime accumulates Σ log p(t | x) per label over the whole vocabulary in the worker
// (src/runtime/vocab-stats.ts) and calls rankLabelWords; only the top candidates cross the thread
// boundary. Only tokens that are whole words for the tokenizer are proposed.

import type { RenderedPrompt, TokenizerKind } from './types.ts';
import type { EvalExample } from './dataset.ts';
import { renderPrompt, type Template } from './template.ts';
import { evaluationOrder } from './evaluation.ts';
import { formatVerbalizer, parseVerbalizer } from './verbalizer.ts';

export interface LabelWordCandidate {
  id: number;
  /** The token as in the vocabulary ("Ġgreat", "great"). */
  token: string;
  /** The word to put in the verbalizer ("great"). */
  word: string;
  /** mean log p in this label's examples − mean log p in the others (nats). */
  score: number;
  /** mean log p(token) over this label's examples. */
  meanLogProb: number;
}

/** What the worker needs: one 1-mask prompt per sampled example, and its gold label's index. */
export interface LabelWordStatsArgs {
  prompts: RenderedPrompt[];
  groups: number[];
  groupCount: number;
  /** Candidates per label. */
  topN: number;
  /** Token ids never proposed (the verbalizer's current words). */
  exclude: number[];
}

export interface LabelWordStatsResult {
  /** candidates[label] best first; empty for a label without examples. */
  candidates: LabelWordCandidate[][];
  /** Examples per label. */
  counts: number[];
  vocabSize: number;
  ms: number;
}

const WORD = /^\p{L}[\p{L}\p{M}'’-]*$/u;
const SINGLE_LATIN = /^[A-Za-z]$/;

/**
 * The verbalizer word a vocabulary token stands for, or null if it is not a whole word: WordPiece
 * continuation pieces ("##ing"), special tokens ("[CLS]", "<s>"), punctuation and numbers are left
 * out; so are BPE / SentencePiece tokens without their word-start marker (Ġ / ▁).
 */
export function tokenWord(token: string, kind: TokenizerKind): string | null {
  let word = token;
  if (kind === 'bpe') {
    if (!token.startsWith('Ġ')) return null;
    word = token.slice(1);
  } else if (kind === 'sentencepiece') {
    if (!token.startsWith('▁')) return null;
    word = token.slice(1);
  }
  if (!WORD.test(word) || SINGLE_LATIN.test(word)) return null;
  return word;
}

/** Ranks tokens per label from per-label sums of log p(token | example) over the whole vocabulary. */
export function rankLabelWords(input: {
  sums: readonly Float64Array[];
  counts: readonly number[];
  vocabSize: number;
  tokenOf: (id: number) => string;
  tokenizerKind: TokenizerKind;
  exclude: ReadonlySet<number>;
  topN: number;
}): LabelWordCandidate[][] {
  const { sums, counts, vocabSize, tokenOf, tokenizerKind, exclude } = input;
  const topN = Math.max(1, Math.floor(input.topN));
  const total = counts.reduce((a, b) => a + b, 0);
  const words = new Array<string | null>(vocabSize);
  for (let v = 0; v < vocabSize; v++) words[v] = exclude.has(v) ? null : tokenWord(tokenOf(v), tokenizerKind);
  const all = new Float64Array(vocabSize);
  for (const s of sums) for (let v = 0; v < vocabSize; v++) all[v]! += s[v]!;

  return sums.map((s, l) => {
    const mine = counts[l] ?? 0;
    if (mine === 0) return [];
    const others = total - mine;
    // Keep the best topN in a small sorted list (vocabularies are ~30k–250k tokens).
    const best: { v: number; score: number }[] = [];
    for (let v = 0; v < vocabSize; v++) {
      if (words[v] === null) continue;
      const mean = s[v]! / mine;
      const score = others > 0 ? mean - (all[v]! - s[v]!) / others : mean;
      if (!Number.isFinite(score)) continue;
      if (best.length === topN && score <= best[topN - 1]!.score) continue;
      let at = best.length;
      while (at > 0 && best[at - 1]!.score < score) at--;
      best.splice(at, 0, { v, score });
      if (best.length > topN) best.pop();
    }
    return best.map(({ v, score }) => ({
      id: v,
      token: tokenOf(v),
      word: words[v]!,
      score,
      meanLogProb: s[v]! / mine,
    }));
  });
}

/**
 * The prompts for a label search: up to `perLabel` examples of each label (taken in the fixed
 * evaluation order, so a sample rather than the first rows), rendered with one mask.
 */
export function labelSearchPrompts(
  template: Template,
  examples: readonly EvalExample[],
  labels: readonly string[],
  perLabel: number,
): { prompts: RenderedPrompt[]; groups: number[] } {
  const index = new Map(labels.map((l, i) => [l, i] as const));
  const taken = labels.map(() => 0);
  const prompts: RenderedPrompt[] = [];
  const groups: number[] = [];
  for (const i of evaluationOrder(examples.length)) {
    const ex = examples[i]!;
    const g = index.get(ex.gold);
    if (g === undefined || taken[g]! >= perLabel) continue;
    taken[g]!++;
    prompts.push(renderPrompt(template, ex.inputs, 1));
    groups.push(g);
  }
  return { prompts, groups };
}

/** Where a "#" comment starts in one verbalizer line (outside double quotes), or the line's length. */
function commentStart(line: string): number {
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted && c === '\\') i++;
    else if (c === '"') quoted = !quoted;
    else if (c === '#' && !quoted) return i;
  }
  return line.length;
}

/**
 * Adds `word` to the line of `label` in a verbalizer text, leaving every other line (comments
 * included) as typed. Returns the text unchanged when the label already has the word, and null
 * when no line defines the label.
 */
export function appendLabelWord(text: string, label: string, word: string): string | null {
  const pieces = text.split(/(\r\n|\n|\r)/);
  for (let i = 0; i < pieces.length; i += 2) {
    const line = pieces[i]!;
    const cut = commentStart(line);
    const parsed = parseVerbalizer(line.slice(0, cut));
    if (!parsed.ok || parsed.verbalizer.labels.length !== 1 || parsed.verbalizer.labels[0]!.label !== label) continue;
    if (parsed.verbalizer.labels[0]!.words.includes(word)) return text;
    // The word as the verbalizer syntax writes it (quoted when it needs to be).
    const written = formatVerbalizer({ labels: [{ label: 'x', words: [word] }] }).slice('x: '.length);
    const code = line.slice(0, cut);
    const kept = code.trimEnd();
    pieces[i] = `${kept}, ${written}${code.slice(kept.length)}${line.slice(cut)}`;
    return pieces.join('');
  }
  return null;
}
