// Template language: parse, validate and render prompt templates.
//
// Syntax (README version):
//   [X]              the input text (single-input tasks)
//   [X1], [X2], …    numbered inputs for multi-input tasks (e.g. premise / hypothesis);
//                    don't mix [X] with [X1] in one template
//   [Z]              the answer slot, exactly once; becomes the model's mask token(s)
//   [X|lower]        lowercase the input's first character (LM-BFF "sentl_0")
//   [X|nopunct]      drop the input's final punctuation (LM-BFF "sent-0"); modifiers combine
//                    left to right: [X1|nopunct|lower]. [Z] takes no modifiers.
//   \[  \]  \\       a literal "[", "]" or "\". A backslash before any other character is kept
//                    literally (so "C:\path" stays "C:\path"); a backslash at the very end, too.
// Spaces inside the brackets are ignored: [ X | lower ] is [X|lower]. A slot cannot span lines.
//
// Errors are values (never exceptions), each with a source span [start, end) in UTF-16 offsets;
// their words come from the message catalogs (src/core/messages).

import { issue, type Issue, type IssueParams, type TemplateErrorCode, type TemplateWarningCode } from './issues.ts';
import { inputSlotNumber, LIMITS } from './limits.ts';
import { lineIndex } from './positions';
import type { PromptPart, RenderedPrompt, Span } from './types.ts';

export type { TemplateErrorCode, TemplateWarningCode } from './issues.ts';

export type SlotModifier = 'lower' | 'nopunct';
export const SLOT_MODIFIERS: readonly SlotModifier[] = ['lower', 'nopunct'];

export type TemplateNode =
  /** Literal template text, escapes already resolved. `span` covers the source text. */
  | { kind: 'text'; text: string; span: Span }
  /** An input slot such as [X] or [X2|lower]. */
  | { kind: 'input'; slot: string; modifiers: SlotModifier[]; span: Span }
  /** The answer slot [Z]. */
  | { kind: 'mask'; span: Span };

export interface Template {
  /** The text the user typed. */
  source: string;
  nodes: TemplateNode[];
  /** Input slots used, in numeric order: ['X'] or ['X1', 'X2', …]. Keys of the inputs record. */
  slots: string[];
}

/** A template problem; template problems always have a span. */
export type TemplateIssue<C extends TemplateErrorCode | TemplateWarningCode = TemplateErrorCode | TemplateWarningCode> =
  Issue<C> & { span: Span };
export type TemplateError = TemplateIssue<TemplateErrorCode>;
export type TemplateWarning = TemplateIssue<TemplateWarningCode>;

export type TemplateParse =
  | { ok: true; template: Template; warnings: TemplateWarning[] }
  | { ok: false; errors: TemplateError[]; warnings: TemplateWarning[] };

// ---------------------------------------------------------------------------------------------
// Positions

/** 1-based line and column of a UTF-16 offset in `source` (offsets past the end clamp to the end). */
export function offsetToLineColumn(source: string, offset: number): { line: number; column: number } {
  return lineIndex(source).at(offset);
}

// ---------------------------------------------------------------------------------------------
// Parsing

function shown(name: string): string {
  return name.length > 24 ? name.slice(0, 21) + '…' : name;
}

/** Number of a numbered input slot ("X12" → 12), 0 for the plain [X]. */
const slotNumber = inputSlotNumber;

export function compareSlots(a: string, b: string): number {
  return slotNumber(a) - slotNumber(b);
}

const MASK_LIKE = /^(MASK|BLANK|ANSWER|LABEL|_+)$/;

/**
 * What an unknown slot name looks like, so that its message can say what to write instead: a mask
 * ([MASK], [blank] → [Z]), a slot in the wrong case ([z], [x1]), a leading zero ([X01]), or other.
 */
export function unknownSlotAdvice(name: string): 'mask' | 'case' | 'zero' | 'other' {
  if (MASK_LIKE.test(name.toUpperCase())) return 'mask';
  if (name === 'z' || /^x(?:[1-9][0-9]*)?$/.test(name)) return 'case';
  if (/^X0[0-9]*$/.test(name)) return 'zero';
  return 'other';
}

interface SlotPiece {
  text: string; // trimmed
  start: number; // source offset of the trimmed text (or of the separator if empty)
  end: number;
}

/** Split the inside of a bracket on '|', keeping source offsets of each trimmed piece. */
function splitSlot(source: string, innerStart: number, innerEnd: number): SlotPiece[] {
  const pieces: SlotPiece[] = [];
  let pieceStart = innerStart;
  for (let i = innerStart; i <= innerEnd; i++) {
    if (i === innerEnd || source[i] === '|') {
      let s = pieceStart;
      let e = i;
      while (s < e && /\s/.test(source[s]!)) s++;
      while (e > s && /\s/.test(source[e - 1]!)) e--;
      if (s === e) {
        // empty piece: point at the '|' before it (or at the bracket contents for the name)
        const at = pieces.length === 0 ? innerStart : pieceStart - 1;
        pieces.push({ text: '', start: at, end: at + 1 });
      } else {
        pieces.push({ text: source.slice(s, e), start: s, end: e });
      }
      pieceStart = i + 1;
    }
  }
  return pieces;
}

