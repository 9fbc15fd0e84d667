// LM-BFF templates ↔ ClozeLab template text.
//
// LM-BFF template: parts between "*" are variables, everything else is text with "_" for a space:
//   *cls**sent_0*_It_was*mask*.*sep+*
// Variables (from LM-BFF's tokenize_multipart_input): cls, mask, sep, sep+ (next segment),
// sent_i (input i), +sent_i (with a leading space), sent-_i (last character deleted), sentl_i
// (first letter lower-cased), +sentl_i, sentl-_i, sentu_i / +sentu_i (first letter upper-cased),
// label_i / labelx_i (demonstrations). Each part is tokenized on its own; LM-BFF's label words are
// always read with a leading space (" great"), so "*mask*" stands for a word after a space.

import { LIMITS } from '../limits.ts';
import { parseTemplate, type SlotModifier } from '../template.ts';
import {
  escapeTemplateText,
  formatFailure as fail,
  formatWarning as w,
  indexOfSlot,
  slotForIndex,
  type ConvertResult,
  type FormatWarning,
} from './common.ts';

const SPECIAL = new Set(['cls', 'mask', 'sep', 'sep+']);
/** Input variables LM-BFF knows, by prefix (before "_<i>"), and what they mean here. */
const SENT_VARIABLES: Record<string, { space: boolean; modifiers: SlotModifier[]; upper?: boolean }> = {
  sent: { space: false, modifiers: [] },
  '+sent': { space: true, modifiers: [] },
  'sent-': { space: false, modifiers: ['nopunct'] },
  sentl: { space: false, modifiers: ['lower'] },
  '+sentl': { space: true, modifiers: ['lower'] },
  'sentl-': { space: false, modifiers: ['lower', 'nopunct'] },
  sentu: { space: false, modifiers: [], upper: true },
  '+sentu': { space: true, modifiers: [], upper: true },
};

type Piece =
  | { kind: 'text'; text: string }
  | { kind: 'input'; index: number; space: boolean; modifiers: SlotModifier[] }
  | { kind: 'mask' };

/** LM-BFF template → ClozeLab template text. */
export function lmBffToTemplate(source: string): ConvertResult<string> {
  const warnings: FormatWarning[] = [];
  const text = source.trim();
  if (text === '') return { ok: false, errors: [fail('lmbff-template-empty', {})], warnings };
  const parts = text.split('*');
  // From this index on, only separators and empty parts follow (one pass from the end: linear).
  let tailStart = parts.length;
  while (tailStart > 0 && ['', 'sep', 'sep+'].includes(parts[tailStart - 1]!)) tailStart--;
  const pieces: Piece[] = [];
  parts.forEach((part, i) => {
    if (part === '') return;
    const first = pieces.length === 0;
    const last = i + 1 >= tailStart;
    if (SPECIAL.has(part)) {
      if (part === 'mask') pieces.push({ kind: 'mask' });
      else if (part === 'cls' && !first) {
        warnings.push(w('lmbff-cls', {}));
      } else if (part !== 'cls' && !last) {
        warnings.push(w('lmbff-sep', { part }));
        pieces.push({ kind: 'text', text: ' ' });
      }
      return;
    }
    let m = /^([+]?sent[lu]?-?)_(\d+)$/.exec(part);
    if (!m && /^sent-\d+$/.test(part)) {
      warnings.push(w('lmbff-alias', { part, alias: `sent-_${part.slice(5)}` }));
      m = ['', 'sent-', part.slice(5)] as unknown as RegExpExecArray;
    }
    if (m && (m[1] ?? '') in SENT_VARIABLES) {
      const variable = SENT_VARIABLES[m[1]!]!;
      const index = Number(m[2]);
      if (index + 1 > LIMITS.slotNumber) {
        warnings.push(w('lmbff-input-index', { part, input: index + 1, max: LIMITS.slotNumber }));
        return;
      }
      if (variable.upper) {
        warnings.push(w('lmbff-upper', { part }));
      }
      if (variable.modifiers.includes('nopunct')) {
        warnings.push(w('lmbff-nopunct', { part }));
      }
      pieces.push({ kind: 'input', index, space: variable.space, modifiers: variable.modifiers });
      return;
    }
    if (/^labelx?_\d+$/.test(part)) {
      warnings.push(w('lmbff-demonstration', { part }));
      return;
    }
    if (/^[+]?sent/.test(part)) {
      warnings.push(w('lmbff-unknown-variable', { part }));
    }
    pieces.push({ kind: 'text', text: part.replace(/_/g, ' ') });
  });

  const numbered = pieces.some((p) => p.kind === 'input' && p.index > 0);
  let out = '';
  let plain = ''; // what the prompt reads like so far, to decide spacing
  for (const piece of pieces) {
    if (piece.kind === 'text') {
      out += escapeTemplateText(piece.text);
      plain += piece.text;
    } else if (piece.kind === 'input') {
      const prefix = piece.space ? ' ' : '';
      out += `${prefix}[${slotForIndex(piece.index, numbered)}${piece.modifiers.map((mod) => `|${mod}`).join('')}]`;
      plain += `${prefix}x`;
    } else {
      if (plain === '') {
        warnings.push(w('mask-at-start', { tool: 'LM-BFF' }));
      } else if (!/\s$/.test(plain)) {
        out += ' ';
        plain += ' ';
      }
      out += '[Z]';
      plain += 'z';
    }
  }
  const parsed = parseTemplate(out);
  if (!parsed.ok) {
    return { ok: false, errors: parsed.errors, warnings };
  }
  return { ok: true, value: out, warnings };
}

