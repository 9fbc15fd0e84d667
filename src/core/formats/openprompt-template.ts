// OpenPrompt's ManualTemplate text ↔ ClozeLab template text.
//
// ManualTemplate text mixes plain text and Python dict blocks:
//   {"placeholder":"text_a"} It was {"mask"}.
// Blocks: {"placeholder":"text_a"|"text_b"} (with optional "post_processing": lambda …,
// "shortenable": bool), {"meta":"name"}, {"mask"}, {"text":"…"}, {"soft"} / {"soft":"…"},
// {"special":"<eos>"}. A block ends at the first "}"; there is no escape for "{" in plain text, so
// ClozeLab writes a literal "{" as {"text":"{"}. Spaces between parts collapse to one.

import { parseTemplate, type SlotModifier } from '../template.ts';
import {
  escapeTemplateText,
  formatFailure as fail,
  formatWarning as w,
  indexOfSlot,
  type ConvertResult,
  type FormatWarning,
} from './common.ts';
import { isPyDict, isPyRaw, pyString, tryReadPyLiteral, type PyValue } from './python-literal.ts';

/** ClozeLab's final punctuation set (template.ts), as Python's rstrip argument. */
const PUNCT = '.!?,;:…。！？，；：';
/** Python post_processing for a chain of modifiers (applied left to right, as ClozeLab does). */
export function postProcessing(modifiers: readonly SlotModifier[]): string | null {
  if (modifiers.length === 0) return null;
  let expr = 'x';
  for (const m of modifiers) {
    if (m === 'lower') expr = expr === 'x' ? 'x[:1].lower() + x[1:]' : `(lambda s: s[:1].lower() + s[1:])(${expr})`;
    else expr = `${expr === 'x' ? 'x' : `(${expr})`}.rstrip(${pyString(PUNCT)}).rstrip()`;
  }
  return `lambda x: ${expr}`;
}

const MODIFIER_CHAINS: SlotModifier[][] = [['lower'], ['nopunct'], ['lower', 'nopunct'], ['nopunct', 'lower']];
const normaliseCode = (s: string) => s.replace(/\s+/g, '');

function modifiersFromPostProcessing(source: string): SlotModifier[] | null {
  const target = normaliseCode(source);
  return MODIFIER_CHAINS.find((chain) => normaliseCode(postProcessing(chain)!) === target) ?? null;
}

/** ClozeLab template text → ManualTemplate text. */
export function templateToOpenPrompt(text: string): ConvertResult<string> {
  const warnings: FormatWarning[] = [];
  const parsed = parseTemplate(text);
  if (!parsed.ok) return { ok: false, errors: parsed.errors, warnings };
  const numbered = parsed.template.slots.some((s) => s !== 'X');
  if (/^\s|\s$/.test(text)) warnings.push(w('openprompt-spaces', {}));
  let out = '';
  for (const node of parsed.template.nodes) {
    if (node.kind === 'text') {
      let t = node.text;
      if (/[\r\n]/.test(t)) {
        warnings.push(w('openprompt-newline', {}));
        t = t.replace(/\r\n|[\r\n]/g, ' ');
      }
      if (/ {2,}|\t/.test(t)) warnings.push(w('openprompt-spaces', {}));
      if (t.includes('{')) warnings.push(w('openprompt-brace', {}));
      out += t.split('{').join('{"text": "{"}');
    } else if (node.kind === 'input') {
      const index = indexOfSlot(node.slot);
      const pp = postProcessing(node.modifiers);
      const extra = pp ? `, "post_processing": ${pp}` : '';
      if (!numbered || index < 2) {
        out += `{"placeholder":"text_${index === 0 ? 'a' : 'b'}"${extra}}`;
      } else {
        warnings.push(w('openprompt-meta', { slot: node.slot }));
        out += `{"meta":"${node.slot}"${extra}}`;
      }
    } else {
      out += '{"mask"}';
    }
  }
  if (parsed.template.nodes[0]?.kind === 'mask') {
    warnings.push(w('mask-at-start', { tool: 'OpenPrompt' }));
  }
  return { ok: true, value: out, warnings };
}

interface Block {
  prefixSpace: boolean;
  text?: string;
  dict?: Map<string, PyValue | undefined>;
}

/** Splits ManualTemplate text into parts the way OpenPrompt's parse_text does. */
function splitBlocks(text: string): { ok: true; blocks: Block[] } | { ok: false; error: FormatWarning } {
  const blocks: Block[] = [];
  let i = 0;
  while (i < text.length) {
    let prefixSpace = i > 0 && text[i - 1] === ' ';
    while (i < text.length && text[i] === ' ') {
      prefixSpace = true;
      i++;
    }
    if (i >= text.length) break;
    if (text[i] !== '{') {
      let j = i + 1;
      while (j < text.length && text[j] !== '{') j++;
      blocks.push({ prefixSpace, text: text.slice(i, j).replace(/ +$/, '') });
      i = j;
      continue;
    }
    const end = text.indexOf('}', i + 1);
    if (end < 0)
      return {
        ok: false,
        error: fail('openprompt-unclosed', { column: i + 1 }),
      };
    const read = tryReadPyLiteral(text.slice(i, end + 1), { rawValues: true });
    if (!read.ok || !isPyDict(read.value)) {
      return {
        ok: false,
        error: fail('openprompt-block', {
          column: i + 1,
          detail: read.ok ? '' : read.message,
        }),
      };
    }
    blocks.push({ prefixSpace, dict: new Map(read.value.entries.map((e) => [String(e.key), e.value])) });
    i = end + 1;
  }
  return { ok: true, blocks };
}

