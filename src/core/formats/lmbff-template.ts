// LM-BFF templates ↔ ClozeLab template text.
//
// LM-BFF template: parts between "*" are variables, everything else is text with "_" for a space:
//   *cls**sent_0*_It_was*mask*.*sep+*
// Variables (from LM-BFF's tokenize_multipart_input): cls, mask, sep, sep+ (next segment),
// sent_i (input i), +sent_i (with a leading space), sent-_i (last character deleted), sentl_i
// (first letter lower-cased), +sentl_i, sentl-_i, sentu_i / +sentu_i (first letter upper-cased),
// label_i / labelx_i (demonstrations). Each part is tokenized on its own; LM-BFF's label words are
// always read with a leading space (" great"), so "*mask*" stands for a word after a space.

import { parseTemplate, type SlotModifier } from '../template.ts';
import {
  formatWarning as w,
  escapeTemplateText,
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
  if (text === '') return { ok: false, errors: [w('empty', 'The LM-BFF template is empty.')], warnings };
  const parts = text.split('*');
  const pieces: Piece[] = [];
  parts.forEach((part, i) => {
    if (part === '') return;
    const first = pieces.length === 0;
    const last = parts.slice(i + 1).every((p) => p === '' || p === 'sep' || p === 'sep+');
    if (SPECIAL.has(part)) {
      if (part === 'mask') pieces.push({ kind: 'mask' });
      else if (part === 'cls' && !first) {
        warnings.push(
          w(
            'lmbff-cls',
            "A *cls* in the middle of the template is left out: ClozeLab adds the model's own start token.",
          ),
        );
      } else if (part !== 'cls' && !last) {
        warnings.push(
          w(
            'lmbff-sep',
            `*${part}* in the middle of the template has no ClozeLab equivalent (the two segments are joined); a space is put in its place.`,
            { part },
          ),
        );
        pieces.push({ kind: 'text', text: ' ' });
      }
      return;
    }
    let m = /^([+]?sent[lu]?-?)_(\d+)$/.exec(part);
    if (!m && /^sent-\d+$/.test(part)) {
      warnings.push(
        w(
          'lmbff-alias',
          `"*${part}*" was read as *sent-_${part.slice(5)}* (LM-BFF's own code spells it sent-_; it would read "${part}" as text).`,
          { part },
        ),
      );
      m = ['', 'sent-', part.slice(5)] as unknown as RegExpExecArray;
    }
    if (m && (m[1] ?? '') in SENT_VARIABLES) {
      const variable = SENT_VARIABLES[m[1]!]!;
      const index = Number(m[2]);
      if (index > 98) {
        warnings.push(
          w(
            'lmbff-input-index',
            `*${part}* refers to input ${index + 1}; ClozeLab templates have at most 99 inputs, so it is left out.`,
            { part },
          ),
        );
        return;
      }
      if (variable.upper) {
        warnings.push(
          w(
            'lmbff-upper',
            `*${part}* upper-cases the first letter; ClozeLab has no such modifier, so the input is used as written.`,
            { part },
          ),
        );
      }
      if (variable.modifiers.includes('nopunct')) {
        warnings.push(
          w(
            'lmbff-nopunct',
            `*${part}* deletes the input's last character; ClozeLab's [X|nopunct] deletes final punctuation instead (the same for sentences that end in one punctuation mark).`,
            { part },
          ),
        );
      }
      pieces.push({ kind: 'input', index, space: variable.space, modifiers: variable.modifiers });
      return;
    }
    if (/^labelx?_\d+$/.test(part)) {
      warnings.push(
        w(
          'lmbff-demonstration',
          `*${part}* belongs to LM-BFF's demonstrations, which ClozeLab does not have; it is left out.`,
          { part },
        ),
      );
      return;
    }
    if (/^[+]?sent/.test(part)) {
      warnings.push(
        w(
          'lmbff-unknown-variable',
          `"${part}" is not a variable LM-BFF knows, so it is kept as text (as LM-BFF would).`,
          { part },
        ),
      );
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
        warnings.push(
          w(
            'mask-at-start',
            'LM-BFF reads label words with a leading space (" great") even at the start of the prompt; ClozeLab uses the form a word has where [Z] stands (no space at the start). BERT-style models see no difference.',
          ),
        );
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
    return { ok: false, errors: parsed.errors.map((e) => w(`template-${e.code}`, e.message, e.params)), warnings };
  }
  return { ok: true, value: out, warnings };
}

/** ClozeLab template text → LM-BFF template. */
export function templateToLmBff(text: string): ConvertResult<string> {
  const warnings: FormatWarning[] = [];
  const parsed = parseTemplate(text);
  if (!parsed.ok)
    return { ok: false, errors: parsed.errors.map((e) => w(`template-${e.code}`, e.message, e.params)), warnings };
  const nodes = parsed.template.nodes;
  let out = '*cls*';
  nodes.forEach((node, i) => {
    const next = nodes[i + 1];
    if (node.kind === 'text') {
      let t = node.text;
      const spaceVariable = next?.kind === 'input' && plusVariable(next.modifiers) !== null;
      if (t.endsWith(' ') && (next?.kind === 'mask' || spaceVariable)) t = t.slice(0, -1);
      else if (next?.kind === 'mask') {
        warnings.push(
          w(
            'lmbff-mask-space',
            '[Z] follows text without a space; LM-BFF\'s label words always carry a leading space, so imported back it becomes "… [Z]".',
          ),
        );
      }
      if (t.includes('*')) {
        warnings.push(
          w('lmbff-asterisk', 'LM-BFF templates cannot contain "*" (it separates variables); it was left out.'),
        );
        t = t.replace(/\*/g, '');
      }
      if (t.includes('_'))
        warnings.push(
          w(
            'lmbff-underscore',
            'LM-BFF reads "_" as a space; the template\'s "_" cannot be written and becomes a space.',
          ),
        );
      const encoded = t.replace(/ /g, '_');
      if (SPECIAL.has(encoded) || /^([+]?sent[lu]?-?_\d+|labelx?_\d+)$/.test(encoded)) {
        warnings.push(w('lmbff-reserved-text', `The text "${t}" would be read as an LM-BFF variable.`, { text: t }));
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
          w(
            'lmbff-nopunct',
            `[${node.slot}|nopunct] becomes sent-_${index}, which deletes the last character whatever it is (ClozeLab deletes only final punctuation).`,
            {
              part: `sent-_${index}`,
            },
          ),
        );
      }
      if (node.modifiers.includes('nopunct') && spaced) {
        warnings.push(
          w(
            'lmbff-space-token',
            `LM-BFF has no "+" form of ${plainVariable(node.modifiers)}_${index}; the space before it is written as "_" and becomes a token of its own for BPE models.`,
          ),
        );
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
