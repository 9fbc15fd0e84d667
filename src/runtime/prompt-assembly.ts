// Prompt assembly: a rendered prompt's parts become one token sequence for the model — boundary
// whitespace handled as the tokenizer expects, literal mask tokens in the data neutralised,
// separators as the model's own separator token, demonstrations dropped (last first) and then the
// query's inputs truncated to fit, special tokens added. No model runtime imports.

import type { InputPartRead, InputTruncation, PromptPart, RenderedPrompt } from '../core/types.ts';
import { RuntimeError } from './errors.ts';

/** A prompt part after tokenization. */
export interface Segment {
  kind: 'template' | 'input' | 'mask' | 'separator';
  ids: number[];
}

export interface BoundaryRules {
  /** The mask token swallows whitespace before it (RoBERTa's `<mask>` has lstrip=true). */
  maskLstrip: boolean;
  /** The mask token swallows whitespace after it. */
  maskRstrip: boolean;
  /**
   * Move whitespace at the end of a text part to the start of the following text part, so that
   * byte-level BPE / SentencePiece see " word" (one token) instead of "…Ġ" + "word".
   */
  moveTrailingSpace: boolean;
}

const TRAILING_WS = /\s+$/u;
const LEADING_WS = /^\s+/u;

/**
 * Text of each text part as it will be tokenized (null for mask and separator parts), applying the
 * tokenizer's conventions at part boundaries. Concatenating the texts (with the mask token at mask
 * parts and the separator token at separators) gives what the tokenizer would see for the whole
 * prompt. A separator is a hard boundary: whitespace before it is dropped (byte-level BPE would
 * make it a token of its own) and never moves across it; text after it keeps its own leading space.
 */
export function partTexts(parts: readonly PromptPart[], rules: BoundaryRules): (string | null)[] {
  const out: (string | null)[] = parts.map((p) => (p.kind === 'mask' || p.kind === 'separator' ? null : p.text));
  for (let i = 0; i < parts.length; i++) {
    const text = out[i];
    if (text === null || text === undefined) continue;
    let t = text;
    const prev = parts[i - 1];
    const next = parts[i + 1];
    if (prev?.kind === 'mask' && rules.maskRstrip) t = t.replace(LEADING_WS, '');
    if ((next?.kind === 'mask' && rules.maskLstrip) || next?.kind === 'separator') t = t.replace(TRAILING_WS, '');
    else if (next && next.kind !== 'mask' && rules.moveTrailingSpace) {
      const ws = TRAILING_WS.exec(t)?.[0];
      if (ws) {
        t = t.slice(0, t.length - ws.length);
        const following = out[i + 1];
        if (typeof following === 'string') out[i + 1] = ws + following;
      }
    }
    out[i] = t;
  }
  return out;
}

/**
 * Shortens input segments (from their end, the longest input first) until the whole prompt,
 * `reserved` special tokens included, fits in `maxLength`. Template and mask segments are never
 * cut. Returns the number of removed tokens, or -1 if even with empty inputs it does not fit.
 */
export function truncateInputs(segments: Segment[], reserved: number, maxLength: number): number {
  let total = reserved;
  for (const s of segments) total += s.ids.length;
  let excess = total - maxLength;
  if (excess <= 0) return 0;
  const inputs = segments.filter((s) => s.kind === 'input');
  const inputTotal = inputs.reduce((n, s) => n + s.ids.length, 0);
  if (inputTotal < excess) return -1;
  let removed = 0;
  while (excess > 0) {
    // Longest input (first one on ties); cut it down towards the second longest in one step.
    let longest: Segment | undefined;
    let second = 0;
    for (const s of inputs) {
      if (!longest || s.ids.length > longest.ids.length) {
        if (longest) second = Math.max(second, longest.ids.length);
        longest = s;
      } else second = Math.max(second, s.ids.length);
    }
    if (!longest || longest.ids.length === 0) break;
    const cut = Math.max(1, Math.min(excess, longest.ids.length - second));
    longest.ids.length -= cut;
    excess -= cut;
    removed += cut;
  }
  return removed;
}

/** A prompt ready for the model: token ids, where its masks are, how many input tokens were cut. */
export interface AssembledPrompt {
  ids: number[];
  maskPositions: number[];
  /** Tokens cut from the query's inputs (dropped demonstrations are counted in `droppedDemos` only). */
  truncated: number;
  /** Per input slot of the query, what was cut (only when `truncated` > 0). */
  truncatedInputs?: InputTruncation[];
  /**
   * Per input part of the whole prompt (demonstrations' too), how much of its text the model read
   * (only when `truncated` > 0 or demonstrations were dropped). A dropped demonstration's input
   * reads { chars: 0, dropped: all its tokens }, so the list stays aligned with the prompt's inputs.
   */
  inputsRead?: InputPartRead[];
  /** Demonstrations left out so that the prompt fits (only when some were). */
  droppedDemos?: number;
}

