// LM-BFF label-word mappings ↔ ClozeLab verbalizer. A mapping is a Python dict literal from
// dataset label to one word, e.g. {'0':'terrible','1':'great'}.

import type { Verbalizer } from '../verbalizer.ts';
import { formatWarning as w, type ConvertResult, type FormatWarning } from './common.ts';
import { isPyDict, tryReadPyLiteral } from './python-literal.ts';

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