/** Parse a template. Never throws; see the file header for the syntax. */
export function parseTemplate(text: string): TemplateParse {
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-conversion -- "never throws" also for untyped (JS, JSON) callers
  const source = String(text ?? '');
  const errors: TemplateError[] = [];
  const warnings: TemplateWarning[] = [];
  // (The casts only add what `issue` can't know for a generic code: a template issue has a span.)
  const err = <C extends TemplateErrorCode>(code: C, span: Span, params: IssueParams<C>) =>
    errors.push(issue(code, 'error', params, span) as TemplateError);
  const warn = <C extends TemplateWarningCode>(code: C, span: Span, params: IssueParams<C>) =>
    warnings.push(issue(code, 'warning', params, span) as TemplateWarning);
  // One line index for every position this parse reports: many problems stay linear in the source.
  const index = lineIndex(source);
  const multiline = index.lines > 1 ? 1 : 0;
  const at = (offset: number) => ({ ...index.at(offset), multiline }) as const;

  if (source.trim() === '') {
    err('empty-template', { start: 0, end: source.length }, {});
    return { ok: false, errors, warnings };
  }

  const nodes: TemplateNode[] = [];
  let buf = '';
  let bufStart = 0;
  const flush = (end: number) => {
    if (buf !== '') nodes.push({ kind: 'text', text: buf, span: { start: bufStart, end } });
    buf = '';
  };

  const n = source.length;
  let maskSuggested = false;
  let i = 0;
  while (i < n) {
    const c = source[i]!;
    if (buf === '') bufStart = i;
    if (c === '\\') {
      const next = source[i + 1];
      if (next === '[' || next === ']' || next === '\\') {
        buf += next;
        i += 2;
      } else {
        buf += '\\'; // unknown escape: keep the backslash; the next character is read normally
        i += 1;
      }
      continue;
    }
    if (c === ']') {
      err('stray-bracket', { start: i, end: i + 1 }, at(i));
      i += 1;
      continue;
    }
    if (c !== '[') {
      buf += c;
      i += 1;
      continue;
    }
    // c === '[' : find the closing bracket on the same line, before any other '['
    let j = i + 1;
    while (j < n && source[j] !== ']' && source[j] !== '[' && source[j] !== '\n') j++;
    if (j >= n || source[j] !== ']') {
      err('unclosed-bracket', { start: i, end: i + 1 }, at(i));
      buf += '['; // recover: treat as text
      i += 1;
      continue;
    }
    flush(i);
    const span = { start: i, end: j + 1 };
    const pieces = splitSlot(source, i + 1, j);
    const name = pieces[0]!.text;
    const mods = pieces.slice(1);
    if (name === 'Z') {
      if (mods.length > 0) {
        const first = mods[0]!;
        const last = mods[mods.length - 1]!;
        err(
          'mask-modifier',
          { start: Math.min(first.start, span.end - 1), end: Math.max(last.end, first.start + 1) },
          at(i),
        );
      }
      nodes.push({ kind: 'mask', span });
    } else if (!Number.isNaN(slotNumber(name))) {
      if (slotNumber(name) > LIMITS.slotNumber)
        err('slot-number-too-high', span, { ...at(i), slot: shown(name), max: LIMITS.slotNumber });
      const modifiers: SlotModifier[] = [];
      for (const m of mods) {
        const modSpan = { start: m.start, end: m.end };
        if (m.text === '') {
          err('unknown-modifier', modSpan, { ...at(i), slot: name, modifier: '', suggestion: '' });
        } else if ((SLOT_MODIFIERS as readonly string[]).includes(m.text)) {
          const mod = m.text as SlotModifier;
          if (modifiers.includes(mod)) {
            warn('duplicate-modifier', modSpan, { ...at(i), slot: name, modifier: mod });
          } else modifiers.push(mod);
        } else {
          const lower = m.text.toLowerCase();
          err('unknown-modifier', modSpan, {
            ...at(m.start),
            slot: name,
            modifier: shown(m.text),
            suggestion: (SLOT_MODIFIERS as readonly string[]).includes(lower) ? lower : '',
          });
        }
      }
      nodes.push({ kind: 'input', slot: name, modifiers, span });
    } else if (name === '') {
      err('empty-slot', span, at(i));
    } else {
      const advice = unknownSlotAdvice(name);
      // [MASK], [z], … already tell the user to write [Z]: don't also report the missing [Z].
      if (advice === 'mask' || name === 'z') maskSuggested = true;
      err('unknown-slot', span, { ...at(i), name: shown(name), advice });
    }
    i = j + 1;
  }
  flush(n);

  // Whole-template checks.
  const masks = nodes.filter((x) => x.kind === 'mask');
  if (masks.length === 0 && !maskSuggested) err('missing-mask', { start: 0, end: n }, {});
  for (const extra of masks.slice(1)) err('duplicate-mask', extra.span, at(extra.span.start));
  const inputs = nodes.filter((x): x is Extract<TemplateNode, { kind: 'input' }> => x.kind === 'input');
  const firstPlain = inputs.find((x) => x.slot === 'X');
  const firstNumbered = inputs.find((x) => x.slot !== 'X');
  if (firstPlain && firstNumbered) {
    const later = firstPlain.span.start > firstNumbered.span.start ? firstPlain : firstNumbered;
    const earlier = later === firstPlain ? firstNumbered : firstPlain;
    err('mixed-inputs', later.span, { ...at(later.span.start), slot: later.slot, other: earlier.slot });
  }

  const slots = [...new Set(inputs.map((x) => x.slot))].sort(compareSlots);
  if (slots.length > LIMITS.slotsPerTemplate) {
    // At the first slot (in the text) that is one too many.
    const seen = new Set<string>();
    const extra = inputs.find((x) => {
      seen.add(x.slot);
      return seen.size > LIMITS.slotsPerTemplate;
    })!;
    err('too-many-slots', extra.span, {
      ...at(extra.span.start),
      slot: shown(extra.slot),
      max: LIMITS.slotsPerTemplate,
    });
  }
  if (errors.length === 0) {
    if (slots.length === 0) {
      warn('no-input-slot', { start: 0, end: n }, {});
    } else if (slots[0] !== 'X') {
      const numbers = slots.map(slotNumber);
      const max = numbers[numbers.length - 1]!;
      const missing: string[] = [];
      for (let k = 1; k <= max; k++) if (!numbers.includes(k)) missing.push(`[X${k}]`);
      if (missing.length > 0) {
        const gapSpan = inputs.find((x) => x.slot === `X${max}`)!.span;
        warn('slot-gap', gapSpan, { slot: `X${max}`, missing: missing.join(', ') });
      }
    }
  }
  for (const literal of ['<mask>', '\\[MASK\\]']) {
    let found = source.indexOf(literal);
    while (found >= 0) {
      warn(
        'literal-mask-token',
        { start: found, end: found + literal.length },
        { ...at(found), literal: literal.replace(/\\/g, '') },
      );
      found = source.indexOf(literal, found + literal.length);
    }
  }

  if (errors.length > 0) {
    errors.sort((a, b) => a.span.start - b.span.start || a.span.end - b.span.end);
    return { ok: false, errors, warnings };
  }
  return { ok: true, template: { source, nodes, slots }, warnings };
}