/** What assembly needs to know about the tokenizer. */
export interface AssemblyTokenizer {
  rules: BoundaryRules;
  /** Special tokens around a single sequence ([CLS] … [SEP], <s> … </s>). */
  prefixIds: readonly number[];
  suffixIds: readonly number[];
  maskTokenId: number;
  unkTokenId: number | null;
  /** The model's separator token ([SEP], </s>) that a `separator` part becomes; null when it has none. */
  separatorId?: number | null;
  maxLength: number;
  /** Token ids of a text part (no special tokens); not modified by the caller. */
  encode: (text: string) => readonly number[];
}

/** Some of a prompt's parts (`at`: their indices in the prompt), tokenized. */
interface Tokenized {
  at: number[];
  texts: (string | null)[];
  segments: Segment[];
  length: number;
}

function tokenizeParts(prompt: RenderedPrompt, at: number[], index: number, tok: AssemblyTokenizer): Tokenized {
  const { maskTokenId, unkTokenId } = tok;
  const parts = at.map((i) => prompt.parts[i] as PromptPart);
  const texts = partTexts(parts, tok.rules);
  const segments: Segment[] = parts.map((part, i) => {
    if (part.kind === 'mask') return { kind: 'mask', ids: new Array<number>(part.count).fill(maskTokenId) };
    if (part.kind === 'separator') {
      const sep = tok.separatorId;
      if (typeof sep !== 'number')
        throw new RuntimeError(
          'invalid-input',
          `Prompt ${index + 1} has a separator between demonstrations, but this model's tokenizer has no separator token.`,
        );
      return { kind: 'separator', ids: [sep] };
    }
    return { kind: part.kind, ids: [...tok.encode(texts[i] ?? '')] };
  });
  // A literal mask token typed in the input data ("[MASK]", "<mask>") would become an extra,
  // unreported mask; it is read as an unknown token instead. Calibration's content-free input is
  // the mask token on purpose (Zhao et al. 2021): its parts are marked `contentFree` by the scoring
  // plan and keep it, and so are word attribution's occlusion parts (a part holding only the mask
  // token that replaces one word). Either way only the `mask` parts' positions are read.
  if (unkTokenId !== null) {
    segments.forEach((s, i) => {
      const part = parts[i];
      if (s.kind !== 'input' || (part?.kind === 'input' && (part.contentFree === true || part.occlusion === true)))
        return;
      for (let k = 0; k < s.ids.length; k++) if (s.ids[k] === maskTokenId) s.ids[k] = unkTokenId;
    });
  }
  return { at, texts, segments, length: segments.reduce((n, s) => n + s.ids.length, 0) };
}

/** The demonstration numbers of a prompt, in the order they first appear. */
function demosOf(parts: readonly PromptPart[]): number[] {
  const seen: number[] = [];
  for (const p of parts) if (p.kind !== 'mask' && p.demo !== undefined && !seen.includes(p.demo)) seen.push(p.demo);
  return seen;
}

/**
 * Tokenizes the parts, reads literal mask tokens typed in the input data as unknown tokens, drops
 * whole demonstrations (every part with the same `demo`, separator included; the last one first)
 * while the prompt is too long, then cuts the query's inputs until it fits, and adds the special
 * tokens. A prompt with dropped demonstrations is tokenized again without them, so it is exactly
 * the prompt built without them. `index` numbers the prompt in errors.
 */
export function assemblePrompt(prompt: RenderedPrompt, index: number, tok: AssemblyTokenizer): AssembledPrompt {
  const { maxLength } = tok;
  const reserved = tok.prefixIds.length + tok.suffixIds.length;
  const all = prompt.parts.map((_, i) => i);
  const full = tokenizeParts(prompt, all, index, tok);
  const demos = demosOf(prompt.parts);
  let built = full;
  let droppedDemos = 0;
  while (reserved + built.length > maxLength && droppedDemos < demos.length) {
    droppedDemos++;
    const gone = new Set(demos.slice(demos.length - droppedDemos));
    const keep = all.filter((i) => {
      const p = prompt.parts[i] as PromptPart;
      return p.kind === 'mask' || p.demo === undefined || !gone.has(p.demo);
    });
    built = tokenizeParts(prompt, keep, index, tok);
  }
  const { segments } = built;
  const fullLengths = segments.map((s) => s.ids.length);
  const truncated = truncateInputs(segments, reserved, maxLength);
  if (truncated < 0) {
    const fixed = reserved + segments.filter((s) => s.kind !== 'input').reduce((n, s) => n + s.ids.length, 0);
    throw new RuntimeError(
      'invalid-input',
      `Prompt ${index + 1} is too long for this model even with its input text removed: the template, masks and special tokens take ${fixed} tokens, but the model accepts at most ${maxLength}. Shorten the template.`,
    );
  }
  const ids: number[] = [...tok.prefixIds];
  const maskPositions: number[] = [];
  for (const s of segments) {
    if (s.kind === 'mask') for (let k = 0; k < s.ids.length; k++) maskPositions.push(ids.length + k);
    for (const id of s.ids) ids.push(id);
  }
  for (const id of tok.suffixIds) ids.push(id);
  if (truncated === 0 && droppedDemos === 0) return { ids, maskPositions, truncated };
  return {
    ids,
    maskPositions,
    truncated,
    ...(truncated > 0 ? { truncatedInputs: cutInputs(prompt, built, fullLengths) } : {}),
    inputsRead: inputsRead(prompt, full, built, fullLengths, tok.encode),
    ...(droppedDemos > 0 ? { droppedDemos } : {}),
  };
}

