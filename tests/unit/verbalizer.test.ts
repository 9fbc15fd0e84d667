import { describe, expect, it } from 'vitest';
import {
  formatVerbalizer,
  labelWordForm,
  labelWordTexts,
  parseTemplate,
  maskPrecededBySpace,
  parseVerbalizer,
  resolveFromTokenizations,
  resolveVerbalizer,
  resolveVerbalizerAsync,
  type Verbalizer,
  type VerbalizerIssue,
  type WordTokenization,
} from '../../src/core/index.ts';
import { formatIssue } from '../../src/core/messages/index.ts';

function ok(text: string): { v: Verbalizer; warnings: VerbalizerIssue[] } {
  const r = parseVerbalizer(text);
  if (!r.ok) throw new Error(`expected to parse: ${r.errors.map((e) => formatIssue(e)).join('; ')}`);
  return { v: r.verbalizer, warnings: r.warnings };
}
function errs(text: string): VerbalizerIssue[] {
  const r = parseVerbalizer(text);
  if (r.ok) throw new Error('expected errors');
  return r.errors;
}

describe('parseVerbalizer', () => {
  it('parses one label per line', () => {
    expect(ok('positive: great, excellent, good\nnegative: terrible, awful, bad').v).toEqual({
      labels: [
        { label: 'positive', words: ['great', 'excellent', 'good'] },
        { label: 'negative', words: ['terrible', 'awful', 'bad'] },
      ],
    });
  });

  it('ignores blank lines, comment lines and trailing comments; handles CRLF; keeps inner spaces', () => {
    const { v, warnings } = ok('# sentiment\r\n\r\n  positive :  great , very good # the usual\r\nnegative:bad\r\n');
    expect(v.labels).toEqual([
      { label: 'positive', words: ['great', 'very good'] },
      { label: 'negative', words: ['bad'] },
    ]);
    expect(warnings).toEqual([]);
  });

  it('quoted words and labels may contain commas, colons, #, quotes and spaces', () => {
    const { v } = ok(
      '"a: b": "very, good", "x: y", "#1", "say \\"hi\\"", " padded ", "back\\\\slash", "keep\\q"\nother: w',
    );
    expect(v.labels[0]).toEqual({
      label: 'a: b',
      words: ['very, good', 'x: y', '#1', 'say "hi"', ' padded ', 'back\\slash', 'keep\\q'],
    });
  });

  it('empty items between commas are ignored with a warning', () => {
    const { v, warnings } = ok('a: x, , y,\nb: z');
    expect(v.labels[0]!.words).toEqual(['x', 'y']);
    expect(warnings.map((w) => [w.code, w.params])).toEqual([
      ['empty-word', { line: 1, column: 7, quoted: 0 }],
      ['empty-word', { line: 1, column: 11, quoted: 0 }],
    ]);
  });

  it('errors carry line, column and span', () => {
    expect(errs('positive: good\nnegative bad')).toEqual([
      expect.objectContaining({
        code: 'missing-colon',
        severity: 'error',
        params: expect.objectContaining({ line: 2, column: 1 }),
        span: { start: 15, end: 27 },
      }),
    ]);
    expect(errs('a: x\n  : great')).toEqual([
      expect.objectContaining({ code: 'empty-label', params: expect.objectContaining({ line: 2, column: 3 }) }),
    ]);
    expect(errs('a: x\nb: y\na: z')).toEqual([
      expect.objectContaining({
        code: 'duplicate-label',
        params: expect.objectContaining({ line: 3, column: 1 }),
        span: { start: 10, end: 11 },
      }),
    ]);
    expect(errs('a: x\nb:')).toEqual([
      expect.objectContaining({ code: 'no-words', params: expect.objectContaining({ line: 2, column: 1 }) }),
    ]);
    expect(errs('a: x, y, x\nb: z')).toEqual([
      expect.objectContaining({
        code: 'duplicate-word',
        params: expect.objectContaining({ line: 1, column: 10 }),
        span: { start: 9, end: 10 },
      }),
    ]);
    expect(errs('a: "open\nb: z')).toEqual([
      expect.objectContaining({
        code: 'unclosed-quote',
        params: expect.objectContaining({ line: 1, column: 4 }),
        span: { start: 3, end: 4 },
      }),
    ]);
    expect(errs('a: "x" y\nb: z')).toEqual([
      expect.objectContaining({ code: 'unexpected-text', params: expect.objectContaining({ line: 1, column: 8 }) }),
    ]);
    expect(errs('a: it"s\nb: z')).toEqual([
      expect.objectContaining({ code: 'unexpected-text', params: expect.objectContaining({ column: 6 }) }),
    ]);
    expect(errs('a: b: c\nd: e')).toEqual([
      expect.objectContaining({ code: 'unexpected-text', params: expect.objectContaining({ column: 5 }) }),
    ]);
  });

  it('messages are readable and mention the position', () => {
    expect(formatIssue(errs('positive good')[0]!)).toBe(
      'Line 1, column 1: "positive good" has no ":". Write a label, a colon, then its words, e.g. "positive: great, good".',
    );
  });

  it('empty verbalizer (nothing, or only comments)', () => {
    expect(errs('')).toEqual([expect.objectContaining({ code: 'empty-verbalizer' })]);
    expect(errs('# nothing\n\n')).toEqual([expect.objectContaining({ code: 'empty-verbalizer' })]);
  });

  it('warnings: a word under two labels (at the later one), a single label', () => {
    const shared = ok('a: x, y\nb: y');
    expect(shared.warnings).toEqual([
      expect.objectContaining({
        code: 'shared-word',
        severity: 'warning',
        params: expect.objectContaining({ line: 2, column: 4 }),
      }),
    ]);
    const single = ok('only: x');
    expect(single.warnings).toEqual([expect.objectContaining({ code: 'single-label', severity: 'warning' })]);
    expect(formatIssue(single.warnings[0]!)).toContain('always be predicted');
  });

  it('reports every error, sorted by position', () => {
    const e = errs('bad line\n: x\na: x, x');
    expect(e.map((x) => [x.code, 'line' in x.params ? x.params.line : null])).toEqual([
      ['missing-colon', 1],
      ['empty-label', 2],
      ['duplicate-word', 3],
    ]);
  });

  it('never throws on odd input', () => {
    for (const s of ['"', '\\', ':', ',', '#', '""', '"":""', 'a:"', '\u0000: \u0000', ':::', 'a:,', '"a"b: c']) {
      expect(() => parseVerbalizer(s)).not.toThrow();
    }
  });
});

