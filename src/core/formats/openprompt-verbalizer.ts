// OpenPrompt's ManualVerbalizer label words ↔ ClozeLab verbalizer.

import type { Verbalizer } from '../verbalizer.ts';
import {
  formatFailure as fail,
  formatWarning as w,
  mappingTooLong,
  verbalizerOverLimit,
  type ConvertResult,
  type FormatWarning,
} from './common.ts';
import { isPyDict, tryReadPyLiteral, type PyValue } from './python-literal.ts';

/** Verbalizer → {"class": ["word", …], …} (JSON, which is also a Python literal). */
export function verbalizerToOpenPrompt(v: Verbalizer): { classes: string[]; labelWords: string } {
  const body = v.labels
    .map((l) => `${JSON.stringify(l.label)}: [${l.words.map((x) => JSON.stringify(x)).join(', ')}]`)
    .join(', ');
  return { classes: v.labels.map((l) => l.label), labelWords: `{${body}}` };
}

/**
 * Label words → verbalizer. Accepts a dict {"class": ["w", …] or "w"}; a list of lists (or of
 * strings) in the order of `classes`; or OpenPrompt's .txt form, one class per line with its words
 * separated by commas (again in the order of `classes`).
 */
export function openPromptToVerbalizer(source: string, classesText = ''): ConvertResult<Verbalizer> {
  const warnings: FormatWarning[] = [];
  const tooLong = mappingTooLong(source) ?? mappingTooLong(classesText);
  if (tooLong) return { ok: false, errors: [tooLong], warnings };
  const text = source.trim();
  if (text === '') return { ok: false, errors: [fail('label-words-missing', {})], warnings };
  const classes = readClasses(classesText);
  if (!classes.ok) return { ok: false, errors: [classes.error], warnings };
  const asWords = (value: PyValue | undefined, label: string): string[] | null => {
    if (typeof value === 'string') return [value];
    if (Array.isArray(value) && value.every((x) => typeof x === 'string')) return value;
    warnings.push(w('label-words-shape', { label }));
    return null;
  };
  let pairs: { label: string; words: string[] | null }[];
  if (text.startsWith('{') || text.startsWith('[')) {
    const read = tryReadPyLiteral(text);
    if (!read.ok)
      return {
        ok: false,
        errors: [
          fail('label-words-syntax', {
            detail: read.message,
          }),
        ],
        warnings,
      };
    if (isPyDict(read.value)) {
      pairs = read.value.entries.map((e) => ({ label: String(e.key), words: asWords(e.value, String(e.key)) }));
    } else if (Array.isArray(read.value)) {
      const list = read.value;
      if (classes.value.length !== list.length) {
        return {
          ok: false,
          errors: [fail('classes-needed', { n: list.length, form: 'list' })],
          warnings,
        };
      }
      pairs = list.map((value, i) => ({ label: classes.value[i]!, words: asWords(value, classes.value[i]!) }));
    } else {
      return {
        ok: false,
        errors: [fail('label-words-container', {})],
        warnings,
      };
    }
  } else {
    const lines = text
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter((l) => l !== '');
    if (classes.value.length !== lines.length) {
      return {
        ok: false,
        errors: [
          fail('classes-needed', {
            form: 'lines',
            n: lines.length,
          }),
        ],
        warnings,
      };
    }
    pairs = lines.map((line, i) => ({
      label: classes.value[i]!,
      words: line
        .split(',')
        .map((x) => x.trim())
        .filter((x) => x !== ''),
    }));
  }
  if (pairs.some((p) => p.words === null)) return { ok: false, errors: warnings.splice(0), warnings };
  const labels: Verbalizer['labels'] = [];
  const seen = new Set<string>();
  for (const p of pairs) {
    if (seen.has(p.label))
      return {
        ok: false,
        errors: [fail('label-words-duplicate', { label: p.label })],
        warnings,
      };
    const words = [...new Set(p.words!.map((x) => (x.startsWith('<!>') ? x.slice(3) : x)))].filter((x) => x !== '');
    if (p.words!.some((x) => x.startsWith('<!>'))) {
      warnings.push(w('openprompt-no-prefix', { label: p.label }));
    }
    if (words.length === 0) return { ok: false, errors: [fail('label-words-no-words', { label: p.label })], warnings };
    seen.add(p.label);
    labels.push({ label: p.label, words });
  }
  if (labels.length === 0) return { ok: false, errors: [fail('label-words-no-labels', {})], warnings };
  const overLimit = verbalizerOverLimit(labels);
  if (overLimit) return { ok: false, errors: [overLimit], warnings };
  return { ok: true, value: { labels }, warnings };
}

function readClasses(text: string): { ok: true; value: string[] } | { ok: false; error: FormatWarning } {
  const t = text.trim();
  if (t === '') return { ok: true, value: [] };
  if (t.startsWith('[') || t.startsWith('(')) {
    const read = tryReadPyLiteral(t);
    if (
      !read.ok ||
      !Array.isArray(read.value) ||
      !read.value.every((x) => typeof x === 'string' || typeof x === 'number')
    ) {
      return {
        ok: false,
        error: fail('classes-syntax', {}),
      };
    }
    return { ok: true, value: read.value.map(String) };
  }
  return {
    ok: true,
    value: t
      .split(',')
      .map((x) => x.trim())
      .filter((x) => x !== ''),
  };
}