const leadingSpace = (text: string): number => LEADING_WS.exec(text)?.[0].length ?? 0;

/**
 * Per input part, in prompt order: how many characters of its text the model read, so that the UI
 * can show the part it read and fold the rest. The tokens are counted again on prefixes of the
 * text as tokenized (`built.texts`), then the offset is moved to the part's own text (whitespace
 * may have moved across part boundaries). Inputs of dropped demonstrations read nothing.
 */
function inputsRead(
  prompt: RenderedPrompt,
  full: Tokenized,
  built: Tokenized,
  fullLengths: readonly number[],
  encode: (text: string) => readonly number[],
): InputPartRead[] {
  const out: InputPartRead[] = [];
  const position = new Map(built.at.map((partIndex, j) => [partIndex, j]));
  prompt.parts.forEach((part, i) => {
    if (part.kind !== 'input') return;
    const j = position.get(i);
    if (j === undefined) {
      out.push({ chars: 0, dropped: full.segments[i]?.ids.length ?? 0 });
      return;
    }
    const kept = built.segments[j]?.ids.length ?? 0;
    const whole = fullLengths[j] ?? 0;
    if (kept >= whole) {
      out.push({ chars: part.text.length, dropped: 0 });
      return;
    }
    const text = built.texts[j] ?? '';
    const read = charsWithinTokens(text, kept, whole, encode) - leadingSpace(text) + leadingSpace(part.text);
    out.push({ chars: Math.max(0, Math.min(part.text.length, read)), dropped: whole - kept });
  });
  return out;
}

/**
 * The longest prefix of `text` (in characters) that encodes to at most `kept` tokens, where the
 * whole text is `full` tokens. Starts at the proportional guess and gallops, so only prefixes
 * about as long as the part read are encoded (a 55,000-character input costs a few short encodes).
 */
export function charsWithinTokens(
  text: string,
  kept: number,
  full: number,
  encode: (text: string) => readonly number[],
): number {
  const fits = (c: number): boolean => encode(text.slice(0, c)).length <= kept;
  let lo = 0; // fits
  let hi = text.length; // does not fit (the whole text is `full` > `kept` tokens)
  if (kept <= 0 || hi <= 1) return 0;
  const guess = Math.min(hi - 1, Math.max(1, Math.floor((text.length * kept) / Math.max(1, full))));
  let step = 16;
  if (fits(guess)) {
    lo = guess;
    for (;;) {
      const c = lo + step;
      if (c >= hi) break;
      if (!fits(c)) {
        hi = c;
        break;
      }
      lo = c;
      step *= 2;
    }
  } else {
    hi = guess;
    for (;;) {
      const c = hi - step;
      if (c <= lo) break;
      if (fits(c)) {
        lo = c;
        break;
      }
      hi = c;
      step *= 2;
    }
  }
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (fits(mid)) lo = mid;
    else hi = mid;
  }
  // Never end between the two halves of a surrogate pair.
  const last = text.charCodeAt(lo - 1);
  return lo > 0 && last >= 0xd800 && last <= 0xdbff ? lo - 1 : lo;
}

/**
 * Per slot of the query (a slot may appear twice in a template): tokens cut and kept, for the slots
 * that lost any. Demonstrations are never cut (they are dropped whole first), so by the time the
 * query's inputs are cut, none is left.
 */
function cutInputs(prompt: RenderedPrompt, built: Tokenized, fullLengths: readonly number[]): InputTruncation[] {
  const bySlot = new Map<string, InputTruncation>();
  built.segments.forEach((s, j) => {
    const part = prompt.parts[built.at[j] as number];
    if (part?.kind !== 'input') return;
    const entry = bySlot.get(part.slot) ?? { slot: part.slot, dropped: 0, kept: 0 };
    entry.dropped += (fullLengths[j] ?? 0) - s.ids.length;
    entry.kept += s.ids.length;
    bySlot.set(part.slot, entry);
  });
  return [...bySlot.values()].filter((e) => e.dropped > 0);
}