/** A block's value as a message shows it: as JSON (quoted strings), or as written when JSON has no form for it. */
const shownValue = (value: unknown) => (JSON.stringify(value) as string | undefined) ?? String(value);

const KNOWN_KEYS = new Set([
  'placeholder',
  'meta',
  'mask',
  'text',
  'soft',
  'special',
  'shortenable',
  'post_processing',
  'add_prefix_space',
]);

/** ManualTemplate text → ClozeLab template text. */
export function openPromptToTemplate(source: string): ConvertResult<string> {
  const warnings: FormatWarning[] = [];
  const text = source.trim();
  if (text === '') return { ok: false, errors: [fail('openprompt-template-empty', {})], warnings };
  const split = splitBlocks(text);
  if (!split.ok) return { ok: false, errors: [split.error], warnings };

  // First pass: which inputs are used, to choose [X] or [X1], [X2], ….
  const inputIndex = new Map<string, number>();
  for (const b of split.blocks) {
    const placeholder = b.dict?.get('placeholder');
    if (placeholder === 'text_a') inputIndex.set('text_a', 0);
    if (placeholder === 'text_b') inputIndex.set('text_b', 1);
  }
  const metaIndex = (name: string): number => {
    const key = `meta:${name}`;
    if (!inputIndex.has(key)) {
      const numberedName = /^X([1-9][0-9]?)$/.exec(name);
      const taken = new Set(inputIndex.values());
      let idx = numberedName ? Number(numberedName[1]) - 1 : 2;
      while (!numberedName && taken.has(idx)) idx++;
      inputIndex.set(key, idx);
    }
    return inputIndex.get(key)!;
  };
  for (const b of split.blocks) {
    const meta = b.dict?.get('meta');
    if (typeof meta === 'string') metaIndex(meta);
  }
  const numbered = [...inputIndex.values()].some((i) => i > 0);

  let out = '';
  for (const b of split.blocks) {
    const prefix = b.prefixSpace ? ' ' : '';
    if (b.text !== undefined) {
      out += prefix + escapeTemplateText(b.text);
      continue;
    }
    const d = b.dict!;
    for (const key of d.keys()) {
      if (!KNOWN_KEYS.has(key)) warnings.push(w('openprompt-unknown-key', { key }));
    }
    const modifiers = (): SlotModifier[] => {
      const pp = d.get('post_processing');
      if (pp === undefined) return [];
      const code = isPyRaw(pp) ? pp.source : typeof pp === 'string' ? pp : '';
      const mods = modifiersFromPostProcessing(code);
      if (mods) return mods;
      warnings.push(w('openprompt-post-processing', { code: code.slice(0, 80) }));
      return [];
    };
    const shortenable = d.get('shortenable');
    const slot = (index: number) =>
      `[${numbered ? `X${index + 1}` : 'X'}${modifiers()
        .map((m) => `|${m}`)
        .join('')}]`;
    if (d.has('placeholder')) {
      const p = d.get('placeholder');
      if (p === 'text_a' || p === 'text_b') {
        if (shortenable === false) warnings.push(w('openprompt-shortenable', {}));
        out += prefix + slot(p === 'text_a' ? 0 : 1);
      } else {
        warnings.push(w('openprompt-placeholder', { placeholder: shownValue(p) }));
      }
    } else if (d.has('meta')) {
      const name = d.get('meta');
      if (typeof name !== 'string') {
        warnings.push(w('openprompt-meta-unnamed', {}));
        continue;
      }
      const index = metaIndex(name);
      if (!/^X[1-9][0-9]?$/.test(name)) {
        warnings.push(
          w('openprompt-meta-input', {
            name,
            slot: `X${index + 1}`,
          }),
        );
      }
      out += prefix + slot(index);
    } else if (d.has('mask')) {
      out += prefix + '[Z]';
    } else if (d.has('text')) {
      const t = d.get('text');
      out += prefix + escapeTemplateText(typeof t === 'string' ? t : '');
    } else if (d.has('soft')) {
      const s = d.get('soft');
      if (typeof s === 'string' && s !== '') {
        warnings.push(w('openprompt-soft', { text: s }));
        out += prefix + escapeTemplateText(s);
      } else {
        warnings.push(w('openprompt-soft-dropped', {}));
      }
    } else if (d.has('special')) {
      warnings.push(w('openprompt-special', { token: shownValue(d.get('special')) }));
    } else {
      warnings.push(w('openprompt-empty-block', {}));
    }
  }
  const parsed = parseTemplate(out);
  if (!parsed.ok) return { ok: false, errors: parsed.errors, warnings };
  return { ok: true, value: out, warnings };
}
