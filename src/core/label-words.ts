// Label words as a model sees them: the text to tokenize for each word (its form at [Z] for this
// tokenizer), and the resolution of a verbalizer's words into token ids — which words are single
// tokens, which are split, unknown or the same tokens as another word. Only bound-verbalizer.ts
// binds a verbalizer to a model with these (the architecture check keeps it so).

import { issue, type Issue, type ResolutionIssueCode } from './issues.ts';
import type { TokenizerKind, WordTokenization } from './types.ts';
import type { Verbalizer } from './verbalizer.ts';

export type { ResolutionIssueCode } from './issues.ts';

export interface WordFormOptions {
  tokenizerKind: TokenizerKind;
  /** Whether the character before [Z] in the rendered prompt is a space (template.ts `maskPrecededBySpace`). */
  precededBySpace: boolean;
}

/**
 * The text to tokenize for a label word so its tokens match what the model sees at [Z].
 * - 'bpe' (byte-level, RoBERTa/GPT-2) and 'sentencepiece': a word after a space carries the space
 *   in its first token ("Ġgreat", "▁great"), so we tokenize " great". After no space (start of text,
 *   "(" etc.) we tokenize the bare word. (A SentencePiece tokenizer usually adds "▁" to a bare word on
 *   its own anyway — the runtime may strip that when precededBySpace is false.)
 * - 'wordpiece' (BERT) ignores spaces at word starts: the bare word.
 * - 'other': we don't know the tokenizer's convention; the bare word.
 * A word that already starts with whitespace is used as written.
 */
export function labelWordForm(word: string, { tokenizerKind, precededBySpace }: WordFormOptions): string {
  if (/^\s/.test(word)) return word;
  if ((tokenizerKind === 'bpe' || tokenizerKind === 'sentencepiece') && precededBySpace) return ' ' + word;
  return word;
}

export type WordStatus = 'single' | 'multi' | 'unknown' | 'empty';

export interface ResolvedWord {
  label: string;
  word: string;
  form: WordTokenization;
  /** single: one token; multi: several tokens; unknown: contains the unknown token; empty: no tokens. */
  status: WordStatus;
}

/** A label word that this model's tokenizer splits, doesn't know, or can't tell from another word. */
export type ResolutionIssue = Issue<ResolutionIssueCode>;

export interface Resolution {
  words: ResolvedWord[];
  issues: ResolutionIssue[];
}

export function wordStatus(form: WordTokenization): WordStatus {
  if (form.ids.length === 0) return 'empty';
  if (form.hasUnknown) return 'unknown';
  return form.ids.length > 1 ? 'multi' : 'single';
}

/** Words that can be scored (single- or multi-token, no unknown token). */
export function isUsable(w: ResolvedWord): boolean {
  return w.status === 'single' || w.status === 'multi';
}

function buildResolution(v: Verbalizer, forms: WordTokenization[]): Resolution {
  const words: ResolvedWord[] = [];
  const issues: ResolutionIssue[] = [];
  let k = 0;
  for (const l of v.labels) {
    for (const word of l.words) {
      const form = forms[k++]!;
      const status = wordStatus(form);
      words.push({ label: l.label, word, form, status });
      const pieces = form.pieces.join(' ');
      if (status === 'multi') {
        issues.push(issue('multi-token', 'info', { label: l.label, word, n: form.ids.length, pieces }));
      } else if (status === 'unknown') {
        issues.push(issue('unknown-token', 'error', { label: l.label, word, pieces }));
      } else if (status === 'empty') {
        issues.push(issue('empty-tokenization', 'error', { label: l.label, word }));
      }
    }
  }
  // Two different words that become the same tokens (e.g. "Great" and "great" on an uncased model).
  const seen = new Map<string, ResolvedWord>();
  for (const w of words) {
    if (!isUsable(w)) continue;
    const key = w.form.ids.join(',');
    const prev = seen.get(key);
    if (prev) {
      issues.push(
        issue('same-tokens', 'warning', {
          label: w.label,
          word: w.word,
          other: prev.word,
          otherLabel: prev.label,
          sameLabel: prev.label === w.label ? 1 : 0,
        }),
      );
    } else seen.set(key, w);
  }
  return { words, issues };
}

/** The texts to tokenize, in verbalizer order (labels, then words). */
export function labelWordTexts(v: Verbalizer, options: WordFormOptions): string[] {
  return v.labels.flatMap((l) => l.words.map((w) => labelWordForm(w, options)));
}

/** Tokenize every label word (with its form for this tokenizer) and classify it. */
export function resolveVerbalizer(
  v: Verbalizer,
  tokenize: (text: string) => WordTokenization,
  options: WordFormOptions,
): Resolution {
  return buildResolution(v, labelWordTexts(v, options).map(tokenize));
}

/** Same as `resolveVerbalizer`, for a tokenizer behind an async boundary (e.g. a worker). */
export async function resolveVerbalizerAsync(
  v: Verbalizer,
  tokenize: (text: string) => Promise<WordTokenization>,
  options: WordFormOptions,
): Promise<Resolution> {
  const forms = await Promise.all(labelWordTexts(v, options).map((t) => tokenize(t)));
  return buildResolution(v, forms);
}

/** Same, from tokenizations already computed for `labelWordTexts(v, options)` (aligned). */
export function resolveFromTokenizations(v: Verbalizer, forms: WordTokenization[]): Resolution {
  const n = v.labels.reduce((s, l) => s + l.words.length, 0);
  if (forms.length !== n) throw new RangeError(`expected ${n} tokenizations, got ${forms.length}`);
  return buildResolution(v, forms);
}