// ---------------------------------------------------------------------------------------------
// Rendering

const FINAL_PUNCTUATION = /[.!?,;:…。！？，；：]+$/u;

/** Apply one modifier to an (already trimmed) input. */
export function applyModifier(text: string, modifier: SlotModifier): string {
  switch (modifier) {
    case 'lower': {
      // LM-BFF sentl_0: lowercase the first character (code point) only; "I" becomes "i" as there.
      const cp = text.codePointAt(0);
      if (cp === undefined) return text;
      const first = String.fromCodePoint(cp);
      return first.toLowerCase() + text.slice(first.length);
    }
    case 'nopunct':
      // LM-BFF sent-0 drops the last character; we drop the whole run of final sentence
      // punctuation (. ! ? , ; : … and their CJK forms), then any spaces left before it.
      return text.replace(FINAL_PUNCTUATION, '').trimEnd();
  }
}

/** Trim an input and apply a slot's modifiers left to right. */
export function prepareInput(text: string, modifiers: readonly SlotModifier[]): string {
  let out = text.trim();
  for (const m of modifiers) out = applyModifier(out, m);
  return out;
}

/**
 * Fill a parsed template. Inputs are keyed by slot name ('X' or 'X1', 'X2', …); a missing key is
 * an empty input. Template text is copied verbatim (never trimmed); adjacent template text is merged.
 * `maskCount` (an integer ≥ 1) is the number of consecutive mask tokens at [Z].
 */
