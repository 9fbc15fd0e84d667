// Word attribution, step 1: the "words" of an input that occlusion removes or masks one at a time.
//
// A word is what BERT's basic tokenizer would split before WordPiece/BPE: a run of letters, marks
// and digits (an inner apostrophe keeps "don't" whole), or one punctuation/symbol character. Han
// characters are words of their own (Chinese has no spaces; BERT splits every CJK character too).
// The script is decided per character, so a mixed input ("BERT 模型很好") gets both kinds.

import type { Span } from '../types.ts';

export interface InputWord {
  /** The template slot whose input holds the word ('X', 'X1', …). */
  slot: string;
  /** The word as typed. */
  text: string;
  /** Where it sits in that slot's input text (as typed, before trimming or modifiers). */
  span: Span;
  /** 'word': letters/digits; 'char': one Han character; 'punct': one punctuation or symbol character. */
  kind: 'word' | 'char' | 'punct';
}

const HAN = /\p{Script=Han}/u;
// One Han character | a run of non-Han letters/marks/digits (inner apostrophes kept) | one other non-space character.
const WORD =
  /\p{Script=Han}|(?:(?!\p{Script=Han})[\p{L}\p{M}\p{N}])+(?:['’](?:(?!\p{Script=Han})[\p{L}\p{M}\p{N}])+)*|[^\s]/gu;
const LETTER = /[\p{L}\p{M}\p{N}]/u;

/** The words of one input text, left to right. */
export function splitWords(text: string, slot = 'X'): InputWord[] {
  const out: InputWord[] = [];
  for (const m of text.matchAll(WORD)) {
    const word = m[0];
    const start = m.index;
    const kind: InputWord['kind'] = HAN.test(word) ? 'char' : LETTER.test(word) ? 'word' : 'punct';
    out.push({ slot, text: word, span: { start, end: start + word.length }, kind });
  }
  return out;
}

/** The words of every input slot, in the order of `slots` (a template's slots, each once). */
export function inputWords(inputs: Readonly<Record<string, string>>, slots: readonly string[]): InputWord[] {
  return slots.flatMap((slot) => splitWords(inputs[slot] ?? '', slot));
}
