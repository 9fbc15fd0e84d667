// LM-BFF templates ↔ ClozeLab template text.
//
// LM-BFF template: parts between "*" are variables, everything else is text with "_" for a space:
//   *cls**sent_0*_It_was*mask*.*sep+*
// Variables (from LM-BFF's tokenize_multipart_input): cls, mask, sep, sep+ (next segment),
// sent_i (input i), +sent_i (with a leading space), sent-_i (last character deleted), sentl_i
// (first letter lower-cased), +sentl_i, sentl-_i, sentu_i / +sentu_i (first letter upper-cased),
// label_i / labelx_i (a demonstration's label word: label i's, or demonstration i's label's).
// Demonstrations follow the query after a *sep+* (lmBffToEntry). Each part is tokenized on its own; LM-BFF's label words are
// always read with a leading space (" great"), so "*mask*" stands for a word after a space.

import { LIMITS } from '../limits.ts';
import { parseDemoTemplate } from '../demo-template.ts';
import { parseTemplate, type SlotModifier, type TemplateNode } from '../template.ts';
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

const isSeparator = (part: string) => part === 'sep' || part === 'sep+';
const isLabel = (part: string) => /^labelx?_\d+$/.test(part);

/**
 * One LM-BFF template read as a ClozeLab entry: the query's template and, when the LM-BFF template
 * carries demonstrations (`*sent_1*_It_was*labelx_0*.*sep+*` after the query), the first
 * demonstration's pattern as the demonstration template.
 */
export interface LmBffEntry {
  text: string;
  demo?: string;
}

/** LM-BFF template → ClozeLab template text (the query; demonstrations are read by lmBffToEntry). */
export function lmBffToTemplate(source: string): ConvertResult<string> {
  const r = lmBffToEntry(source);
  return r.ok ? { ok: true, value: r.value.text, warnings: r.warnings } : r;
}

/**
 * LM-BFF template → ClozeLab entry. Demonstrations start after the *sep+* that ends the query
 * (after its *mask*) and are recognised by their label word (*label_i* / *labelx_i*); each ends
 * at the separator after its label word. Demonstration j's inputs are numbered after the query's,
 * as LM-BFF numbers them (n inputs: *sent_{n + n·j}* …), and read relative to its own example.
 */
export function lmBffToEntry(source: string): ConvertResult<LmBffEntry> {
  const warnings: FormatWarning[] = [];
  const text = source.trim();
  if (text === '') return { ok: false, errors: [fail('lmbff-template-empty', {})], warnings };
  const parts = text.split('*');
  const split = splitDemonstrations(parts);
  const queryPieces = readParts(split.query, 'query', 0, 0, warnings);
  const numbered = queryPieces.some((p) => p.kind === 'input' && p.index > 0);
  const out = piecesToText(queryPieces, numbered, 'query', warnings);
  const parsed = parseTemplate(out);
  if (!parsed.ok) return { ok: false, errors: parsed.errors, warnings };
  if (split.demos.length === 0) return { ok: true, value: { text: out }, warnings };

  // Inputs per example: LM-BFF numbers demonstration j's inputs from n + n·j.
  const n = queryPieces.reduce((max, p) => (p.kind === 'input' ? Math.max(max, p.index + 1) : max), 0);
  const demoTexts = split.demos.map((demoParts, j) => {
    const local: FormatWarning[] = [];
    const pieces = readParts(demoParts, 'demo', n + n * j, n, local);
    return { text: piecesToText(pieces, numbered, 'demo', local), warnings: local };
  });
  const first = demoTexts[0]!;
  warnings.push(...first.warnings);
  const demo = parseDemoTemplate(first.text, parsed.template);
  if (!demo.ok) return { ok: false, errors: demo.errors, warnings };
  warnings.push(w('lmbff-demonstrations', { n: split.demos.length }));
  const differ = demoTexts.filter((d) => d.text !== first.text).length;
  if (differ > 0) warnings.push(w('lmbff-demo-differs', { n: differ }));
  if (split.rest !== null) warnings.push(w('lmbff-demo-extra', { part: split.rest }));
  return { ok: true, value: { text: out, demo: first.text }, warnings };
}

/**
 * The query's parts and each demonstration's parts (separators that end them left out), and the
 * first variable of anything after the last demonstration (null when nothing is there).
 * Without a label part after the query's *mask* and a separator, everything is the query.
 */
function splitDemonstrations(parts: string[]): { query: string[]; demos: string[][]; rest: string | null } {
  const mask = parts.indexOf('mask');
  const firstLabel = parts.findIndex((p, i) => i > mask && isLabel(p));
  let sep = firstLabel - 1;
  while (sep > mask && !isSeparator(parts[sep]!)) sep--;
  if (mask < 0 || firstLabel < 0 || sep <= mask) return { query: parts, demos: [], rest: null };
  const demos: string[][] = [];
  let current: string[] = [];
  let labelled = false;
  for (const part of parts.slice(sep + 1)) {
    if (isSeparator(part) && labelled) {
      demos.push(current);
      current = [];
      labelled = false;
      continue;
    }
    current.push(part);
    if (isLabel(part)) labelled = true;
  }
  if (labelled) demos.push(current);
  const left = labelled ? undefined : current.find((p) => p !== '' && !isSeparator(p));
  return { query: parts.slice(0, sep + 1), demos, rest: left ?? null };
}