/** ClozeLab template text → LM-BFF template. */
export function templateToLmBff(text: string): ConvertResult<string> {
  const warnings: FormatWarning[] = [];
  const parsed = parseTemplate(text);
  if (!parsed.ok) return { ok: false, errors: parsed.errors, warnings };
  const nodes = parsed.template.nodes;
  let out = '*cls*';
  nodes.forEach((node, i) => {
    const next = nodes[i + 1];
    if (node.kind === 'text') {
      let t = node.text;
      const spaceVariable = next?.kind === 'input' && plusVariable(next.modifiers) !== null;
      if (t.endsWith(' ') && (next?.kind === 'mask' || spaceVariable)) t = t.slice(0, -1);
      else if (next?.kind === 'mask') {
        warnings.push(w('lmbff-mask-space', {}));
      }
      if (t.includes('*')) {
        warnings.push(w('lmbff-asterisk', {}));
        t = t.replace(/\*/g, '');
      }
      if (t.includes('_')) warnings.push(w('lmbff-underscore', {}));
      const encoded = t.replace(/ /g, '_');
      if (SPECIAL.has(encoded) || /^([+]?sent[lu]?-?_\d+|labelx?_\d+)$/.test(encoded)) {
        warnings.push(w('lmbff-reserved-text', { text: t }));
      }
      out += encoded;
    } else if (node.kind === 'input') {
      const prev = nodes[i - 1];
      const spaced = prev?.kind === 'text' && prev.text.endsWith(' ');
      const index = indexOfSlot(node.slot);
      const variable = spaced ? plusVariable(node.modifiers) : plainVariable(node.modifiers);
      if (variable === null) {
        // Only "nopunct" variants lack a "+" form: keep the space as text.
        out += `*${plainVariable(node.modifiers)}_${index}*`;
      } else {
        out += `*${variable}_${index}*`;
      }
      if (node.modifiers.includes('nopunct')) {
        warnings.push(
          w('lmbff-nopunct-export', {
            slot: node.slot,
            part: `sent-_${index}`,
          }),
        );
      }
      if (node.modifiers.includes('nopunct') && spaced) {
        warnings.push(w('lmbff-space-token', { variable: `${plainVariable(node.modifiers)}_${index}` }));
      }
    } else {
      out += '*mask*';
    }
  });
  return { ok: true, value: `${out}*sep+*`, warnings };
}

function plainVariable(modifiers: readonly SlotModifier[]): string {
  const lower = modifiers.includes('lower');
  const nopunct = modifiers.includes('nopunct');
  return lower && nopunct ? 'sentl-' : lower ? 'sentl' : nopunct ? 'sent-' : 'sent';
}

/** The "+" (leading space) variable for these modifiers, or null when LM-BFF has none. */
function plusVariable(modifiers: readonly SlotModifier[]): string | null {
  if (modifiers.includes('nopunct')) return null;
  return modifiers.includes('lower') ? '+sentl' : '+sent';
}
