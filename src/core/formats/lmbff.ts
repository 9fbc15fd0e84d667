// LM-BFF (Gao, Fisch & Chen 2021, "Making Pre-trained Language Models Better Few-shot Learners")
// templates and label-word mappings ↔ ClozeLab.
//
// LM-BFF template: parts between "*" are variables, everything else is text with "_" for a space:
//   *cls**sent_0*_It_was*mask*.*sep+*
// Variables (from LM-BFF's tokenize_multipart_input): cls, mask, sep, sep+ (next segment),
// sent_i (input i), +sent_i (with a leading space), sent-_i (last character deleted), sentl_i
// (first letter lower-cased), +sentl_i, sentl-_i, sentu_i / +sentu_i (first letter upper-cased),
// label_i / labelx_i (demonstrations). Each part is tokenized on its own; LM-BFF's label words are
// always read with a leading space (" great"), so "*mask*" stands for a word after a space.
//
// Mapping: a Python dict literal from dataset label to one word, e.g. {'0':'terrible','1':'great'}.

import { parseTemplate, type SlotModifier } from '../template.ts';
import type { Verbalizer } from '../verbalizer.ts';
import type { PromptSetup, TemplateEntry } from '../setup.ts';
import { escapeTemplateText, indexOfSlot, slotForIndex, type ConvertResult, type FormatWarning } from './common.ts';
import { isPyDict, tryReadPyLiteral } from './python-literal.ts';
import { adaptInputs, modelNotice } from './setup-parts.ts';

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

const w = (code: string, message: string, params?: Record<string, string | number>): FormatWarning => ({
  code,
  message,
  ...(params ? { params } : {}),
});

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

// ---------------------------------------------------------------------------------------------
// Mappings

/** "{'0':'terrible','1':'great'}" → verbalizer with labels "0", "1". */
export function lmBffMappingToVerbalizer(source: string): ConvertResult<Verbalizer> {
  const warnings: FormatWarning[] = [];
  const read = tryReadPyLiteral(source);
  if (!read.ok)
    return {
      ok: false,
      errors: [w('mapping-syntax', `The mapping is not a Python dict: ${read.message}`, { detail: read.message })],
      warnings,
    };
  if (!isPyDict(read.value))
    return {
      ok: false,
      errors: [w('mapping-shape', "The mapping must be a dict such as {'0':'terrible','1':'great'}.")],
      warnings,
    };
  const labels: Verbalizer['labels'] = [];
  for (const { key, value } of read.value.entries) {
    const label = String(key);
    if (typeof value !== 'string' || value === '') {
      return {
        ok: false,
        errors: [w('mapping-word', `The word for "${label}" must be a non-empty string.`, { label })],
        warnings,
      };
    }
    if (labels.some((l) => l.label === label))
      return {
        ok: false,
        errors: [w('mapping-duplicate', `"${label}" appears twice in the mapping.`, { label })],
        warnings,
      };
    labels.push({ label, words: [value] });
  }
  if (labels.length === 0) return { ok: false, errors: [w('mapping-empty', 'The mapping has no labels.')], warnings };
  return { ok: true, value: { labels }, warnings };
}

const quote1 = (s: string) =>
  `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t')}'`;

/** Verbalizer → LM-BFF mapping. `intKeys` writes labels that are whole numbers as ints ({0:'terrible'}), as LM-BFF's scripts do for some tasks. */
export function verbalizerToLmBffMapping(v: Verbalizer, options: { intKeys?: boolean } = {}): ConvertResult<string> {
  const warnings: FormatWarning[] = [];
  const entries = v.labels.map((l) => {
    const [first, ...rest] = l.words;
    if (rest.length > 0) {
      warnings.push(
        w(
          'lmbff-one-word',
          `LM-BFF uses exactly one word per label: "${l.label}" keeps "${first}"; ${rest.map((x) => `"${x}"`).join(', ')} cannot be exported.`,
          {
            label: l.label,
            kept: first!,
            dropped: rest.join(', '),
          },
        ),
      );
    }
    if (/\s/.test(first!.trim())) {
      warnings.push(
        w('lmbff-multiword', `"${first}" has several words; LM-BFF needs each label word to be a single token.`, {
          word: first!,
        }),
      );
    }
    const key = options.intKeys && /^(0|[1-9][0-9]*)$/.test(l.label) ? l.label : quote1(l.label);
    return `${key}:${quote1(first!)}`;
  });
  if (!v.labels.every((l) => /^[A-Za-z0-9_-]+$/.test(l.label))) {
    warnings.push(
      w(
        'lmbff-label-ids',
        "LM-BFF keys the mapping by the dataset's label ids (e.g. '0', '1' or 'entailment'); rename the labels to your dataset's ids.",
      ),
    );
  }
  return { ok: true, value: `{${entries.join(',')}}`, warnings };
}