export function renderPrompt(
  template: Template,
  inputs: Readonly<Record<string, string>>,
  maskCount = 1,
  options: { contentFree?: boolean } = {},
): RenderedPrompt {
  if (!Number.isInteger(maskCount) || maskCount < 1)
    throw new RangeError(`maskCount must be an integer ≥ 1, got ${maskCount}`);
  const parts: PromptPart[] = [];
  for (const node of template.nodes) {
    if (node.kind === 'text') {
      const last = parts[parts.length - 1];
      if (last?.kind === 'template') last.text += node.text;
      else parts.push({ kind: 'template', text: node.text });
    } else if (node.kind === 'input') {
      const text = prepareInput(inputs[node.slot] ?? '', node.modifiers);
      parts.push(
        options.contentFree
          ? { kind: 'input', slot: node.slot, text, contentFree: true }
          : { kind: 'input', slot: node.slot, text },
      );
    } else {
      parts.push({ kind: 'mask', count: maskCount });
    }
  }
  return { parts };
}

/** Convenience: parse and render in one go; returns the parse errors when the template is invalid. */
export function renderTemplateText(
  text: string,
  inputs: Readonly<Record<string, string>>,
  maskCount = 1,
): { ok: true; prompt: RenderedPrompt } | { ok: false; errors: TemplateError[] } {
  const parsed = parseTemplate(text);
  if (!parsed.ok) return { ok: false, errors: parsed.errors };
  return { ok: true, prompt: renderPrompt(parsed.template, inputs, maskCount) };
}

/** Display text of a rendered prompt: the mask part becomes `maskToken` repeated `count` times, no separator. */
export function promptToText(prompt: RenderedPrompt, maskToken: string): string {
  return promptLayout(prompt, maskToken).text;
}

export interface PromptSegment {
  kind: PromptPart['kind'];
  /** Input slot name for `input` segments. */
  slot?: string;
  /** Where this part sits in `text`. */
  span: Span;
}

export interface PromptLayout {
  text: string;
  /** One segment per part, in order. */
  segments: PromptSegment[];
  /** Span of each input part in `text` (a slot used twice appears twice). */
  inputs: { slot: string; span: Span }[];
  /** Span of the mask run ([Z]) in `text`, or null if the prompt has none. */
  mask: Span | null;
}

/** The display text of a prompt and where each input and the mask sit in it (for highlighting). */
export function promptLayout(prompt: RenderedPrompt, maskToken: string): PromptLayout {
  let text = '';
  const segments: PromptSegment[] = [];
  const inputs: { slot: string; span: Span }[] = [];
  let mask: Span | null = null;
  for (const part of prompt.parts) {
    const piece =
      part.kind === 'mask' ? maskToken.repeat(part.count) : part.kind === 'separator' ? SEPARATOR_SHOWN : part.text;
    const span = { start: text.length, end: text.length + piece.length };
    text += piece;
    if (part.kind === 'input') {
      segments.push({ kind: 'input', slot: part.slot, span });
      inputs.push({ slot: part.slot, span });
    } else {
      segments.push({ kind: part.kind === 'separator' ? 'template' : part.kind, span });
      if (part.kind === 'mask' && mask === null) mask = span;
    }
  }
  return { text, segments, inputs, mask };
}

/** How a demonstration separator (the model's [SEP] / </s>) is shown in a prompt's display text. */
export const SEPARATOR_SHOWN = ' ‖ ';

/** Stable cache key of a rendered prompt (the store caches runtime results by it, per model). */
export function promptKey(prompt: RenderedPrompt): string {
  return JSON.stringify(
    prompt.parts.map((p) => {
      // Demonstration parts are dropped first when a prompt is too long: the marker is part of the key.
      const key =
        p.kind === 'mask'
          ? ['m', p.count]
          : p.kind === 'separator'
            ? ['s']
            : p.kind === 'input'
              ? // A content-free or occlusion input runs differently (its mask token stays a mask token): another key.
                p.contentFree
                ? ['i', p.slot, p.text, 'cf']
                : p.occlusion
                  ? ['i', p.slot, p.text, 'occ']
                  : ['i', p.slot, p.text]
              : ['t', p.text];
      return p.kind !== 'mask' && p.demo !== undefined ? [...key, p.demo] : key;
    }),
  );
}

/** Number of masks in a rendered prompt (sum over mask parts). */
export function promptMaskCount(prompt: RenderedPrompt): number {
  let k = 0;
  for (const p of prompt.parts) if (p.kind === 'mask') k += p.count;
  return k;
}

/**
 * True if the character right before [Z] in a rendered prompt is a space (U+0020).
 *
 * Byte-level BPE (RoBERTa) attaches only a preceding *space* to a word ("Ġgreat"); after a newline,
 * a tab, an input (inputs are trimmed) or at the start of the text the word has no prefix. So we
 * answer true only when the template text immediately before [Z] ends in " ". Used to pick the
 * label-word form (see verbalizer.ts `labelWordForm`).
 */
export function maskPrecededBySpace(template: Template): boolean {
  const idx = template.nodes.findIndex((x) => x.kind === 'mask');
  if (idx <= 0) return false; // no mask, or [Z] at the start of the text
  const prev = template.nodes[idx - 1]!;
  return prev.kind === 'text' && prev.text.endsWith(' ');
}