describe('formatVerbalizer', () => {
  it('formats one label per line, quoting only when needed', () => {
    const v: Verbalizer = {
      labels: [
        { label: 'positive', words: ['great', 'very good'] },
        { label: 'a:b', words: ['x, y', ' sp', 'q"uote', 'back\\slash', '#h'] },
      ],
    };
    const text = formatVerbalizer(v);
    expect(text).toBe('positive: great, very good\n"a:b": "x, y", " sp", "q\\"uote", "back\\\\slash", "#h"');
    expect(ok(text).v).toEqual(v);
  });
});

describe('labelWordForm', () => {
  it('adds a leading space for BPE and SentencePiece after a space, never for WordPiece', () => {
    expect(labelWordForm('great', { tokenizerKind: 'bpe', precededBySpace: true })).toBe(' great');
    expect(labelWordForm('great', { tokenizerKind: 'sentencepiece', precededBySpace: true })).toBe(' great');
    expect(labelWordForm('great', { tokenizerKind: 'bpe', precededBySpace: false })).toBe('great');
    expect(labelWordForm('great', { tokenizerKind: 'wordpiece', precededBySpace: true })).toBe('great');
    expect(labelWordForm('great', { tokenizerKind: 'other', precededBySpace: true })).toBe('great');
    expect(labelWordForm(' great', { tokenizerKind: 'bpe', precededBySpace: true })).toBe(' great');
  });

  it('follows the template: "It was [Z]." has a space before the mask, "[Z]: [X]" does not', () => {
    const a = parseTemplate('[X] It was [Z].');
    const b = parseTemplate('[Z]: [X]');
    if (!a.ok || !b.ok) throw new Error('parse');
    const v: Verbalizer = {
      labels: [
        { label: 'p', words: ['great'] },
        { label: 'n', words: ['bad'] },
      ],
    };
    expect(labelWordTexts(v, { tokenizerKind: 'bpe', precededBySpace: maskPrecededBySpace(a.template) })).toEqual([
      ' great',
      ' bad',
    ]);
    expect(labelWordTexts(v, { tokenizerKind: 'bpe', precededBySpace: maskPrecededBySpace(b.template) })).toEqual([
      'great',
      'bad',
    ]);
  });
});