// ---------------------------------------------------------------------------------------------
// Whole setups

export interface LmBffExport {
  /** One LM-BFF template per ClozeLab template (LM-BFF's --template_list takes several). */
  templates: { name: string; template: string }[];
  mapping: string;
  /** For each template, what could not be carried over (template warnings carry `template` = its name). */
  warnings: FormatWarning[];
}

export function exportLmBff(setup: PromptSetup, options: { intKeys?: boolean } = {}): LmBffExport {
  const warnings: FormatWarning[] = [];
  const templates: LmBffExport['templates'] = [];
  const ordered = [...setup.templates].sort(
    (a, b) => Number(b.id === setup.activeTemplateId) - Number(a.id === setup.activeTemplateId),
  );
  for (const entry of ordered) {
    const r = templateToLmBff(entry.text);
    const name = entry.name || entry.id;
    const tag = (x: FormatWarning): FormatWarning => ({ ...x, params: { ...x.params, template: name } });
    if (!r.ok) {
      warnings.push(
        ...r.errors.map(tag),
        w('template-skipped', `The template "${name}" has errors and was not exported.`, { template: name }),
      );
      continue;
    }
    warnings.push(...r.warnings.map(tag));
    templates.push({ name, template: r.value });
  }
  const mapping = verbalizerToLmBffMapping(setup.verbalizer, options);
  if (mapping.ok) warnings.push(...mapping.warnings);
  if (setup.scoring.calibrate) {
    warnings.push(
      w('no-calibration', "Calibration is not part of LM-BFF's prompt-based predictions; it is not exported."),
    );
  }
  warnings.push(...modelNotice(setup), ...inputsNotice(setup));
  return { templates, mapping: mapping.ok ? mapping.value : '{}', warnings };
}

function inputsNotice(setup: PromptSetup): FormatWarning[] {
  return setup.inputs.length > 0
    ? [
        w(
          'inputs-not-exported',
          `The ${setup.inputs.length} example input(s) are not part of an LM-BFF template; export the setup as JSON to keep them.`,
          { n: setup.inputs.length },
        ),
      ]
    : [];
}

/**
 * LM-BFF template(s) (one per line) and mapping → a new setup based on `base` (model, inputs and
 * other options are kept; inputs are re-keyed to the new template's slots).
 */
export function importLmBff(
  input: { templates: string; mapping: string },
  base: PromptSetup,
): ConvertResult<PromptSetup> {
  const warnings: FormatWarning[] = [];
  const errors: FormatWarning[] = [];
  const lines = input.templates
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '');
  if (lines.length === 0) return { ok: false, errors: [w('empty', 'Paste at least one LM-BFF template.')], warnings };
  if (lines.length > 20)
    return { ok: false, errors: [w('too-many-templates', 'At most 20 templates.', { max: 20 })], warnings };
  const templates: TemplateEntry[] = [];
  lines.forEach((line, i) => {
    const r = lmBffToTemplate(line);
    const tag = (x: FormatWarning): FormatWarning => ({ ...x, params: { ...x.params, template: `${i + 1}` } });
    warnings.push(...r.warnings.map(tag));
    if (!r.ok) errors.push(...r.errors.map(tag));
    else templates.push({ id: `t${i + 1}`, name: `LM-BFF ${i + 1}`, text: r.value });
  });
  const mapping = lmBffMappingToVerbalizer(input.mapping);
  warnings.push(...mapping.warnings);
  if (!mapping.ok) errors.push(...mapping.errors);
  if (errors.length > 0 || !mapping.ok) return { ok: false, errors, warnings };
  if (base.scoring.calibrate)
    warnings.push(w('calibration-off', 'Calibration was switched off: LM-BFF does not calibrate.'));
  const setup: PromptSetup = {
    ...base,
    name: 'Imported from LM-BFF',
    templates,
    activeTemplateId: templates[0]!.id,
    verbalizer: mapping.value,
    scoring: { ...base.scoring, calibrate: false },
    inputs: adaptInputs(base.inputs, templates[0]!.text),
  };
  return { ok: true, value: setup, warnings };
}