/**
 * LM-BFF parts → pieces. In a demonstration (`mode` 'demo'), input indices are read relative to
 * `base` (its example's first input; `inputs` per example) and its label word is the [Z] piece.
 */
function readParts(
  parts: string[],
  mode: 'query' | 'demo',
  base: number,
  inputs: number,
  warnings: FormatWarning[],
): Piece[] {
  // From this index on, only separators and empty parts follow (one pass from the end: linear).
  let tailStart = parts.length;
  while (tailStart > 0 && ['', 'sep', 'sep+'].includes(parts[tailStart - 1]!)) tailStart--;
  const pieces: Piece[] = [];
  parts.forEach((part, i) => {
    if (part === '') return;
    const first = pieces.length === 0;
    const last = i + 1 >= tailStart;
    if (SPECIAL.has(part)) {
      if (part === 'mask') {
        // A demonstration's answer is its label word; a *mask* there is not LM-BFF's.
        if (mode === 'query') pieces.push({ kind: 'mask' });
        else warnings.push(w('lmbff-demo-mask', {}));
      } else if (part === 'cls' && !(first && mode === 'query')) {
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
      const index = Number(m[2]) - base;
      if (mode === 'demo' && (index < 0 || index >= inputs)) {
        // Not one of this demonstration's own inputs (LM-BFF numbers them base … base + n − 1).
        warnings.push(w('lmbff-demo-input', { part, first: base, last: base + inputs - 1 }));
        return;
      }
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
    if (isLabel(part)) {
      // A label word outside a demonstration (e.g. before the query's *mask*) has no place here.
      if (mode === 'demo') pieces.push({ kind: 'mask' });
      else warnings.push(w('lmbff-demonstration', { part }));
      return;
    }
    if (/^[+]?sent/.test(part)) {
      warnings.push(w('lmbff-unknown-variable', { part }));
    }
    pieces.push({ kind: 'text', text: part.replace(/_/g, ' ') });
  });
  return pieces;
}

/** Pieces → ClozeLab template text; [Z] (the mask, or a demonstration's label word) after a space. */
function piecesToText(pieces: Piece[], numbered: boolean, mode: 'query' | 'demo', warnings: FormatWarning[]): string {
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
        // A label word may start a demonstration; a mask at the start of the query can't have its space.
        if (mode === 'query') warnings.push(w('mask-at-start', { tool: 'LM-BFF' }));
      } else if (!/\s$/.test(plain)) {
        out += ' ';
        plain += ' ';
      }
      out += '[Z]';
      plain += 'z';
    }
  }
  return out;
}

/** ClozeLab template text → LM-BFF template. */
export function templateToLmBff(text: string): ConvertResult<string> {
  const warnings: FormatWarning[] = [];
  const parsed = parseTemplate(text);
  if (!parsed.ok) return { ok: false, errors: parsed.errors, warnings };
  return { ok: true, value: `*cls*${nodesToLmBff(parsed.template.nodes, 0, '*mask*', warnings)}*sep+*`, warnings };
}

/**
 * ClozeLab template and demonstration template → LM-BFF template with `labels` demonstrations
 * after the query, one per label, as LM-BFF writes them with --use_demo: demonstration j's inputs
 * numbered from n + n·j (n = the query's inputs), its label word *labelx_j*, each ending in *sep+*.
 * A demonstration template with errors: the query alone, with its errors as warnings.
 */
export function templateToLmBffWithDemos(text: string, demo: string, labels: number): ConvertResult<string> {
  const query = templateToLmBff(text);
  const parsed = parseTemplate(text);
  if (!query.ok || !parsed.ok) return query;
  const demoParse = parseDemoTemplate(demo, parsed.template);
  if (!demoParse.ok) {
    query.warnings.push(...demoParse.errors, w('lmbff-demo-invalid', {}));
    return query;
  }
  const n = parsed.template.slots.reduce((max, slot) => Math.max(max, indexOfSlot(slot) + 1), 0);
  let out = query.value;
  const demoWarnings: FormatWarning[] = [];
  for (let j = 0; j < labels; j++) {
    // Each demonstration repeats the same warnings: keep the first one's.
    out += `${nodesToLmBff(demoParse.template.nodes, n + n * j, `*labelx_${j}*`, j === 0 ? demoWarnings : [])}*sep+*`;
  }
  query.warnings.push(...demoWarnings, w('lmbff-demo-export', { n: labels }));
  return { ok: true, value: out, warnings: query.warnings };
}

/** Template nodes → LM-BFF parts; inputs numbered from `base`, [Z] written as `answer`. */
function nodesToLmBff(nodes: readonly TemplateNode[], base: number, answer: string, warnings: FormatWarning[]): string {
  let out = '';
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
      const index = base + indexOfSlot(node.slot);
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
      out += answer;
    }
  });
  return out;
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
