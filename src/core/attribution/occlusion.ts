// Word attribution, step 2: the n + 1 inputs of an occlusion run — the input as it is, and for each
// of its n words the input with that word removed, or replaced by the model's mask token.
//
// "Removed" edits the input text (the word and one adjacent run of spaces go, so no double space
// is left) and the prompt is planned as usual. "Replaced by the mask token" cannot be the mask
// token typed into the text: the runtime reads a mask token inside an input as the unknown token,
// so that typed text can never pose as an answer slot. Instead the word is replaced by a private
// placeholder character, the input is planned as usual (template modifiers apply as they would),
// and `maskOcclusion` then splits each input part at the placeholder into the text before it, a
// part of its own that holds only the mask token and is marked `occlusion: true` (the runtime
// keeps that one mask token, types.ts PromptPart), and the text after it. Scores are still read at
// [Z]'s masks only.

import type { PromptPart, RenderedPrompt } from '../types.ts';
import { promptKey } from '../template.ts';
import type { ScoringPlan } from '../scoring-plan.ts';
import { inputWords, type InputWord } from './words.ts';

export type OcclusionMode = 'remove' | 'mask';
export const OCCLUSION_MODES: readonly OcclusionMode[] = ['remove', 'mask'];

/** One of the n + 1 inputs: the original (word -1) or the input with word `word` occluded. */
export interface OcclusionVariant {
  word: number;
  inputs: Record<string, string>;
}

export interface OcclusionSet {
  words: InputWord[];
  /** The original first, then one per word (same order as `words`). */
  variants: OcclusionVariant[];
  /** Rewrites a planned variant's prompts (mask mode); null for 'remove'. */
  transform: ((plan: ScoringPlan) => ScoringPlan) | null;
}

const SPACE = /\s/u;

/** `text` without the word at [start, end): the word and the spaces after it go when spaces are on both sides. */
export function removeWord(text: string, start: number, end: number): string {
  let cut = end;
  if ((start === 0 || SPACE.test(text[start - 1] ?? '')) && SPACE.test(text[end] ?? '')) {
    while (cut < text.length && SPACE.test(text[cut]!)) cut++;
  }
  return text.slice(0, start) + text.slice(cut);
}

/** A private-use character that none of the texts holds (the placeholder for the mask token). */
function placeholderFor(texts: readonly string[]): string {
  for (let cp = 0xe000; cp <= 0xf8ff; cp++) {
    const c = String.fromCodePoint(cp);
    if (texts.every((t) => !t.includes(c))) return c;
  }
  throw new Error('Every private-use character occurs in the input; cannot mark the occluded word.');
}

/** The prompt with each `placeholder` in its input parts turned into an `occlusion` part holding `maskToken`. */
export function maskOcclusion(prompt: RenderedPrompt, placeholder: string, maskToken: string): RenderedPrompt {
  if (!prompt.parts.some((p) => p.kind === 'input' && p.text.includes(placeholder))) return prompt;
  const parts: PromptPart[] = [];
  for (const p of prompt.parts) {
    if (p.kind !== 'input' || !p.text.includes(placeholder)) {
      parts.push(p);
      continue;
    }
    const { text, ...rest } = p;
    text.split(placeholder).forEach((piece, i) => {
      if (i > 0) parts.push({ ...rest, text: maskToken, occlusion: true });
      if (piece !== '') parts.push({ ...rest, text: piece });
    });
  }
  return { parts };
}

/** The plan with its prompts rewritten by `rewrite` (same prompts, same order; keys recomputed). */
function rewritePlan(plan: ScoringPlan, rewrite: (p: RenderedPrompt) => RenderedPrompt): ScoringPlan {
  const prompts = plan.prompts.map(rewrite);
  const keys = prompts.map(promptKey);
  return {
    ...plan,
    prompts,
    keys,
    info: plan.info.map((info, i) => ({ ...info, prompt: prompts[i]!, key: keys[i]! })),
  };
}

/**
 * The original input and one variant per word of every slot in `slots` (a template's slots): the
 * word removed, or (mode 'mask') replaced by `maskToken` — one mask token per word, whatever its
 * number of model tokens.
 */
export function occlusionSet(
  inputs: Readonly<Record<string, string>>,
  slots: readonly string[],
  mode: OcclusionMode,
  maskToken: string,
): OcclusionSet {
  const words = inputWords(inputs, slots);
  const placeholder = mode === 'mask' ? placeholderFor(Object.values(inputs)) : '';
  const variants: OcclusionVariant[] = [{ word: -1, inputs: { ...inputs } }];
  words.forEach((w, i) => {
    const text = inputs[w.slot] ?? '';
    const occluded =
      mode === 'remove'
        ? removeWord(text, w.span.start, w.span.end)
        : text.slice(0, w.span.start) + placeholder + text.slice(w.span.end);
    variants.push({ word: i, inputs: { ...inputs, [w.slot]: occluded } });
  });
  const transform =
    mode === 'mask'
      ? (plan: ScoringPlan): ScoringPlan => rewritePlan(plan, (p) => maskOcclusion(p, placeholder, maskToken))
      : null;
  return { words, variants, transform };
}