// A tiny in-test tokenizer: known words are one token, "Ġ" marks a leading space (byte-level BPE
// style), unknown words split into 3-character pieces; "zzz" is the unknown token.
const VOCAB = new Map<string, number>([
  ['great', 1],
  ['Ġgreat', 2],
  ['good', 3],
  ['Ġgood', 4],
  ['bad', 5],
  ['Ġbad', 6],
  ['[UNK]', 100],
]);
function fakeTokenize(text: string): WordTokenization {
  const space = text.startsWith(' ');
  const word = text.trim();
  if (word === '') return { text, ids: [], pieces: [], hasUnknown: false };
  const direct = (space ? 'Ġ' : '') + word;
  if (VOCAB.has(direct)) return { text, ids: [VOCAB.get(direct)!], pieces: [direct], hasUnknown: false };
  if (word.includes('zzz')) return { text, ids: [100], pieces: ['[UNK]'], hasUnknown: true };
  const pieces: string[] = [];
  for (let i = 0; i < word.length; i += 3) pieces.push((i === 0 && space ? 'Ġ' : '') + word.slice(i, i + 3));
  return {
    text,
    ids: pieces.map((p) => 1000 + [...p].reduce((a, c) => a + c.charCodeAt(0), 0)),
    pieces,
    hasUnknown: false,
  };
}

describe('resolveVerbalizer', () => {
  const v: Verbalizer = {
    labels: [
      { label: 'positive', words: ['great', 'wonderful', 'zzz', ' '] },
      { label: 'negative', words: ['bad', 'good'] },
    ],
  };

  it('classifies words as single / multi / unknown / empty and tokenizes the right form', () => {
    const r = resolveVerbalizer(v, fakeTokenize, { tokenizerKind: 'bpe', precededBySpace: true });
    expect(r.words.map((w) => [w.label, w.word, w.form.text, w.status])).toEqual([
      ['positive', 'great', ' great', 'single'],
      ['positive', 'wonderful', ' wonderful', 'multi'],
      ['positive', 'zzz', ' zzz', 'unknown'],
      ['positive', ' ', ' ', 'empty'],
      ['negative', 'bad', ' bad', 'single'],
      ['negative', 'good', ' good', 'single'],
    ]);
    expect(r.words[0]!.form.ids).toEqual([2]);
    expect(r.words[1]!.form.pieces).toEqual(['Ġwon', 'der', 'ful']);
    expect(r.issues.map((i) => [i.code, i.severity, i.params.word])).toEqual([
      ['multi-token', 'info', 'wonderful'],
      ['unknown-token', 'error', 'zzz'],
      ['empty-tokenization', 'error', ' '],
    ]);
    expect(formatIssue(r.issues[0]!)).toContain('3 tokens');
  });

  it('WordPiece uses the bare word', () => {
    const r = resolveVerbalizer(v, fakeTokenize, { tokenizerKind: 'wordpiece', precededBySpace: true });
    expect(r.words[0]!.form).toEqual({ text: 'great', ids: [1], pieces: ['great'], hasUnknown: false });
  });

  it('warns when two words become the same tokens', () => {
    const lower = (t: string) => fakeTokenize(t.toLowerCase());
    const dup: Verbalizer = {
      labels: [
        { label: 'p', words: ['Great', 'great'] },
        { label: 'n', words: ['GREAT'] },
      ],
    };
    const r = resolveVerbalizer(dup, lower, { tokenizerKind: 'wordpiece', precededBySpace: true });
    expect(r.issues.map((i) => [i.code, i.params.label, i.params.word])).toEqual([
      ['same-tokens', 'p', 'great'],
      ['same-tokens', 'n', 'GREAT'],
    ]);
  });

  it('async and pre-tokenized variants agree with the sync one', async () => {
    const opts = { tokenizerKind: 'bpe' as const, precededBySpace: true };
    const sync = resolveVerbalizer(v, fakeTokenize, opts);
    expect(await resolveVerbalizerAsync(v, async (t) => fakeTokenize(t), opts)).toEqual(sync);
    expect(resolveFromTokenizations(v, labelWordTexts(v, opts).map(fakeTokenize))).toEqual(sync);
    expect(() => resolveFromTokenizations(v, [])).toThrow(RangeError);
  });
});
