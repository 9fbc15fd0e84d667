// LM-BFF label-word mappings ↔ ClozeLab verbalizer. A mapping is a Python dict literal from
// dataset label to one word, e.g. {'0':'terrible','1':'great'}.

import type { Verbalizer } from '../verbalizer.ts';
import {
  formatFailure as fail,
  formatWarning as w,
  mappingTooLong,
  verbalizerOverLimit,
  type ConvertResult,
  type FormatWarning,
} from './common.ts';
import { isPyDict, tryReadPyLiteral } from './python-literal.ts';

/** "{'0':'terrible','1':'great'}" → verbalizer with labels "0", "1". */
export function lmBffMappingToVerbalizer(source: string): ConvertResult<Verbalizer> {
  const warnings: FormatWarning[] = [];
  const tooLong = mappingTooLong(source);
  if (tooLong) return { ok: false, errors: [tooLong], warnings };
  const read = tryReadPyLiteral(source);
  if (!read.ok)
    return {
      ok: false,
      errors: [fail('mapping-syntax', { detail: read.message })],
      warnings,
    };
  if (!isPyDict(read.value))
    return {
      ok: false,
      errors: [fail('mapping-shape', {})],
      warnings,
    };
  const labels: Verbalizer['labels'] = [];
  const seen = new Set<string>();
  for (const { key, value } of read.value.entries) {
    const label = String(key);
    if (typeof value !== 'string' || value === '') {
      return {
        ok: false,
        errors: [fail('mapping-word', { label })],
        warnings,
      };
    }
    if (seen.has(label))
      return {
        ok: false,
        errors: [fail('mapping-duplicate', { label })],
        warnings,
      };
    seen.add(label);
    labels.push({ label, words: [value] });
  }
  if (labels.length === 0) return { ok: false, errors: [fail('mapping-empty', {})], warnings };
  const overLimit = verbalizerOverLimit(labels);
  if (overLimit) return { ok: false, errors: [overLimit], warnings };
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
        w('lmbff-one-word', {
          label: l.label,
          kept: first!,
          dropped: rest.map((x) => `"${x}"`).join(', '),
        }),
      );
    }
    if (/\s/.test(first!.trim())) {
      warnings.push(
        w('lmbff-multiword', {
          word: first!,
        }),
      );
    }
    const key = options.intKeys && /^(0|[1-9][0-9]*)$/.test(l.label) ? l.label : quote1(l.label);
    return `${key}:${quote1(first!)}`;
  });
  if (!v.labels.every((l) => /^[A-Za-z0-9_-]+$/.test(l.label))) {
    warnings.push(w('lmbff-label-ids', {}));
  }
  return { ok: true, value: `{${entries.join(',')}}`, warnings };
}
